"""Who may do what in public relations, and the one rule for who sees the requester of a PR item.

A suggestion, criticism, complaint or report (``FEEDBACK_KINDS``) is the PR desk's from submission
(seed 003, R19) in every agency that has a PR desk, i.e. at least one active PR expert: PR classifies
it and decides, and a unit or deputy only ever gets an anonymised copy. An item PR referred
anonymised (one with a ``RedactedCopy``) stays the desk's whatever happens later. For these items:
* the PR experts of the item's agency always see the requester: they took the item in and answer;
* the head and the auditors of the agency may reveal it on an anonymised item, with a written reason
  kept on the item's history; after that they see it on that item;
* nobody else does: secretariat, units, deputies, admins, API client systems, the network admin.
  The item is left out of their lists, counts, search, history and SMS pages, ``get_item_for_user``
  answers 404, and what they may open is the redacted copy, once PR made one.
An agency without a PR expert keeps the letter path for these kinds: its secretariat handles them.
Meeting requests are not covered: the head's office needs to know whom it meets (R20). A counter
office or phone operator keeps the pages of an item it registered for the person in front of it
(``counters.auth``, ``calls.auth``): it typed the requester in and hands the answer back.

``identity_hidden_items`` (the queryset form) and ``identity_visible_to`` (one item) are built from
the same condition, so a list and a page can never disagree.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from mokatebat.correspondence.auth import _memberships, items_visible_to
from mokatebat.correspondence.models import Item, ItemQuerySet
from mokatebat.organization.models import Membership, Organization, Role, User

from .models import FEEDBACK_KINDS, PR_KINDS, IdentityReveal, Meeting, RedactedCopy

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


def pr_desk_agencies() -> QuerySet[Membership, int]:
    """Agencies with a PR desk (at least one active PR expert), as a subquery of organisation ids."""
    return Membership.objects.active().filter(role=Role.PR_EXPERT).values_list("organization_id", flat=True)


def _has_copy() -> Q:
    return Q(Exists(RedactedCopy.objects.filter(item_id=OuterRef("pk"))))


def _identity_hidden(user: User) -> Q:
    """The one rule, as a condition on items: the PR desk's items whose requester ``user`` must not see."""
    desk = _has_copy()
    desk |= Q(kind__in=FEEDBACK_KINDS, agency_id__in=pr_desk_agencies())
    hidden = desk
    own = agency_ids_with(user, PR_ROLES)
    if own:
        hidden &= ~Q(agency_id__in=own)
    revealers = agency_ids_with(user, REVEAL_ROLES)
    if revealers:
        # A reveal counts only while its author still holds a role that may reveal.
        revealed = IdentityReveal.objects.filter(user_id=user.pk, item__agency_id__in=revealers)
        hidden &= ~Q(pk__in=revealed.values("item_id"))
    return hidden


def identity_hidden_items(user: User) -> ItemQuerySet:
    """Items whose requester this user must not see: to leave out of every list, count, search,
    history and outbox (see the module docstring)."""
    return Item.objects.filter(_identity_hidden(user))


def identity_visible_to(user: User, item: Item) -> bool:
    """May this member of staff see who wrote ``item``? The same condition as ``identity_hidden_items``."""
    return not Item.objects.filter(_identity_hidden(user), pk=item.pk).exists()


def without_hidden_identity(user: User, items: ItemQuerySet) -> ItemQuerySet:
    """``items`` less those whose requester this user must not see, as a condition on the same query
    (no ``NOT IN`` over every complaint of the network)."""
    return items.exclude(_identity_hidden(user))


def items_with_identity(user: User) -> ItemQuerySet:
    """Items this user may open with their requester: ``items_visible_to`` under the identity rule."""
    return without_hidden_identity(user, items_visible_to(user))


def items_or_copies_visible_to(user: User) -> ItemQuerySet:
    """Items this user may open at all: with their requester, or as the PR desk's redacted copy."""
    return items_visible_to(user).exclude(_identity_hidden(user) & ~_has_copy())


def can_reveal(user: User, item: Item) -> bool:
    return item.agency_id in agency_ids_with(user, REVEAL_ROLES)


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
    # Anyone who may see the item may read its copy: the copy is what carries no identity.
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
