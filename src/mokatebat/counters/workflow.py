"""What a counter does, each as one named, atomic function that writes its CounterVisit row.

Items are still created only by ``correspondence.workflow.item_submit``; this module adds the
counter's own record (who, where, what fee) in the same transaction.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mokatebat.correspondence import workflow as wf
from mokatebat.correspondence.models import Channel, Item, Response
from mokatebat.organization.models import Organization, User

from .models import CounterFee, CounterVisit, Service, VisitAction


def national_id_digest(national_id: str) -> str:
    """HMAC-SHA-256 of a typed ID. Keyed, because 10-digit IDs are too few for a bare hash to hide them."""
    key = f"counter-visit:{settings.SECRET_KEY}".encode()
    return hmac.new(key, national_id.encode(), hashlib.sha256).hexdigest()


def official_fee(office: Organization, service: Service) -> int:
    return CounterFee.objects.official_amount(office=office, service=service, on=timezone.localdate())


def _visit(
    *,
    office: Organization,
    operator: User,
    action: VisitAction,
    item: Item | None = None,
    fee: int = 0,
    national_id: str = "",
) -> CounterVisit:
    return CounterVisit.objects.create(
        office=office,
        operator=operator,
        item=item,
        action=action,
        fee=fee,
        national_id_hash=national_id_digest(national_id) if national_id else "",
        at=timezone.now(),
    )


def counter_letter_submit(*, office: Organization, operator: User, letter: dict[str, Any]) -> tuple[Item, bool]:
    """A walk-in applicant's letter to any agency: the item, its SMS and the counter's fee record.

    A repeated form (double click) returns the first item and records no second fee.
    """
    with transaction.atomic():
        item, created = wf.item_submit(
            channel=Channel.COUNTER_OFFICE, counter_office=office, created_by=operator, **letter
        )
        if created:
            fee = official_fee(office, Service.LETTER_REGISTRATION)
            _visit(office=office, operator=operator, action=VisitAction.REGISTERED, item=item, fee=fee)
    return item, created


def counter_lookup(*, office: Organization, operator: User, item: Item | None, national_id: str) -> CounterVisit:
    """Every lookup is logged, found or not; the typed ID only as a keyed hash."""
    action = VisitAction.LOOKED_UP if item is not None else VisitAction.LOOKUP_FAILED
    return _visit(office=office, operator=operator, action=action, item=item, national_id=national_id)


def counter_response_print(*, office: Organization, operator: User, response: Response) -> CounterVisit:
    fee = official_fee(office, Service.RESPONSE_PRINTOUT)
    return _visit(office=office, operator=operator, action=VisitAction.PRINTED_RESPONSE, item=response.item, fee=fee)


def counter_hand_over(*, office: Organization, operator: User, item: Item) -> CounterVisit:
    """The answer changes hands: the counter's record, and a step on the item's timeline that texts
    the citizen «پاسخ نامه شما در دفتر … تحویل شد» (once per answer)."""
    with transaction.atomic():
        wf.response_hand_over(item=item, actor=operator, office=office.name)
        return _visit(office=office, operator=operator, action=VisitAction.HANDED_OVER, item=item)


def registration_fee_charged(item: Item) -> int | None:
    """What the registering counter recorded for this item (the receipt shows it), or None."""
    visit = item.counter_visits.filter(action=VisitAction.REGISTERED).order_by("pk").first()
    return visit.fee if visit else None
