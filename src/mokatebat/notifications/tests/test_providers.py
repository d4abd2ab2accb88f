"""The Kavenegar and SMS.ir adapters against fakes that speak each gateway's documented protocol:
sent, refused, throttled, our account refused, no answer, the de-duplication lookup and delivery."""

from __future__ import annotations

import datetime
import logging
import socket
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from mokatebat.notifications.models import OutboxMessage
from mokatebat.notifications.providers import (
    ConsoleProvider,
    Delivery,
    GatewayAccountError,
    KavenegarProvider,
    OutcomeUnknownError,
    PermanentSendError,
    SmsIrProvider,
    TemporarySendError,
    get_provider,
)

from .fake_gateway import (
    BAD_KEY,
    HANG,
    INVALID_NUMBER,
    LATE,
    NO_CREDIT,
    SERVER_ERROR,
    FakeGateway,
    throttled,
)

PROVIDERS = {"kavenegar": KavenegarProvider, "smsir": SmsIrProvider}
TEXT = "وزارت بهداشت: نامه شما دریافت شد. کد رهگیری: 1234567890123"


def _message(mobile: str = "09121234567", body: str = TEXT, pk: int = 1) -> OutboxMessage:
    return OutboxMessage(
        pk=pk, mobile=mobile, body=body, template="item_submitted", reference=uuid.uuid4(), created_at=timezone.now()
    )


def _provider(gateway: FakeGateway, timeout: float = 0.5) -> KavenegarProvider | SmsIrProvider:
    return PROVIDERS[gateway.protocol](
        base_url=gateway.url, api_key=gateway.api_key, sender="40401234", timeout=timeout
    )


@pytest.fixture(params=["kavenegar", "smsir"])
def gateway(request: pytest.FixtureRequest):
    fake = FakeGateway(protocol=request.param)
    fake.start()
    yield fake
    fake.stop()


def test_kavenegar_gets_a_form_with_the_key_in_the_path_our_localid_and_the_government_line():
    fake = FakeGateway(protocol="kavenegar")
    fake.start()
    try:
        message = _message()
        result = _provider(fake).send(message)
    finally:
        fake.stop()

    [request] = fake.requests
    assert request.path == f"/v1/{fake.api_key}/sms/send.json"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.params == {
        "receptor": "09121234567",
        "sender": "40401234",
        "message": TEXT,
        "localid": KavenegarProvider.localid(message),
    }
    assert result.provider_message_id == str(fake.phone[0].id)
    assert result.cost == Decimal(1200), "entries[].cost, in rials"


def test_smsir_gets_json_with_the_api_key_header_line_number_and_mobiles():
    fake = FakeGateway(protocol="smsir")
    fake.start()
    try:
        result = _provider(fake).send(_message())
    finally:
        fake.stop()

    [request] = fake.requests
    assert (request.method, request.path) == ("POST", "/v1/send/bulk")
    assert request.headers["X-API-KEY"] == fake.api_key
    assert request.params == {
        "lineNumber": 40401234,
        "messageText": TEXT,
        "mobiles": ["09121234567"],
        "sendDateTime": None,
    }
    assert result.provider_message_id == str(fake.phone[0].id)
    assert result.cost == Decimal(1)


def test_a_sent_message_reaches_the_phone_once_and_its_delivery_is_reported(gateway):
    provider, message = _provider(gateway), _message()
    message.provider_message_id = provider.send(message).provider_message_id

    assert gateway.phone_counts() == {TEXT: 1}
    assert provider.delivery([message]) == {message.pk: Delivery.PENDING}
    gateway.deliver_all()
    assert provider.delivery([message]) == {message.pk: Delivery.DELIVERED}


def test_an_undeliverable_message_is_reported_failed(gateway):
    provider, message = _provider(gateway), _message()
    message.provider_message_id = provider.send(message).provider_message_id
    gateway.deliver_all("failed")

    assert provider.delivery([message]) == {message.pk: Delivery.FAILED}


def test_a_server_error_is_temporary(gateway):
    gateway.answer(SERVER_ERROR)

    with pytest.raises(TemporarySendError) as raised:
        _provider(gateway).send(_message())

    assert not isinstance(raised.value, OutcomeUnknownError), "a 5xx answer means it was not taken"
    assert gateway.phone == []


def test_throttling_is_temporary_and_passes_on_the_gateways_retry_after(gateway):
    gateway.answer(throttled("120"))

    with pytest.raises(TemporarySendError) as raised:
        _provider(gateway).send(_message())

    assert raised.value.retry_after == 120.0
    assert "429" in raised.value.reason


@pytest.mark.parametrize("header", ["soon", "-5", "nan", "inf"])
def test_an_unusable_retry_after_is_ignored(gateway, header):
    gateway.answer(throttled(header))

    with pytest.raises(TemporarySendError) as raised:
        _provider(gateway).send(_message())

    assert raised.value.retry_after is None


def test_an_invalid_number_refused_by_the_gateway_is_permanent(gateway):
    gateway.answer(INVALID_NUMBER)

    with pytest.raises(PermanentSendError) as raised:
        _provider(gateway).send(_message())

    assert ("411" if gateway.protocol == "kavenegar" else "104") in raised.value.reason


