"""What the contact centre does, each step one named function."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.utils import timezone

from mokatebat.correspondence import workflow as wf
from mokatebat.correspondence.auth import find_item_for_requester
from mokatebat.correspondence.models import Channel, Item
from mokatebat.organization.models import Organization, User

from .models import CallLookup


def national_id_digest(national_id: str) -> str:
    """HMAC-SHA-256: 10-digit IDs are too few for a bare hash to hide them."""
    key = f"call-lookup:{settings.SECRET_KEY}".encode()
    return hmac.new(key, national_id.encode(), hashlib.sha256).hexdigest()


def call_letter_submit(*, operator: User, letter: dict[str, Any]) -> tuple[Item, bool]:
    """A caller's letter typed in by the operator: channel = phone, the operator as its author.

    ``item_submit`` stores it with its timeline event and queues the caller's SMS with the tracking
    code in one transaction; a repeated form returns the first item.
    """
    return wf.item_submit(channel=Channel.PHONE, created_by=operator, **letter)


def call_lookup(
    *, operator: User, agencies: list[Organization], national_id: str, tracking_code: str
) -> tuple[Item | None, CallLookup]:
    """Find an item of the operator's agencies by national ID + tracking code; log the lookup either way.

    An item of another agency answers exactly like a wrong code: the operator reads out only their
    own agency's letters.
    """
    item = find_item_for_requester(national_id=national_id, tracking_code=tracking_code)
    if item is not None and item.agency_id not in {agency.pk for agency in agencies}:
        item = None
    log = CallLookup.objects.create(
        agency=item.agency if item is not None else agencies[0],
        operator=operator,
        item=item,
        national_id_hash=national_id_digest(national_id),
        found=item is not None,
        at=timezone.now(),
    )
    return item, log
