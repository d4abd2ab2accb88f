"""R16: staff sign in with a password and a second factor (authenticator app or recovery code)."""

from __future__ import annotations

import base64
import datetime
import re
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page

from mokatebat.core.persian import to_persian_digits
from mokatebat.organization.management.commands.load_demo_data import (
    Command,
    demo_totp_key,
    ensure_demo_authenticators,
)
from mokatebat.organization.models import User
from mokatebat.organization.views_auth import (
    CODE_THROTTLED,
    LOGIN_THROTTLED,
    WRONG_CODE,
    WRONG_LOGIN,
    issue_recovery_codes,
)
from mokatebat.testing.browser import assert_accessible, assert_no_horizontal_scroll, screenshot
from mokatebat.testing.staff import login_verified

PASSWORD = "a-long-test-password"  # the conftest clerk's
LOGIN = "/staff/login/"
CODE = "/staff/login/code/"
SETUP = "/staff/login/setup/"
RECOVERY = "/staff/account/recovery-codes/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Login failures are counted in the cache, which outlives a test's database transaction."""
    cache.clear()


@pytest.fixture
def authenticator(clerk: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=clerk, name="phone", confirmed=True)


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def sign_in_with_password(client: Client, username: str = "clerk", password: str = PASSWORD, **extra: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def text_of(response: Any) -> str:
    return response.content.decode()


# --- The whole way in ---------------------------------------------------------------------------


def test_password_then_authenticator_code_opens_the_staff_desk(client: Client, authenticator: TOTPDevice) -> None:
    response = sign_in_with_password(client, next="/staff/sms/")
    assert response.status_code == 302
    assert response["Location"] == f"{CODE}?next=%2Fstaff%2Fsms%2F"
    half_signed_in_key = client.cookies["sessionid"].value

    response = client.post(CODE, {"code": code_for(authenticator), "next": "/staff/sms/"})

    assert response.status_code == 302
    assert response["Location"] == "/staff/sms/"
    assert client.cookies["sessionid"].value != half_signed_in_key  # cycle_key: a new session key
    assert client.get("/staff/").status_code == 200


def test_the_code_may_be_typed_in_persian_digits_with_spaces(client: Client, authenticator: TOTPDevice) -> None:
    sign_in_with_password(client)
    code = code_for(authenticator)

    response = client.post(CODE, {"code": to_persian_digits(f"{code[:3]} {code[3:]}")})

    assert response["Location"] == "/staff/"


def test_a_wrong_code_is_refused_and_the_desk_stays_closed(client: Client, authenticator: TOTPDevice) -> None:
    sign_in_with_password(client)
    wrong = f"{(int(code_for(authenticator)) + 1) % 1_000_000:06d}"

    response = client.post(CODE, {"code": wrong})

    assert response.status_code == 200
    assert str(WRONG_CODE) in text_of(response)
    assert client.get("/staff/")["Location"] == f"{CODE}?next=%2Fstaff%2F"


def test_after_a_wrong_code_django_otp_makes_the_person_wait(client: Client, authenticator: TOTPDevice) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        sign_in_with_password(client)
        client.post(CODE, {"code": "000000" if code_for(authenticator) != "000000" else "111111"})

        refused = client.post(CODE, {"code": code_for(authenticator)})
        assert refused.status_code == 429
        assert str(CODE_THROTTLED) in text_of(refused)

        traveller.shift(datetime.timedelta(seconds=2))
        assert client.post(CODE, {"code": code_for(authenticator)})["Location"] == "/staff/"


def test_the_same_authenticator_code_does_not_open_a_second_session(authenticator: TOTPDevice) -> None:
    first, second = Client(), Client()
    sign_in_with_password(first)
    sign_in_with_password(second)
    code = code_for(authenticator)

    assert first.post(CODE, {"code": code}).status_code == 302
    assert second.post(CODE, {"code": code}).status_code == 200  # replayed: refused


def test_a_recovery_code_works_once_only(clerk: User, authenticator: TOTPDevice) -> None:
    recovery_code = issue_recovery_codes(clerk)[0]
    first = Client()
    sign_in_with_password(first)
    response = first.post(CODE, {"code": f"{recovery_code[:5]}-{recovery_code[5:]}"}, follow=True)
    assert response.redirect_chain[-1][0] == "/staff/"
    assert "کد بازیابی به کار رفت" in text_of(response)
    assert StaticToken.objects.filter(device__user=clerk).count() == 9

    second = Client()
    sign_in_with_password(second)
    response = second.post(CODE, {"code": recovery_code})

    assert response.status_code == 200
    assert str(WRONG_CODE) in text_of(response)


def test_an_unsafe_next_address_is_ignored(client: Client, authenticator: TOTPDevice) -> None:
    sign_in_with_password(client, next="https://evil.example/")

    response = client.post(CODE, {"code": code_for(authenticator), "next": "https://evil.example/"})

    assert response["Location"] == "/staff/"


def test_the_code_step_without_the_password_step_goes_to_the_login(client: Client) -> None:
    response = client.get(CODE)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


# --- Throttling the password step ---------------------------------------------------------------


def test_five_wrong_passwords_for_a_username_close_it_for_a_while(client: Client, authenticator: TOTPDevice) -> None:
    for _ in range(5):
        response = sign_in_with_password(client, password="not-the-password")
        assert response.status_code == 200
        assert str(WRONG_LOGIN) in text_of(response)

    response = sign_in_with_password(client)  # even the right password

    assert response.status_code == 429
    assert str(LOGIN_THROTTLED) in text_of(response)
    assert response["Retry-After"] == "900"
    assert client.get("/staff/")["Location"].startswith(LOGIN)


def _without_variable_parts(response: Any, username: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text_of(response))
    return html.replace(username, "USERNAME")


def test_an_unknown_username_is_answered_exactly_like_a_known_one(authenticator: TOTPDevice) -> None:
    answers: dict[str, list[tuple[int, str]]] = {}
    for username in ("clerk", "no.such.person"):
        client = Client()
        answers[username] = [
            (response.status_code, _without_variable_parts(response, username))
            for response in (sign_in_with_password(client, username, "wrong-password") for _ in range(6))
        ]

    assert [status for status, _ in answers["clerk"]] == [200] * 5 + [429]
    assert answers["clerk"] == answers["no.such.person"]


def test_a_username_in_other_letter_case_shares_the_allowance(client: Client, authenticator: TOTPDevice) -> None:
    for username in ("clerk", "Clerk", "CLERK", "clerK", "cLerk"):
        sign_in_with_password(client, username, "wrong-password")

    assert sign_in_with_password(client).status_code == 429


def test_twenty_failures_from_one_address_close_the_login_for_that_address(
    client: Client, authenticator: TOTPDevice
) -> None:
    for number in range(20):
        assert sign_in_with_password(client, f"guess{number}", "wrong-password").status_code == 200

    assert sign_in_with_password(client).status_code == 429
    other_address = Client(REMOTE_ADDR="10.1.2.3")
    assert sign_in_with_password(other_address).status_code == 302


# --- Enrolment and recovery codes ---------------------------------------------------------------


def test_a_new_staff_member_enrols_an_authenticator_and_gets_recovery_codes(client: Client, clerk: User) -> None:
    response = sign_in_with_password(client)
    assert response["Location"] == SETUP
    assert client.get("/staff/")["Location"] == f"{SETUP}?next=%2Fstaff%2F"

    page = text_of(client.get(SETUP))
    device = TOTPDevice.objects.get(user=clerk)
    assert not device.confirmed
    assert 'src="data:image/svg+xml;base64,' in page
    assert base64.b32encode(device.bin_key).decode()[:4] in page
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page

    response = client.post(SETUP, {"code": code_for(device)})

    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    tokens = set(StaticToken.objects.filter(device__user=clerk).values_list("token", flat=True))
    assert len(tokens) == 10
    shown = {code.replace("-", "") for code in re.findall(r"\b\d{5}-\d{5}\b", text_of(response))}
    assert shown == tokens
    assert "data-print" in text_of(response)
    assert client.get("/staff/").status_code == 200


def test_a_wrong_confirmation_code_does_not_confirm_the_authenticator(client: Client, clerk: User) -> None:
    sign_in_with_password(client)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=clerk)

    response = client.post(SETUP, {"code": "12345"})

    assert str(WRONG_CODE) in text_of(response)
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticToken.objects.filter(device__user=clerk).exists()