@pytest.mark.parametrize("mobile", ["", "0912123456", "+989121234567", "09121234567\n"])
def test_an_invalid_number_is_permanent_and_never_reaches_the_gateway(gateway, mobile):
    with pytest.raises(PermanentSendError):
        _provider(gateway).send(_message(mobile=mobile))

    assert gateway.requests == []


@pytest.mark.parametrize("answer", [BAD_KEY, NO_CREDIT])
def test_a_refused_key_or_no_credit_is_an_account_error_not_the_messages(gateway, answer):
    gateway.answer(answer)

    with pytest.raises(GatewayAccountError):
        _provider(gateway).send(_message())


def test_a_wrong_api_key_is_an_account_error_and_never_shows_the_key(gateway):
    provider = PROVIDERS[gateway.protocol](base_url=gateway.url, api_key="s3cret-key", sender="1", timeout=0.5)

    with pytest.raises(GatewayAccountError) as raised:
        provider.send(_message())

    assert "s3cret" not in raised.value.reason


def test_the_api_key_never_reaches_the_logs(gateway, caplog):
    with caplog.at_level(logging.DEBUG):
        _provider(gateway).send(_message())

    assert gateway.api_key not in caplog.text


def test_the_account_check_passes_with_credit_and_fails_without(gateway):
    _provider(gateway).check_account()
    gateway.credit = 0

    with pytest.raises(GatewayAccountError):
        _provider(gateway).check_account()


def test_no_answer_in_time_is_an_unknown_outcome(gateway):
    gateway.answer(HANG)

    with pytest.raises(OutcomeUnknownError) as raised:
        _provider(gateway, timeout=0.3).send(_message())

    assert "did not answer" in raised.value.reason


def test_a_gateway_that_is_down_is_temporary_and_certainly_not_sent():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    provider = KavenegarProvider(base_url=f"http://127.0.0.1:{port}", api_key="k", sender="1", timeout=0.5)

    with pytest.raises(TemporarySendError) as raised:
        provider.send(_message())

    assert not isinstance(raised.value, OutcomeUnknownError)


def test_lookup_finds_a_message_the_gateway_took_although_its_answer_came_too_late(gateway):
    provider, message = _provider(gateway, timeout=0.3), _message()
    gateway.answer(LATE)
    with pytest.raises(OutcomeUnknownError):
        provider.send(message)

    found = provider.lookup(message)

    assert found is not None
    assert found.provider_message_id == str(gateway.phone[0].id)
    assert gateway.phone_counts() == {TEXT: 1}


def test_lookup_finds_nothing_for_a_message_the_gateway_never_took(gateway):
    provider = _provider(gateway)
    provider.send(_message(body="another text", pk=2))
    gateway.answer(HANG)

    assert provider.lookup(_message()) is None


def test_smsir_lookup_ignores_the_same_text_sent_before_the_message_was_queued():
    fake = FakeGateway(protocol="smsir")
    fake.start()
    try:
        provider = _provider(fake)
        provider.send(_message())
        later = _message()
        later.created_at = timezone.now() + datetime.timedelta(minutes=5)
        assert provider.lookup(later) is None
    finally:
        fake.stop()


def test_kavenegar_never_sends_a_second_message_with_the_same_localid():
    fake = FakeGateway(protocol="kavenegar")
    fake.start()
    try:
        provider, message = _provider(fake), _message()
        first, second = provider.send(message), provider.send(message)
    finally:
        fake.stop()

    assert first.provider_message_id == second.provider_message_id
    assert fake.phone_counts() == {TEXT: 1}


def test_the_console_provider_logs_the_sms_and_always_succeeds(caplog):
    message = _message(mobile="not a number")

    with caplog.at_level(logging.INFO, logger="mokatebat.notifications.providers"):
        result = ConsoleProvider().send(message)

    assert result.provider_message_id == f"console-{message.reference}"
    assert message.body in caplog.text


def test_get_provider_follows_the_settings(settings):
    settings.SMS_PROVIDER = "console"
    assert isinstance(get_provider(), ConsoleProvider)

    settings.SMS_GATEWAY_API_KEY, settings.SMS_SENDER, settings.SMS_GATEWAY_URL = "k", "40401234", ""
    settings.SMS_PROVIDER = "kavenegar"
    kavenegar = get_provider()
    assert isinstance(kavenegar, KavenegarProvider)
    assert kavenegar.base_url == "https://api.kavenegar.com"
    settings.SMS_PROVIDER = "smsir"
    smsir = get_provider()
    assert isinstance(smsir, SmsIrProvider)
    assert smsir.base_url == "https://api.sms.ir"


@pytest.mark.parametrize(
    ("provider", "key", "sender"), [("http", "k", "1"), ("kavenegar", "", "1"), ("smsir", "k", "")]
)
def test_get_provider_refuses_an_unknown_or_half_configured_provider(settings, provider, key, sender):
    settings.SMS_PROVIDER, settings.SMS_GATEWAY_API_KEY, settings.SMS_SENDER = provider, key, sender

    with pytest.raises(ImproperlyConfigured):
        get_provider()
