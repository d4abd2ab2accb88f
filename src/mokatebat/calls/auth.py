"""Who may use the contact-centre pages, and which items an operator may open.

A phone operator works for one agency: they register items to it and read out the status of its
items only. An item they registered stays open to them (its confirmation page); nothing else does.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404

from mokatebat.correspondence.models import Channel, Item
from mokatebat.organization.access import active_memberships
from mokatebat.organization.models import Organization, Role, User


def operator_agencies(user: User) -> list[Organization]:
    memberships = active_memberships(user).filter(role=Role.PHONE_OPERATOR, organization__kind=Organization.Kind.AGENCY)
    return [m.organization for m in memberships.order_by("pk")]


def require_operator(user: User) -> list[Organization]:
    """The agencies this operator answers the phone for; 403 for anyone else."""
    agencies = operator_agencies(user)
    if not agencies:
        raise PermissionDenied
    return agencies


def get_registered_call(user: User, public_id: uuid.UUID) -> Item:
    """An item this operator registered by phone for one of their agencies; 404 otherwise."""
    item = (
        Item.objects.filter(
            public_id=public_id, created_by=user, channel=Channel.PHONE, agency__in=operator_agencies(user)
        )
        .select_related("agency", "requester")
        .first()
    )
    if item is None:
        raise Http404
    return item
