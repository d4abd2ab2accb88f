"""Who edits which service, and who may deliver a service request's outcome. Forbidden answers 404."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from mokatebat.correspondence.auth import _memberships, get_item_for_user, is_secretariat_for, unit_ids_of
from mokatebat.correspondence.models import Item, Referral
from mokatebat.organization.models import Organization, Role, User

from .models import Service, ServiceRequest

OWNER_ROLES = {Role.SERVICE_OWNER, Role.AGENCY_ADMIN}


def owned_agency_ids(user: User) -> set[int]:
    if not user.is_authenticated or not user.is_active:
        return set()
    return {m.organization_id for m in _memberships(user) if m.role in OWNER_ROLES}


def owned_agencies(user: User) -> QuerySet[Organization]:
    return Organization.objects.agencies().filter(pk__in=owned_agency_ids(user)).order_by("name")


def services_editable_by(user: User) -> QuerySet[Service]:
    return Service.objects.filter(agency_id__in=owned_agency_ids(user))


def get_service_for_owner(user: User, public_id: uuid.UUID) -> Service:
    service = (
        services_editable_by(user)
        .select_related("agency", "current_version", "published_version", "form_version")
        .filter(public_id=public_id)
        .first()
    )
    if service is None:
        raise Http404
    return service


def get_published_service(agency_code: str, code: str) -> Service:
    service = (
        Service.objects.published()
        .select_related("agency", "published_version__responsible_unit", "form_version")
        .filter(agency__code=agency_code, code=code)
        .first()
    )
    if service is None:
        raise Http404
    return service


def can_deliver(user: User, item: Item) -> bool:
    """The secretariat of the item's agency, or the unit that holds it for action."""
    if is_secretariat_for(user, item):
        return True
    acting = Referral.objects.filter(
        item=item, role=Referral.Role.MAIN, state__in=[Referral.State.OPEN, Referral.State.ACCEPTED]
    )
    return acting.filter(unit_id__in=unit_ids_of(user)).exists()


def get_service_request_for_user(user: User, public_id: uuid.UUID) -> ServiceRequest:
    """The request of an item this person may see (the items' one rule), 404 otherwise."""
    item = get_item_for_user(user, public_id)
    service_request = ServiceRequest.objects.select_related("service", "card_version", "form_version").filter(item=item)
    found = service_request.first()
    if found is None:
        raise Http404
    found.item = item
    return found