def test_a_secret_is_never_shown_in_two_sessions(clerk: User) -> None:
    first, second = Client(), Client()
    sign_in_with_password(first)
    sign_in_with_password(second)
    first.get(SETUP)
    first_key = TOTPDevice.objects.get(user=clerk).key

    second.get(SETUP)

    assert TOTPDevice.objects.get(user=clerk).key != first_key
    assert first.get(SETUP).status_code == 200
    assert TOTPDevice.objects.filter(user=clerk).count() == 1


def test_someone_with_only_recovery_codes_left_must_use_one_before_enrolling(client: Client, clerk: User) -> None:
    """The admin removed a lost phone: the password alone must not be enough to add a new one."""
    issue_recovery_codes(clerk)
    client.force_login(clerk)

    assert client.get(SETUP)["Location"] == CODE


def test_a_verified_person_replaces_their_recovery_codes(client: Client, clerk: User) -> None:
    old = set(issue_recovery_codes(clerk))
    login_verified(client, clerk)
    assert client.get(RECOVERY).status_code == 200

    response = client.post(RECOVERY)

    new = set(StaticToken.objects.filter(device__user=clerk).values_list("token", flat=True))
    assert len(new) == 10
    assert not new & old
    assert StaticDevice.objects.filter(user=clerk).count() == 1
    assert {code.replace("-", "") for code in re.findall(r"\b\d{5}-\d{5}\b", text_of(response))} == new


