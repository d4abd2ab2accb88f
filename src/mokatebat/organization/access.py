"""Who may open staff pages at all. Per-object rules live in each app's ``auth.py``.

A staff page needs the password *and* the second factor (R16): a session that only passed the
password step is sent on to the code step, or to enrolment when the person has no authenticator yet.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.middleware import is_verified
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Membership, MembershipQuerySet, User


def staff_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A signed-in member of staff who also passed the second factor in this session."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not isinstance(user, User) or not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_authenticator(user):
            return redirect(with_next("staff-otp-setup", request.get_full_path()))
        if not is_verified(user):  # OTPMiddleware found no verified device in this session
            return redirect(with_next("staff-login-code", request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapper


def has_authenticator(user: User) -> bool:
    """The person finished enrolment: an authenticator app holds a confirmed TOTP secret."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def with_next(url_name: str, next_url: str) -> str:
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def active_memberships(user: User) -> MembershipQuerySet:
    """The roles this person holds now, in organisations that are still active."""
    return Membership.objects.active().filter(user=user).select_related("organization")
