"""Who may do what in public relations, and the one rule for who sees the identity of an anonymised item.

Identity of an anonymised item (one with a ``RedactedCopy``, R19):
* the PR experts of the item's agency always see it: they took the item in and answer the citizen;
* the head and the auditors of the agency may reveal it, with a written reason that is kept and shown
  on the item's history; after that they see it on that item;
* nobody else does: units, deputies, the secretariat, admins — they see the redacted copy only.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from mokatebat.correspondence.auth import _memberships, items_visible_to
from mokatebat.correspondence.models import Item, ItemQuerySet
from mokatebat.organization.models import Organization, Role, User

from .models import PR_KINDS, IdentityReveal, Meeting, RedactedCopy

PR_ROLES = {Role.PR_EXPERT}
INTAKE_ROLES = {Role.PR_EXPERT, Role.PHONE_OPERATOR}
REVEAL_ROLES = {Role.HEAD, Role.AUDITOR}
# The head's office: the head decides; the PR expert keeps the calendar and records for them.
MEETING_ROLES = {Role.HEAD, Role.PR_EXPERT}
# Who keeps the agency's thank-you texts and extra categories.
SETTINGS_ROLES = {Role.PR_EXPERT, Role.AGENCY_ADMIN}


def agency_ids_with(user: User, roles: set[Role]) -> set[int]:
    if not user.is_authenticated:
        return set()
    return {m.organization_id for m in _memberships(user) if m.role in roles}


def agencies_with(user: User, roles: set[Role]) -> QuerySet[Organization]:
    return Organization.objects.filter(pk__in=agency_ids_with(user, roles)).order_by("name")


def require_agency(user: User, roles: set[Role]) -> Organization:
    """The (first) agency where this person holds one of ``roles``; 403 for anyone else."""
    agency = agencies_with(user, roles).first()
    if agency is None:
        raise PermissionDenied
    return agency


def is_anonymised(item: Item) -> bool:
    return RedactedCopy.objects.filter(item_id=item.pk).exists()


def identity_visible_to(user: User, item: Item) -> bool:
    """May this member of staff see who wrote ``item``? Always yes for items that are not anonymised."""
    if not is_anonymised(item):
        return True
    if item.agency_id in agency_ids_with(user, PR_ROLES):
        return True
    revealers = agency_ids_with(user, REVEAL_ROLES)
    return item.agency_id in revealers and item.identity_reveals.filter(user_id=user.pk).exists()


def can_reveal(user: User, item: Item) -> bool:
    return item.agency_id in agency_ids_with(user, REVEAL_ROLES)


def identity_hidden_items(user: User) -> ItemQuerySet:
    """Anonymised items whose requester this user must not see: to exclude from every list, search,
    history and outbox that shows requester details."""
    hidden = Item.objects.filter(redacted_copy__isnull=False)
    hidden = hidden.exclude(agency_id__in=agency_ids_with(user, PR_ROLES))
    # A reveal counts only while its author still holds a role that may reveal (as identity_visible_to).
    revealed = IdentityReveal.objects.filter(user_id=user.pk, item__agency_id__in=agency_ids_with(user, REVEAL_ROLES))
    return hidden.exclude(pk__in=revealed.values("item_id"))


def pr_items(user: User) -> ItemQuerySet:
    """PR-kind items of the agencies where this person is a PR expert."""
    return Item.objects.filter(agency_id__in=agency_ids_with(user, PR_ROLES), kind__in=PR_KINDS)


def get_pr_item(user: User, public_id: uuid.UUID) -> Item:
    item = pr_items(user).select_related("agency", "requester", "pr_case").filter(public_id=public_id).first()
    if item is None:
        raise Http404
    return item


def get_anonymised_item(user: User, public_id: uuid.UUID) -> tuple[Item, RedactedCopy]:
    """An anonymised item this user may open (the one item rule) with its redacted copy; 404 otherwise."""
    item = items_visible_to(user).select_related("agency").filter(public_id=public_id).first()
    copy = RedactedCopy.objects.filter(item=item).first() if item is not None else None
    if item is None or copy is None:
        raise Http404
    return item, copy


def meetings_for(user: User) -> QuerySet[Meeting]:
    return Meeting.objects.filter(item__agency_id__in=agency_ids_with(user, MEETING_ROLES))


def get_meeting(user: User, public_id: uuid.UUID) -> Meeting:
    meeting = meetings_for(user).select_related("item", "item__agency", "item__requester", "slot")
    found = meeting.filter(public_id=public_id).first()
    if found is None:
        raise Http404
    return found
