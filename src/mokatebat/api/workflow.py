"""Client systems (create, rotate, switch off) and the one step a client takes that is more than one
``correspondence.workflow`` call (proposing an answer). Each function is one transaction."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from mokatebat.correspondence import workflow as cw
from mokatebat.correspondence.models import Item, Referral, ResponseDraft, Status
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


def client_response_propose(*, item: Item, actor: User, body: str) -> ResponseDraft:
    """A client system's answer is a draft of the acting unit, put before the unit's manager to sign:
    the same draft → signature → issue path as the unit's own staff (nothing is issued unsigned).
    A draft the manager sent back is rewritten and put forward again."""
    with transaction.atomic():
        item = Item.objects.select_for_update(of=("self",)).select_related("addressed_unit").get(pk=item.pk)
        if not item.is_registered or item.status == Status.CLOSED:
            raise cw.WorkflowError(_("پاسخ فقط برای نامه ثبت‌شده و باز نوشته می‌شود."))
        referral = item.referrals.filter(is_active=True, role=Referral.Role.MAIN).select_related("unit").first()
        unit = referral.unit if referral is not None else item.addressed_unit
        if unit is None:
            raise cw.WorkflowError(_("نامه هنوز به واحدی ارجاع نشده است؛ پاسخ را واحد اقدام‌کننده امضا می‌کند."))
        open_drafts = item.response_drafts.filter(unit=unit).exclude(state=ResponseDraft.State.ISSUED)
        draft = open_drafts.select_for_update().first()
        if draft is not None and draft.state == ResponseDraft.State.AWAITING_SIGNATURE:
            raise cw.WorkflowError(_("پیش‌نویس پاسخ این واحد در انتظار امضای مدیر است."))
        draft = cw.response_draft_save(item=item, actor=actor, unit=unit, body=body, draft=draft)
        return cw.response_draft_submit(draft=draft, actor=actor)
