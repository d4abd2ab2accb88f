"""Who may ask, see and answer inquiries. Forbidden objects answer 404, as everywhere.

The asking side reaches an inquiry only through an item it may open (``correspondence.auth``).
The answering agency reaches it only through its own inbox of received inquiries, and sees the
question and the shared fields, never the item itself.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404

from mokatebat.correspondence.auth import SECRETARIAT_ROLES, UNIT_ROLES, get_item_for_user, secretariat_agency_ids
from mokatebat.correspondence.models import Item, Status
from mokatebat.organization.access import active_memberships
from mokatebat.organization.models import Organization, Role, User

from .models import Inquiry, InquiryQuerySet, InquiryType, InquiryTypeQuerySet

ASKING_ROLES = SECRETARIAT_ROLES | UNIT_ROLES
# Who keeps the agency's list of inquiry types (services will point at them).
TYPE_MANAGER_ROLES = {Role.AGENCY_ADMIN, Role.SERVICE_OWNER}


def can_ask(user: User, item: Item) -> bool:
    """The item's own secretariat, or a unit of the item's agency that may open it, handles it."""
    if item.status == Status.CLOSED:
        return False
    return active_memberships(user).filter(organization_id=item.agency_id, role__in=ASKING_ROLES).exists()


def askable_types(item: Item) -> InquiryTypeQuerySet:
    return InquiryType.objects.active().filter(agency_id=item.agency_id).select_related("target_agency")


def get_item_inquiry(user: User, item_id: uuid.UUID, inquiry_id: uuid.UUID) -> tuple[Item, Inquiry]:
    """An inquiry of an item this person may open; 404 otherwise."""
    item = get_item_for_user(user, item_id)
    inquiry = item.inquiries.select_related("inquiry_type").filter(public_id=inquiry_id).first()
    if inquiry is None:
        raise Http404
    return item, inquiry


def received_inquiries(user: User) -> InquiryQuerySet:
    """Network inquiries sent to the agencies whose secretariat this person works in."""
    return Inquiry.objects.received_by(secretariat_agency_ids(user))


def get_received_inquiry(user: User, public_id: uuid.UUID) -> Inquiry:
    inquiry = (
        received_inquiries(user)
        .select_related("inquiry_type", "item__agency", "target_agency", "answer_attachment")
        .filter(public_id=public_id)
        .first()
    )
    if inquiry is None:
        raise Http404
    return inquiry


def managed_agency(user: User) -> Organization:
    """The agency whose inquiry types this person manages; 403 for anyone else."""
    membership = active_memberships(user).filter(role__in=TYPE_MANAGER_ROLES).order_by("pk").first()
    if membership is None:
        raise PermissionDenied
    return membership.organization


def get_managed_type(user: User, public_id: uuid.UUID) -> InquiryType:
    inquiry_type = InquiryType.objects.filter(agency=managed_agency(user), public_id=public_id).first()
    if inquiry_type is None:
        raise Http404
    return inquiry_type
