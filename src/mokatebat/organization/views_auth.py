"""Staff sign-in with a password and a second factor (R16).

1. ``login_password``: username and password. Failures are throttled per username and per client
   address; a throttled attempt gets the same answer whether or not the username exists.
2. ``login_code``: the 6-digit code of an authenticator app (TOTP), or one of the recovery codes.
   Wrong codes are throttled by django-otp (an exponentially growing wait per device).
3. ``otp_setup``: a person without an authenticator scans a QR code, confirms with a code and is
   shown ten single-use recovery codes, once.
4. ``recovery_codes_new``: a verified person replaces their recovery codes.
"""

from __future__ import annotations

import base64
import io
import logging
import secrets
from base64 import b32encode
from typing import Any

import qrcode
from django import forms
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.middleware import is_verified
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathImage

from mokatebat.core.http import client_ip
from mokatebat.core.i18n import screen_digits
from mokatebat.core.persian import to_ascii_digits
from mokatebat.core.ratelimit import exceeded

from .access import has_authenticator, staff_required, with_next
from .models import User

logger = logging.getLogger(__name__)

LOGIN_RATE_PER_USERNAME = "5/15m"
LOGIN_RATE_PER_CLIENT = "20/15m"
LOGIN_RETRY_AFTER_SECONDS = 15 * 60
TOTP_DIGITS = 6
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_DIGITS = 10  # digits, not letters: typed on a Persian keyboard without switching layout
AUTHENTICATOR_NAME = "authenticator app"
RECOVERY_DEVICE_NAME = "recovery codes"
PENDING_DEVICE_SESSION_KEY = "staff_pending_totp_device"

WRONG_LOGIN = _("نام کاربری یا گذرواژه درست نیست.")
LOGIN_THROTTLED = _("تلاش‌های ناموفق برای ورود بیش از حد مجاز شد. پانزده دقیقه دیگر دوباره تلاش کنید.")
WRONG_CODE = _("این کد درست نیست یا پیش‌تر به کار رفته است.")
CODE_THROTTLED = _("کدهای نادرست زیادی وارد شد. کمی صبر کنید و دوباره تلاش کنید.")


class CodeForm(forms.Form):
    code = forms.CharField(label=_("کد"), max_length=32)

    def clean_code(self) -> str:
        """Persian or Arabic digits, spaces and dashes are all fine: "۱۲۳ ۴۵۶" is 123456."""
        value = to_ascii_digits(self.cleaned_data["code"])
        return "".join(char for char in value if char.isascii() and char.isalnum()).lower()


