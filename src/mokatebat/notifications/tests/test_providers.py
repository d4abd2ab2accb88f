"""The providers turn a gateway's answer into success, "try again later" or "never again"."""

from __future__ import annotations

import logging
import socket

import pytest
from django.core.exceptions import ImproperlyConfigured

from mokatebat.notifications.models import OutboxMessage
from mokatebat.notifications.providers import (
    ConsoleProvider,
    HttpGatewayProvider,
    PermanentSendError,
    TemporarySendError,
    get_provider,
)

from .fake_gateway import BAD_REQUEST, HANG, SERVER_ERROR, Answer, FakeGateway, rate_limited


def _message(mobile: str = "09121234567") -> OutboxMessage:
    return OutboxMessage(mobile=mobile, body="وزارت بهداشت: نامه شما دریافت شد.", template="item_submitted")


def _provider(gateway: FakeGateway, timeout: float = 0.5) -> HttpGatewayProvider:
    return HttpGatewayProvider(url=gateway.url, api_key=gateway.api_key, sender="10004346", timeout=timeout)


def test_the_gateway_gets_our_json_with_the_bearer_key_and_our_reference(gateway):
    message = _message()

    result = _provider(gateway).send(message)

    [request] = gateway.requests
    assert request.path == "/messages"
    assert request.headers["Authorization"] == f"Bearer {gateway.api_key}"
    assert request.payload == {
        "to": "09121234567",
        "text": "وزارت بهداشت: نامه شما دریافت شد.",
        "sender": "10004346",
        "reference": str(message.reference),
    }
    assert result.provider_message_id == "gw-1"


@pytest.mark.parametrize("answer", [SERVER_ERROR, Answer(status=503), Answer(status=408), rate_limited("7")])
def test_server_errors_timeouts_and_rate_limits_are_temporary(gateway, answer):
    gateway.answer(answer)

    with pytest.raises(TemporarySendError):
        _provider(gateway).send(_message())


def test_a_rate_limit_passes_on_the_gateways_retry_after(gateway):
    gateway.answer(rate_limited("120"))

    with pytest.raises(TemporarySendError) as raised:
        _provider(gateway).send(_message())

    assert raised.value.retry_after == 120


@pytest.mark.parametrize("header", ["soon", "-5", "inf", "Wed, 21 Oct 2015 07:28:00 GMT"])
def test_an_unusable_retry_after_is_ignored(gateway, header):
    gateway.answer(rate_limited(header))

    with pytest.raises(TemporarySendError) as raised:
        _provider(gateway).send(_message())

    assert raised.value.retry_after is None


@pytest.mark.parametrize("answer", [BAD_REQUEST, Answer(status=422)])
def test_other_client_errors_are_permanent(gateway, answer):
    gateway.answer(answer)

    with pytest.raises(PermanentSendError, match=str(answer.status)):
        _provider(gateway).send(_message())


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_api_key_keeps_the_message_queued_while_staff_fix_it(gateway, status):
    gateway.answer(Answer(status=status))

    with pytest.raises(TemporarySendError, match="credentials"):
        _provider(gateway).send(_message())


def test_a_gateway_that_hangs_past_the_timeout_is_a_temporary_failure(gateway):
    gateway.answer(HANG)

    with pytest.raises(TemporarySendError, match="timed out"):
        _provider(gateway, timeout=0.3).send(_message())


def test_a_gateway_that_is_down_is_a_temporary_failure():
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    provider = HttpGatewayProvider(url=f"http://127.0.0.1:{port}", api_key="k", sender="1", timeout=0.5)

    with pytest.raises(TemporarySendError, match="could not reach the gateway"):
        provider.send(_message())


@pytest.mark.parametrize("mobile", ["0912123456", "9121234567", "۰۹۱۲۱۲۳۴۵۶۷", ""])
def test_an_invalid_number_is_permanent_and_never_reaches_the_gateway(gateway, mobile):
    with pytest.raises(PermanentSendError, match="invalid mobile number"):
        _provider(gateway).send(_message(mobile))

    assert gateway.requests == []


def test_a_refusal_never_shows_the_api_key(gateway):
    gateway.api_key = "s3cret-key"
    gateway.answer(BAD_REQUEST)

    with pytest.raises(PermanentSendError) as raised:
        _provider(gateway).send(_message())

    assert "s3cret" not in raised.value.reason


def test_the_console_provider_logs_the_sms_and_always_succeeds(caplog):
    message = _message(mobile="not a number")

    with caplog.at_level(logging.INFO, logger="mokatebat.notifications.providers"):
        result = ConsoleProvider().send(message)

    assert result.provider_message_id == f"console-{message.reference}"
    assert message.body in caplog.text


def test_get_provider_follows_the_settings(settings):
    settings.SMS_PROVIDER = "console"
    assert isinstance(get_provider(), ConsoleProvider)

    settings.SMS_PROVIDER, settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_API_KEY = "http", "http://gw", "k"
    assert isinstance(get_provider(), HttpGatewayProvider)


@pytest.mark.parametrize(
    ("provider", "url", "key"), [("kavenegar", "", ""), ("http", "", "k"), ("http", "http://gw", "")]
)
def test_get_provider_refuses_an_unknown_or_half_configured_provider(settings, provider, url, key):
    settings.SMS_PROVIDER, settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_API_KEY = provider, url, key

    with pytest.raises(ImproperlyConfigured):
        get_provider()


def test_a_2xx_without_an_id_is_still_a_success(gateway):
    # The gateway took the message: resending it would be a duplicate, whatever the body says.
    gateway.answer(Answer(status=202, body="queued"))

    assert _provider(gateway).send(_message()).provider_message_id == ""
