"""Navigation flags for pages whose permission rule lives in another app."""

from __future__ import annotations

from django.http import HttpRequest

from mokatebat.bookings.auth import MANAGER_ROLES
from mokatebat.surveys.auth import RESULT_ROLES


def staff_navigation(request: HttpRequest) -> dict[str, bool]:
    """Whether the appointments overview and survey results open for this person (the same roles)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"staff_roles_managing": False}
    roles: set[str] = getattr(request, "_staff_roles", set())  # set by the organization's context processor
    return {"staff_roles_managing": user.is_superuser or bool(roles & (MANAGER_ROLES & RESULT_ROLES))}
