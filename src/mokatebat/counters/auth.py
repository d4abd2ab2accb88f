"""Who may use the counter pages, and which items a counter may open.

A counter sees the items it registered, plus, for a while and only in the operator's own session,
an item the applicant standing at the counter identified with national ID + tracking code (R24).
"""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone

from mokatebat.correspondence.auth import items_visible_to
from mokatebat.correspondence.models import Item
from mokatebat.organization.access import active_memberships
from mokatebat.organization.models import Organization, Role, User

IDENTIFIED_SESSION_KEY = "counter_identified"
IDENTIFIED_FOR = datetime.timedelta(hours=2)  # the applicant is at the counter, not all week
MAX_REMEMBERED = 20


def operator_offices(user: User) -> list[Organization]:
    memberships = active_memberships(user).filter(
        role=Role.COUNTER_OPERATOR, organization__kind=Organization.Kind.COUNTER_OFFICE
    )
    return [m.organization for m in memberships.order_by("pk")]


def counter_office_of(user: User) -> Organization:
    """The office this operator works at (the first, should someone hold two); 403 for anyone else."""
    offices = operator_offices(user)
    if not offices:
        raise PermissionDenied
    return offices[0]


def get_registered_item(user: User, office: Organization, public_id: uuid.UUID) -> Item:
    """An item this office registered (its receipt); 404 otherwise."""
    item = (
        items_visible_to(user)
        .filter(counter_office=office, public_id=public_id)
        .select_related("agency", "requester", "counter_office", "created_by")
        .first()
    )
    if item is None:
        raise Http404
    return item


def remember_identified(request: HttpRequest, item: Item) -> None:
    now = timezone.now().isoformat()
    kept = [pair for pair in request.session.get(IDENTIFIED_SESSION_KEY, []) if pair[0] != str(item.public_id)]
    request.session[IDENTIFIED_SESSION_KEY] = [[str(item.public_id), now], *kept][:MAX_REMEMBERED]


def _identified_recently(request: HttpRequest, public_id: uuid.UUID) -> bool:
    since = timezone.now() - IDENTIFIED_FOR
    for remembered_id, at in request.session.get(IDENTIFIED_SESSION_KEY, []):
        if remembered_id == str(public_id):
            try:
                return datetime.datetime.fromisoformat(at) >= since
            except (TypeError, ValueError):
                return False
    return False


def get_counter_item(request: HttpRequest, user: User, office: Organization, public_id: uuid.UUID) -> Item:
    """Registered here, or identified by the applicant in this operator's session; 404 otherwise."""
    items = Item.objects.select_related("agency", "requester", "counter_office")
    if not _identified_recently(request, public_id):
        items = items_visible_to(user).filter(counter_office=office).select_related("agency", "requester")
    item = items.filter(public_id=public_id).first()
    if item is None:
        raise Http404
    return item
