"""Who may read survey results: managers and auditors, for the agencies they hold that role in."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from mokatebat.organization.access import active_memberships
from mokatebat.organization.models import Organization, Role, User

from .models import Survey

RESULT_ROLES = frozenset(
    {Role.HEAD, Role.DEPUTY, Role.UNIT_MANAGER, Role.AGENCY_ADMIN, Role.SERVICE_OWNER, Role.AUDITOR}
)


def result_agencies(request: HttpRequest) -> list[Organization]:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    if user.is_superuser:
        return list(Organization.objects.agencies())
    memberships = active_memberships(user).filter(role__in=RESULT_ROLES, organization__kind=Organization.Kind.AGENCY)
    agencies = list({m.organization.pk: m.organization for m in memberships}.values())
    if not agencies:
        raise PermissionDenied
    return agencies


def get_survey_by_token(token: str) -> Survey:
    """The link in the SMS is the only key; an unknown token is a plain 404."""
    survey = Survey.objects.select_related("agency", "item", "question_set").filter(token=token).first()
    if survey is None:
        raise Http404
    return survey
