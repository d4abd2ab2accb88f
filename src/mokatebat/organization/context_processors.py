"""What the staff navigation needs to show only the pages a person can open."""

from __future__ import annotations

from django.http import HttpRequest

from .models import Membership


def staff_roles(request: HttpRequest) -> dict[str, set[str]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"staff_roles": set()}
    roles = set(Membership.objects.active().filter(user__pk=user.pk).values_list("role", flat=True))
    request._staff_roles = roles  # type: ignore[attr-defined]  # read by later context processors, not queried twice
    return {"staff_roles": roles}
