"""Staff pages of deadlines: the agency's overdue list and each person's deadline notices."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from mokatebat.organization.access import staff_required
from mokatebat.organization.models import User
from mokatebat.publicrelations.auth import without_hidden_identity

from . import escalation
from .auth import items_visible_to, overdue_list_agency_ids
from .models import NoticeRecipient


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # staff_required ran first
    return request.user


@staff_required
@require_GET
def overdue_list(request: HttpRequest) -> HttpResponse:
    """Every overdue item of the agency by unit, with the unit's manager. Rows this person may not
    open (another unit's, the PR desk's) show the number and the kind only, without a link."""
    user = _user(request)
    agency_ids = overdue_list_agency_ids(user)
    if not agency_ids:
        raise PermissionDenied
    today = timezone.localdate()
    visible = set(without_hidden_identity(user, items_visible_to(user)).overdue(today).values_list("pk", flat=True))
    groups = escalation.overdue_by_unit(agency_ids, visible, today)
    total = sum(len(rows) for _name, rows in groups)
    return render(request, "correspondence/staff/overdue.html", {"groups": groups, "total": total})


@staff_required
@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    rows = list(escalation.notices_for(_user(request))[:200])
    return render(request, "correspondence/staff/notices.html", {"rows": rows})


@staff_required
@require_POST
def notices_read(request: HttpRequest) -> HttpResponse:
    NoticeRecipient.objects.filter(user=_user(request), read_at__isnull=True).update(read_at=timezone.now())
    return redirect("staff-notices")