def test_replacing_recovery_codes_needs_a_verified_session(client: Client, clerk: User, authenticator: Any) -> None:
    client.force_login(clerk)

    assert client.post(RECOVERY)["Location"] == f"{CODE}?next=%2Fstaff%2Faccount%2Frecovery-codes%2F"
    assert not StaticToken.objects.exists()


# --- Sessions -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/staff/", "/staff/sms/"])
def test_staff_pages_send_a_password_only_session_to_the_code_step(
    client: Client, clerk: User, authenticator: TOTPDevice, url: str
) -> None:
    client.force_login(clerk)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{CODE}?next={url.replace('/', '%2F')}"


def test_a_deactivated_user_is_out_at_the_next_request(client: Client, clerk: User) -> None:
    login_verified(client, clerk)
    assert client.get("/staff/").status_code == 200

    User.objects.filter(pk=clerk.pk).update(is_active=False)

    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_an_idle_session_is_signed_out_after_thirty_minutes(client: Client, clerk: User) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        login_verified(client, clerk)
        assert client.get("/staff/").status_code == 200
        traveller.shift(datetime.timedelta(minutes=29))
        assert client.get("/staff/").status_code == 200  # in use: the clock starts again
        traveller.shift(datetime.timedelta(minutes=29))
        assert client.get("/staff/sms/").status_code == 200

        traveller.shift(datetime.timedelta(minutes=31))
        response = client.get("/staff/", follow=True)

    assert response.redirect_chain[0][0].startswith(LOGIN)
    assert "بی‌کاری" in text_of(response)
    assert "_auth_user_id" not in client.session


# --- Demo data ----------------------------------------------------------------------------------


def test_demo_users_get_the_authenticator_whose_secret_the_command_prints(db: Any) -> None:
    user = User.objects.create_user("moh.clerk", password=PASSWORD)

    devices = ensure_demo_authenticators()
    assert ensure_demo_authenticators()["moh.clerk"].pk == devices["moh.clerk"].pk  # idempotent

    device = devices["moh.clerk"]
    assert device.user == user
    assert device.confirmed
    assert device.key == demo_totp_key("moh.clerk") != demo_totp_key("moh.unit")
    out = StringIO()
    Command(stdout=out)._print_logins(devices)
    printed = out.getvalue()
    assert base64.b32encode(device.bin_key).decode() in printed
    assert f"Current code for moh.clerk: {code_for(device)}" in printed


# --- In a browser -------------------------------------------------------------------------------


def _type_password_step(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}{LOGIN}")
    page.get_by_label("نام کاربری").fill(username)
    page.get_by_label("گذرواژه").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="ادامه").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_login_and_code_pages_are_accessible_on_a_phone(phone_page: Page, live_server: Any, clerk: User) -> None:
    authenticator = TOTPDevice.objects.create(user=clerk, name="phone", confirmed=True)
    phone_page.goto(f"{live_server.url}{LOGIN}")
    assert_no_horizontal_scroll(phone_page)
    assert_accessible(phone_page, "staff login (phone)")
    screenshot(phone_page, "staff-login-phone")

    _type_password_step(phone_page, live_server.url, "clerk")
    assert CODE in phone_page.url
    assert_no_horizontal_scroll(phone_page)
    assert_accessible(phone_page, "code step (phone)")
    screenshot(phone_page, "staff-login-code-phone")

    phone_page.get_by_label("کد ۶ رقمی").fill("۰۰۰۰۰۰" if code_for(authenticator) != "000000" else "۱۱۱۱۱۱")
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="ورود", exact=True).click()
    assert_accessible(phone_page, "code step with an error (phone)")
    screenshot(phone_page, "staff-login-code-error-phone")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_new_staff_member_enrols_in_a_desktop_browser(desktop_page: Page, live_server: Any, clerk: User) -> None:
    _type_password_step(desktop_page, live_server.url, "clerk")
    assert SETUP in desktop_page.url
    assert_accessible(desktop_page, "enrolment")
    screenshot(desktop_page, "staff-otp-setup-desktop")

    device = TOTPDevice.objects.get(user=clerk)
    desktop_page.get_by_label("کد ۶ رقمی").fill(code_for(device))
    with desktop_page.expect_navigation():
        desktop_page.get_by_role("button", name="تأیید و ادامه").click()
    assert desktop_page.locator(".recovery-codes li").count() == 10
    assert_accessible(desktop_page, "recovery codes")
    screenshot(desktop_page, "staff-recovery-codes-desktop")

    with desktop_page.expect_navigation():
        desktop_page.get_by_role("link", name="کدها را نگه داشتم؛ ادامه").click()
    assert desktop_page.url == f"{live_server.url}/staff/"
    assert_accessible(desktop_page, "staff desk")