# --- Step 1: password ---------------------------------------------------------------------------


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_password(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    form = AuthenticationForm(request, data=request.POST if request.method == "POST" else None)
    if request.method != "POST":
        return _login_page(request, form, next_url)
    username = str(request.POST.get("username", ""))
    if _login_throttled(request, username):
        logger.warning("staff login throttled from %s", client_ip(request))
        response = _login_page(request, form, next_url, error=LOGIN_THROTTLED, status=429)
        response["Retry-After"] = str(LOGIN_RETRY_AFTER_SECONDS)
        return response
    if not form.is_valid():
        _count_login_failure(request, username)
        return _login_page(request, form, next_url, error=WRONG_LOGIN)
    user = form.get_user()
    auth_login(request, user)
    step = "staff-login-code" if user_has_device(user) else "staff-otp-setup"
    return redirect(with_next(step, next_url))


def _login_page(
    request: HttpRequest, form: AuthenticationForm, next_url: str, *, error: Any = None, status: int = 200
) -> HttpResponse:
    context = {"form": form, "next": next_url, "error": error}
    return render(request, "organization/login.html", context, status=status)


def _login_limits(request: HttpRequest, username: str) -> list[tuple[str, str, str]]:
    # casefold: "Moh.Clerk" must not open a fresh allowance for "moh.clerk".
    return [
        ("staff-login-username", username.strip().casefold(), LOGIN_RATE_PER_USERNAME),
        ("staff-login-client", client_ip(request), LOGIN_RATE_PER_CLIENT),
    ]


def _login_throttled(request: HttpRequest, username: str) -> bool:
    """True once either allowance of failures is used up; checking does not count as a try."""
    return exceeded(request, _login_limits(request, username), increment=False)


def _count_login_failure(request: HttpRequest, username: str) -> None:
    exceeded(request, _login_limits(request, username))


# --- Step 2: the code ---------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    if user is None:
        return redirect_to_login(request.get_full_path())
    next_url = _next_url(request)
    if not user_has_device(user):
        return redirect(with_next("staff-otp-setup", next_url))
    if is_verified(user):
        return redirect(next_url or reverse("staff-home"))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        device, throttled = _verify_code(user, form.cleaned_data["code"])
        if device is not None:
            _mark_verified(request, device)
            _warn_if_recovery_code_used(request, device)
            return redirect(next_url or reverse("staff-home"))
        form.add_error("code", CODE_THROTTLED if throttled else WRONG_CODE)
        status = 429 if throttled else 200
        return render(request, "organization/login_code.html", {"form": form, "next": next_url}, status=status)
    return render(request, "organization/login_code.html", {"form": form, "next": next_url})


def _verify_code(user: User, code: str) -> tuple[Any, bool]:
    """The device that accepted the code (or None), and whether django-otp refused to check it yet.

    Six digits are an authenticator code; anything else can only be a recovery code.
    """
    model = TOTPDevice if len(code) == TOTP_DIGITS and code.isdigit() else StaticDevice
    with transaction.atomic():
        # Locked, so two requests racing with the same code cannot both succeed.
        device = model.objects.devices_for_user(user, confirmed=True).select_for_update().order_by("pk").first()
        if device is None:
            return None, False
        allowed, _reason = device.verify_is_allowed()
        if not allowed:
            return None, True
        return (device if device.verify_token(code) else None), False


def _mark_verified(request: HttpRequest, device: Any) -> None:
    otp_login(request, device)
    # A new session key for the fully signed-in session: the half-signed-in key is worth nothing.
    request.session.cycle_key()


def _warn_if_recovery_code_used(request: HttpRequest, device: Any) -> None:
    if not isinstance(device, StaticDevice):
        return
    text = _("یک کد بازیابی به کار رفت و %(count)s کد دیگر مانده است. اگر گوشی‌تان گم شده، به مدیر سامانه خبر دهید.")
    messages.warning(request, text % {"count": screen_digits(device.token_set.count())})


# --- Enrolment ----------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    if user is None:
        return redirect_to_login(request.get_full_path())
    next_url = _next_url(request)
    verified = is_verified(user)
    if has_authenticator(user) or (user_has_device(user) and not verified):
        # Replacing a second factor takes the second factor (a recovery code) first.
        return redirect(next_url or reverse("staff-home") if verified else with_next("staff-login-code", next_url))
    device = _pending_device(request, user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_valid():
        confirmed, throttled = _confirm_device(device, form.cleaned_data["code"])
        if confirmed:
            request.session.pop(PENDING_DEVICE_SESSION_KEY, None)
            _mark_verified(request, device)
            logger.info("staff user %s enrolled an authenticator", user.pk)
            return _recovery_codes_page(request, issue_recovery_codes(user), next_url)
        form.add_error("code", CODE_THROTTLED if throttled else WRONG_CODE)
        status = 429 if throttled else 200
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": next_url,
        "qr_data_uri": _qr_data_uri(device.config_url),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "secret": secret,
    }
    return render(request, "organization/otp_setup.html", context, status=status)


def _pending_device(request: HttpRequest, user: User) -> Any:
    """The unconfirmed secret shown in *this* session; a secret is never shown in two sessions."""
    device_id = request.session.get(PENDING_DEVICE_SESSION_KEY)
    pending = TOTPDevice.objects.filter(user=user, confirmed=False)
    device = pending.filter(pk=device_id).first() if isinstance(device_id, int) else None
    if device is None:
        pending.delete()
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
        request.session[PENDING_DEVICE_SESSION_KEY] = device.pk
    return device


def _confirm_device(device: Any, code: str) -> tuple[bool, bool]:
    """Whether the code confirmed the new secret, and whether django-otp refused to check it yet."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not locked.verify_is_allowed()[0]:
            return False, True
        if not locked.verify_token(code):
            return False, False
        locked.confirmed = True
        locked.save(update_fields=["confirmed"])
    device.refresh_from_db()
    return True, False


def _qr_data_uri(text: str) -> str:
    """An inline SVG image: the Content-Security-Policy allows data: images, not inline scripts."""
    buffer = io.BytesIO()
    qrcode.make(text, image_factory=SvgPathImage).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


# --- Recovery codes -----------------------------------------------------------------------------


def issue_recovery_codes(user: User) -> list[str]:
    """Ten new single-use codes; every older recovery code stops working."""
    with transaction.atomic():
        device = StaticDevice.objects.filter(user=user).order_by("pk").first()
        if device is None:
            device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        StaticToken.objects.filter(device__user=user).delete()
        codes = [_random_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _random_recovery_code() -> str:
    return f"{secrets.randbelow(10**RECOVERY_CODE_DIGITS):0{RECOVERY_CODE_DIGITS}d}"


def format_recovery_code(code: str) -> str:
    """ "12345-67890": easier to read aloud and to copy without losing a digit."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


@staff_required
@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    assert user is not None  # staff_required
    if request.method == "POST":
        logger.info("staff user %s replaced their recovery codes", user.pk)
        return _recovery_codes_page(request, issue_recovery_codes(user), "")
    left = StaticToken.objects.filter(device__user=user).count()
    return render(request, "organization/recovery_codes_new.html", {"left": left})


def _recovery_codes_page(request: HttpRequest, codes: list[str], next_url: str) -> HttpResponse:
    """Shown once, as the answer to the POST that made them: there is no page to come back to."""
    context = {"codes": [format_recovery_code(code) for code in codes], "next": next_url or reverse("staff-home")}
    return render(request, "organization/recovery_codes.html", context)


# --- Helpers ------------------------------------------------------------------------------------


def _signed_in_user(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def _next_url(request: HttpRequest) -> str:
    """Where to go after signing in, if it is a page of this site; otherwise nowhere in particular."""
    candidate = str(request.POST.get("next") or request.GET.get("next") or "")
    safe = url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return candidate if safe else ""
