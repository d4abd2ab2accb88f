"""Creating client systems and rotating their tokens: each one transaction."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from django.db import transaction

from mokatebat.organization.models import Membership, Organization, Role, User

from .models import ClientSystem


def client_create(
    *, agency: Organization, name: str, scopes: Sequence[str], rate_limit: str = "600/h"
) -> tuple[ClientSystem, str]:
    """Register a client system with its service account; returns it and its token (shown once)."""
    with transaction.atomic():
        user = User.objects.create(username=f"api-{secrets.token_hex(6)}", first_name=name[:150], is_active=True)
        user.set_unusable_password()  # it never signs in to pages; it only presents its token
        user.save(update_fields=["password"])
        # A secretariat role: the API steps (register, refer, act, answer) are the secretariat's.
        Membership.objects.create(user=user, organization=agency, role=Role.SECRETARIAT_CLERK)
        client = ClientSystem(agency=agency, name=name, scopes=list(scopes), rate_limit=rate_limit, user=user)
        token = client.set_new_token()
        client.save()
    return client, token


def client_rotate_token(*, client: ClientSystem) -> str:
    """Replace the token: the old one stops working at once."""
    with transaction.atomic():
        client = ClientSystem.objects.select_for_update().get(pk=client.pk)
        token = client.set_new_token()
        client.save(update_fields=["token_hash", "token_hint"])
    return token


def client_deactivate(*, client: ClientSystem) -> None:
    """Switch a client off (never deleted: its steps stay on the items' timelines)."""
    with transaction.atomic():
        ClientSystem.objects.filter(pk=client.pk).update(is_active=False)
        Membership.objects.filter(user_id=client.user_id).update(is_active=False)
