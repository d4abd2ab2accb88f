"""R12: citizens sign in with a one-time code sent by SMS to their mobile."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

from mokatebat.accounts.models import MAX_ATTEMPTS, SignInCode
from mokatebat.accounts.workflow import code_digest
from mokatebat.core.identifiers import generate_national_id
from mokatebat.correspondence.models import Item
from mokatebat.correspondence.workflow import RequesterDetails
from mokatebat.notifications.models import OutboxMessage

from .conftest import STILL, request_code, sent_code, sign_in

pytestmark = pytest.mark.django_db


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_asking_for_a_code_queues_one_sms_to_the_mobile_and_stores_only_a_hash(
    client: Client, citizen: RequesterDetails
) -> None:
    response = request_code(client, citizen.national_id, "۰۹۱۲ ۱۲۳ ۴۵۶۷")  # Persian digits and spaces
    assert response.status_code == 302
    assert response["Location"] == "/account/sign-in/code/"
    message = OutboxMessage.objects.get(template="account_sign_in_code")
    assert message.mobile == citizen.mobile
    assert message.item is None
    code = sent_code(citizen.mobile)
    challenge = SignInCode.objects.get()
    assert challenge.code_hash == code_digest(challenge.public_id, code)
    # Straight from the table: no column of the row holds the code itself.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_signincode")
        row = cursor.fetchone()
    assert all(code not in str(value) for value in row)


def test_the_right_code_signs_in_once_and_never_again(client: Client, citizen: RequesterDetails) -> None:
    request_code(client, citizen.national_id, citizen.mobile)
    code = sent_code(citizen.mobile)
    assert client.post("/account/sign-in/code/", {"code": code})["Location"] == "/account/"
    assert client.get("/account/").status_code == 200
    assert SignInCode.objects.get().used_at is not None

    # The same code in another browser (someone who saw the SMS) opens nothing.
    other = Client()
    request_code(other, citizen.national_id, citizen.mobile)
    session = other.session
    session["citizen_challenge"] = str(SignInCode.objects.order_by("id").first().public_id)  # type: ignore[union-attr]
    session.save()
    response = other.post("/account/sign-in/code/", {"code": code})
    assert response["Location"] == "/account/sign-in/"
    assert other.get("/account/")["Location"] == "/account/sign-in/"


def test_a_code_expires_after_five_minutes(client: Client, citizen: RequesterDetails) -> None:
    request_code(client, citizen.national_id, citizen.mobile)
    code = sent_code(citizen.mobile)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5, seconds=1)):
        response = client.post("/account/sign-in/code/", {"code": code}, follow=True)
    assert "کد تازه بگیرید" in response.content.decode()
    assert client.get("/account/")["Location"] == "/account/sign-in/"


def test_a_code_still_works_just_before_it_expires(client: Client, citizen: RequesterDetails) -> None:
    request_code(client, citizen.national_id, citizen.mobile)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=4, seconds=50)):
        response = client.post("/account/sign-in/code/", {"code": sent_code(citizen.mobile)})
    assert response["Location"] == "/account/"


def test_five_wrong_codes_spend_the_code_even_for_the_right_one_after(
    client: Client, citizen: RequesterDetails
) -> None:
    request_code(client, citizen.national_id, citizen.mobile)
    code = sent_code(citizen.mobile)
    for _attempt in range(MAX_ATTEMPTS - 1):
        response = client.post("/account/sign-in/code/", {"code": wrong(code)})
        assert response.status_code == 400
        assert "کد درست نیست" in response.content.decode()
    response = client.post("/account/sign-in/code/", {"code": wrong(code)})
    assert response["Location"] == "/account/sign-in/"  # the fifth wrong try spends it
    assert SignInCode.objects.get().attempts == MAX_ATTEMPTS
    # Even with the challenge put back into the session, the right code is refused now.
    session = client.session
    session["citizen_challenge"] = str(SignInCode.objects.get().public_id)
    session.save()
    assert client.post("/account/sign-in/code/", {"code": code})["Location"] == "/account/sign-in/"
    assert client.get("/account/")["Location"] == "/account/sign-in/"


@pytest.mark.usefixtures("time_stands_still")
def test_codes_per_mobile_are_rate_limited(client: Client, citizen: RequesterDetails) -> None:
    for _attempt in range(3):
        assert request_code(client, citizen.national_id, citizen.mobile).status_code == 302
    # A fourth code to the same mobile, even from another address and for another ID, is refused.
    other_id = generate_national_id(random.Random(11))
    response = request_code(Client(), other_id, citizen.mobile, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 429
    assert OutboxMessage.objects.filter(template="account_sign_in_code").count() == 3


def test_codes_per_mobile_are_capped_per_day(citizen: RequesterDetails) -> None:
    start = STILL
    statuses = []
    for n in range(11):  # three every quarter hour stays under the short limit; the day's cap is ten
        with time_machine.travel(start + datetime.timedelta(minutes=16 * (n // 3)), tick=False):
            seed_id = generate_national_id(random.Random(300 + n))
            statuses.append(request_code(Client(), seed_id, citizen.mobile, REMOTE_ADDR=f"10.9.0.{n}").status_code)
    assert statuses == [302] * 10 + [429]


@pytest.mark.usefixtures("time_stands_still")
def test_codes_per_national_id_are_rate_limited(client: Client, citizen: RequesterDetails) -> None:
    mobiles = [f"0912000000{n}" for n in range(6)]
    statuses = [
        request_code(Client(), citizen.national_id, mobile, REMOTE_ADDR=f"10.0.0.{n}").status_code
        for n, mobile in enumerate(mobiles)
    ]
    assert statuses == [302] * 5 + [429]


@pytest.mark.usefixtures("time_stands_still")
def test_codes_per_client_address_are_rate_limited(client: Client) -> None:
    ids = [generate_national_id(random.Random(seed)) for seed in range(100, 105)]
    statuses = []
    for n in range(21):
        statuses.append(request_code(client, ids[n % 5], f"09120000{n:03d}").status_code)
    assert statuses[:20] == [302] * 20
    assert statuses[20] == 429


def test_the_answer_is_the_same_whether_or_not_the_person_has_letters(
    client: Client, citizen: RequesterDetails, stranger: RequesterDetails, submit: Callable[..., Item]
) -> None:
    submit()  # the citizen has a letter; the stranger has none
    with_letters = request_code(client, citizen.national_id, citizen.mobile)
    without = request_code(Client(), stranger.national_id, stranger.mobile)
    assert (with_letters.status_code, with_letters["Location"]) == (without.status_code, without["Location"])
    page_with = client.get("/account/sign-in/code/").content.decode()
    assert "اگر شماره همراه و کد ملی را درست وارد کرده باشید" in page_with


def test_bad_input_gets_a_persian_message_on_each_field_and_keeps_what_was_typed(client: Client) -> None:
    response = request_code(client, "۱۲۳۴", "0912")
    assert response.status_code == 400
    body = response.content.decode()
    assert "کد ملی ۱۰ رقمی یا شناسه ملی ۱۱ رقمی معتبر وارد کنید" in body
    assert "شماره تلفن همراه معتبر نیست" in body
    assert 'value="1234"' in body
    assert not OutboxMessage.objects.exists()


def test_the_code_page_without_a_pending_code_goes_back_to_sign_in(client: Client) -> None:
    assert client.get("/account/sign-in/code/")["Location"] == "/account/sign-in/"


def test_sign_out_ends_the_citizen_session(client: Client, citizen: RequesterDetails) -> None:
    sign_in(client, citizen.national_id, citizen.mobile)
    assert client.get("/account/").status_code == 200
    client.post("/account/sign-out/")
    assert client.get("/account/")["Location"] == "/account/sign-in/"


def test_an_idle_citizen_session_expires(client: Client, citizen: RequesterDetails) -> None:
    sign_in(client, citizen.national_id, citizen.mobile)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=31)):
        assert client.get("/account/")["Location"] == "/account/sign-in/"


def test_a_busy_citizen_session_still_ends_after_eight_hours(client: Client, citizen: RequesterDetails) -> None:
    sign_in(client, citizen.national_id, citizen.mobile)
    start = timezone.now()
    for minutes in range(20, 8 * 60, 20):  # active every 20 minutes, never idle for 30
        with time_machine.travel(start + datetime.timedelta(minutes=minutes)):
            assert client.get("/account/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(hours=8, minutes=1)):
        assert client.get("/account/")["Location"] == "/account/sign-in/"


def test_a_citizen_session_is_not_a_staff_login(client: Client, citizen: RequesterDetails) -> None:
    sign_in(client, citizen.national_id, citizen.mobile)
    assert "_auth_user_id" not in client.session
    assert client.get("/staff/")["Location"].startswith("/staff/login/")


@pytest.mark.usefixtures("time_stands_still")
def test_code_checks_per_client_address_are_rate_limited_across_codes(client: Client) -> None:
    """Asking for fresh codes does not buy more guesses: 30 checks an hour per address."""
    statuses = []
    for seed in range(7):
        request_code(client, generate_national_id(random.Random(200 + seed)), f"0912300000{seed}")
        code = sent_code(f"0912300000{seed}")
        for _attempt in range(MAX_ATTEMPTS):
            response = client.post("/account/sign-in/code/", {"code": wrong(code)})
            statuses.append(response.status_code)
            if response.status_code == 302:  # this code is spent; ask for the next one
                break
    assert 429 not in statuses[:30]
    assert statuses[30] == 429


def test_sign_in_codes_are_never_deleted(client: Client, citizen: RequesterDetails) -> None:
    request_code(client, citizen.national_id, citizen.mobile)
    with pytest.raises(IntegrityError), transaction.atomic():
        SignInCode.objects.all().delete()
    assert SignInCode.objects.count() == 1
