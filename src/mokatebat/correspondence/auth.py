"""The one permission rule for items: who may see which item and who may act on it.

Views, PDFs, exports and the API all go through these functions; forbidden objects answer 404.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404

from mokatebat.core.replica import first_or_primary
from mokatebat.organization.models import Membership, Role, Unit, User

from .models import EventKind, Forwarding, Item, ItemEvent, ItemQuerySet, Referral

# Roles that see every item of their agency (the secretariat's and the head's view).
AGENCY_WIDE_ROLES = {
    Role.SECRETARIAT_CLERK,
    Role.PR_EXPERT,
    Role.HEAD,
    Role.DEPUTY,
    Role.AGENCY_ADMIN,
    Role.AUDITOR,
}
UNIT_ROLES = {Role.UNIT_STAFF, Role.UNIT_MANAGER}
# Roles that register, classify, refer, reject and forward.
SECRETARIAT_ROLES = {Role.SECRETARIAT_CLERK, Role.AGENCY_ADMIN}


def _memberships(user: User) -> list[Membership]:
    cached: list[Membership] | None = getattr(user, "_active_memberships", None)
    if cached is None:
        cached = list(Membership.objects.active().filter(user=user).prefetch_related("units"))
        user._active_memberships = cached  # type: ignore[attr-defined]
    return cached


def items_visible_to(user: User) -> ItemQuerySet:
    """Items this staff member may open, list, count or search. Nothing for anyone else."""
    if not user.is_authenticated or not user.is_active:
        return Item.objects.none()
    if user.is_superuser:
        return Item.objects.all()  # the network administrator
    rule = Q(pk__in=[])
    for membership in _memberships(user):
        if membership.role in AGENCY_WIDE_ROLES:
            forwarded = Forwarding.objects.filter(from_agency_id=membership.organization_id).values("item_id")
            rule |= Q(agency_id=membership.organization_id) | Q(pk__in=forwarded)
        elif membership.role in UNIT_ROLES:
            unit_ids = [unit.pk for unit in membership.units.all()]
            referred = Referral.objects.filter(unit_id__in=unit_ids).values("item_id")
            rule |= Q(agency_id=membership.organization_id, pk__in=referred)
        elif membership.role == Role.COUNTER_OPERATOR:
            rule |= Q(counter_office_id=membership.organization_id)
    return Item.objects.filter(rule)


def get_item_for_user(user: User, public_id: uuid.UUID) -> Item:
    """The item with its requester, for its pages, files and steps; 404 otherwise.

    An item whose requester this user must not see (the PR desk's, R19) is as absent here as another
    agency's: what such a user may open is its redacted copy (``publicrelations.auth``)."""
    # The identity rule lives with the PR desk, whose module builds on this one.
    from mokatebat.publicrelations.auth import without_hidden_identity

    item = (
        without_hidden_identity(user, items_visible_to(user))
        .select_related("agency", "requester", "addressed_unit", "category", "bundle")
        .filter(public_id=public_id)
        .first()
    )
    if item is None:
        raise Http404
    return item


def handed_over_at(user: User, item: Item) -> datetime | None:
    """When this user sees ``item`` only because their agency forwarded it away (R15): the moment of
    their agency's last hand-over. What the receiving agency does inside is its own from then on;
    ``None`` when the item is (again) their agency's, or they are the network administrator."""
    if user.is_superuser:
        return None
    memberships = _memberships(user)
    if any(m.organization_id == item.agency_id for m in memberships):
        return None
    former = {m.organization_id for m in memberships if m.role in AGENCY_WIDE_ROLES}
    forwardings = Forwarding.objects.filter(item=item, from_agency_id__in=former).order_by("-forwarded_at")
    return forwardings.values_list("forwarded_at", flat=True).first()


def events_visible_to(user: User, item: Item) -> QuerySet[ItemEvent]:
    """The item's timeline for this staff member: all of it for the agency that holds the item; for a
    former agency, its own steps up to the hand-over (with its note) and only the public ones after."""
    events = item.events.all()
    cutoff = handed_over_at(user, item)
    if cutoff is None:
        return events
    return events.filter(
        Q(is_public=True) | Q(occurred_at__lt=cutoff) | Q(occurred_at=cutoff, kind=EventKind.FORWARDED)
    )


def is_secretariat_for(user: User, item: Item) -> bool:
    return any(m.role in SECRETARIAT_ROLES and m.organization_id == item.agency_id for m in _memberships(user))


def secretariat_agency_ids(user: User) -> set[int]:
    return {m.organization_id for m in _memberships(user) if m.role in SECRETARIAT_ROLES}


def secretariat_items(user: User) -> ItemQuerySet:
    """The secretariat's inbox: the agency-wide part of ``items_visible_to`` on its own.

    Secretariat roles are agency-wide roles, so this is a subset of what the user may see; kept as
    a plain ``agency_id IN (…)`` so PostgreSQL can walk the inbox indexes without the OR branches.
    """
    return Item.objects.filter(agency_id__in=secretariat_agency_ids(user))


def unit_ids_of(user: User, *, managers_only: bool = False) -> set[int]:
    roles = {Role.UNIT_MANAGER} if managers_only else UNIT_ROLES
    return {unit.pk for m in _memberships(user) if m.role in roles for unit in m.units.all()}


def referrals_for_user(user: User) -> QuerySet[Referral]:
    """Referrals to the units this person works in, of items they may open: with the requester, or as
    the PR desk's redacted copy (an item of the desk without one is not the unit's to see)."""
    from mokatebat.publicrelations.auth import items_or_copies_visible_to

    return Referral.objects.filter(unit_id__in=unit_ids_of(user), item__in=items_or_copies_visible_to(user))


def get_referral_for_user(user: User, public_id: uuid.UUID) -> Referral:
    referral = referrals_for_user(user).select_related("item", "unit").filter(public_id=public_id).first()
    if referral is None:
        raise Http404
    return referral


# Who sees the agency's overdue list (by unit, with the responsible person): the people who steer.
OVERDUE_LIST_ROLES = {Role.UNIT_MANAGER, Role.HEAD, Role.DEPUTY, Role.AUDITOR}


def overdue_list_agency_ids(user: User) -> set[int]:
    return {m.organization_id for m in _memberships(user) if m.role in OVERDUE_LIST_ROLES}


def can_sign_for(user: User, unit: Unit) -> bool:
    return unit.pk in unit_ids_of(user, managers_only=True)


def find_item_for_requester(*, national_id: str, tracking_code: str) -> Item | None:
    """The citizen's lookup: both the code and the national (or legal) ID must match.

    Always one indexed query and one constant-time comparison, so a wrong ID, a wrong code and
    both wrong take the same path.
    """
    # On a replica, a miss is checked on the primary: never a stale "not found" (core.replica).
    item = first_or_primary(Item.objects.select_related("requester", "agency").filter(tracking_code=tracking_code))
    if item is None:
        return None
    return item if item.requester.identifies_with(national_id) else None
