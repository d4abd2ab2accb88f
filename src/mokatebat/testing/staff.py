"""Signing staff in for tests the way the login flow leaves them: password and second factor done."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from mokatebat.organization.models import User


def login_verified(client: Client, user: User) -> Any:
    """Sign ``user`` in on ``client`` with a verified second factor; returns their TOTP device.

    Creates a confirmed authenticator if the user has none, then stores it in the session exactly as
    ``django_otp.login`` does, so ``staff_required`` pages open.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test authenticator", confirmed=True)
    client.force_login(user)
    session = client.session  # a new SessionStore on every access: keep one, change it, save it
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
