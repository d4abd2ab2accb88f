"""The one permission rule for items: who may see which item. Views, exports and the API use it."""

from __future__ import annotations

from django.db.models import Q

from mokatebat.organization.models import Membership, Role, User

from .models import Item, ItemQuerySet

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


def items_visible_to(user: User) -> ItemQuerySet:
    """Items this staff member may open, list, count or search. Nothing for anyone else."""
    if not user.is_authenticated or not user.is_active:
        return Item.objects.none()
    if user.is_superuser:
        return Item.objects.all()  # the network administrator
    memberships = Membership.objects.active().filter(user=user)
    rule = Q(pk__in=[])
    for membership in memberships.prefetch_related("units"):
        if membership.role in AGENCY_WIDE_ROLES:
            rule |= Q(agency_id=membership.organization_id)
        elif membership.role in UNIT_ROLES:
            unit_ids = [unit.pk for unit in membership.units.all()]
            rule |= Q(agency_id=membership.organization_id, referrals__unit_id__in=unit_ids, referrals__is_active=True)
        elif membership.role == Role.COUNTER_OPERATOR:
            rule |= Q(counter_office_id=membership.organization_id)
    return Item.objects.filter(pk__in=Item.objects.filter(rule).values("pk"))


def find_item_for_requester(*, national_id: str, tracking_code: str) -> Item | None:
    """The citizen's lookup: both the code and the national (or legal) ID must match.

    Always one indexed query and one constant-time comparison, so a wrong ID, a wrong code and
    both wrong take the same path.
    """
    item = Item.objects.select_related("requester", "agency").filter(tracking_code=tracking_code).first()
    if item is None:
        return None
    return item if item.requester.identifies_with(national_id) else None
