"""The staff home: where every member of staff lands after signing in."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mokatebat.organization.access import active_memberships, staff_required
from mokatebat.organization.models import User

from .home import home_sections


@staff_required
@require_GET
def staff_home(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)  # staff_required
    memberships = active_memberships(request.user)
    context = {"memberships": memberships, "sections": home_sections(request.user)}
    return render(request, "reports/staff_home.html", context)
