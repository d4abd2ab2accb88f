"""The staff home: where every member of staff lands after signing in."""

from __future__ import annotations

import csv
import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from mokatebat.core.jalali import format_jalali_date
from mokatebat.correspondence.auth import secretariat_agency_ids
from mokatebat.counters.forms import ReportForm
from mokatebat.organization.access import active_memberships, staff_required
from mokatebat.organization.models import Organization, User

from .dashboard import agency_dashboard, dashboard_agencies
from .home import home_sections
from .stats import agency_stats, network_stats
from .templatetags.stats import jmonth


@staff_required
@require_GET
def staff_home(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)  # staff_required
    memberships = active_memberships(request.user)
    context = {"memberships": memberships, "sections": home_sections(request.user)}
    return render(request, "reports/staff_home.html", context)


# --- Public statistics ---------------------------------------------------------------------------


@require_GET
def public_stats(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/public_stats.html", _stats_context(network_stats(), None))


@require_GET
def public_agency_stats(request: HttpRequest, code: str) -> HttpResponse:
    agency = get_object_or_404(Organization.objects.agencies(), code=code)
    return render(request, "reports/public_stats.html", _stats_context(agency_stats(agency), agency))


def _stats_context(stats: dict[str, Any], agency: Organization | None) -> dict[str, Any]:
    """The published figures, with their dates as dates and the chart's series for the script."""
    months = stats["months"]
    chart = {
        "labels": [jmonth(row["month"]) for row in months],
        "series": [
            {"label": gettext("دریافت‌شده"), "data": [_chart_value(row["received"]) for row in months]},
            {"label": gettext("پاسخ‌داده‌شده"), "data": [_chart_value(row["answered"]) for row in months]},
        ],
    }
    return {
        "stats": stats,
        "agency": agency,
        "chart": chart,
        "period_from": datetime.date.fromisoformat(stats["period"]["from"]),
        "period_to": datetime.date.fromisoformat(stats["period"]["to"]),
        "computed_at": datetime.datetime.fromisoformat(stats["computed_at"]),
    }


def _chart_value(count: int | str) -> int | None:
    return count if isinstance(count, int) else None  # a suppressed count is a gap, not a zero


@require_GET
def public_stats_csv(request: HttpRequest, code: str = "") -> HttpResponse:
    """The monthly figures as a CSV file (UTF-8 with a byte-order mark, so spreadsheets read Persian)."""
    stats = agency_stats(get_object_or_404(Organization.objects.agencies(), code=code)) if code else network_stats()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mokatebat-stats-{code or "network"}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(["month", "received", "answered"])
    for row in stats["months"]:
        writer.writerow([row["month"], row["received"], row["answered"]])
    return response


# --- The agency dashboard ------------------------------------------------------------------------


@staff_required
@require_GET
def agency_dashboard_page(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)  # staff_required
    agencies = dashboard_agencies(request.user)
    if not agencies:
        raise PermissionDenied
    agency = next((a for a in agencies if a.code == request.GET.get("agency")), agencies[0])
    form = ReportForm(request.GET or None)
    first, last = form.period()
    if not form.is_bound:
        form = ReportForm(initial={"date_from": format_jalali_date(first), "date_to": format_jalali_date(last)})
    period = {"date_from": format_jalali_date(first), "date_to": format_jalali_date(last)}
    context = {
        "form": form,
        "agency": agency,
        "agencies": agencies,
        "figures": agency_dashboard(agency, first, last),
        "first": first,
        "last": last,
        "drill_down": agency.pk in secretariat_agency_ids(request.user),
        "period_query": urlencode(period),
    }
    return render(request, "reports/agency_dashboard.html", context, status=400 if form.errors else 200)
