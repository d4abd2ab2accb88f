"""Signing staff in for tests the way the login flow leaves them."""

from __future__ import annotations

from django.test import Client

from mokatebat.organization.models import User


def login_verified(client: Client, user: User) -> None:
    client.force_login(user)
