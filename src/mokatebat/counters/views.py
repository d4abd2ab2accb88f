"""The counter operator's workspace (R21, R23, R24): register a walk-in letter, look up and hand over
answers, and see what this office did. Every view starts by finding the operator's office (403
for anyone else) and the item through ``auth.py`` (404 otherwise)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mokatebat.core.http import rate_limited_response
from mokatebat.core.jalali import format_jalali_date
from mokatebat.core.ratelimit import exceeded
from mokatebat.correspondence.auth import find_item_for_requester
from mokatebat.correspondence.documents import pdf_download
from mokatebat.correspondence.forms import new_form_nonce, refuse_reused_nonce
from mokatebat.correspondence.timeline import citizen_status, public_timeline
from mokatebat.correspondence.workflow import IdempotencyKeyReused, WorkflowError
from mokatebat.organization.access import staff_required
from mokatebat.organization.models import Organization, User

from . import workflow as cw
from .auth import counter_office_of, get_counter_item, get_registered_item, operator_offices, remember_identified
from .forms import CounterLetterForm, LookupForm, ReportForm
from .models import CounterVisit, Service, VisitAction
from .receipt_pdf import ReceiptData, render_receipt_pdf

LOOKUP_RATE_PER_OPERATOR = getattr(settings, "COUNTER_LOOKUP_RATE_PER_OPERATOR", "60/h")
LOOKUP_RATE_PER_NATIONAL_ID = getattr(settings, "COUNTER_LOOKUP_RATE_PER_NATIONAL_ID", "10/h")


def _operator(request: HttpRequest) -> tuple[User, Organization]:
    user = request.user
    if not isinstance(user, User):  # staff_required ran first; this only narrows the type
        raise PermissionDenied
    return user, counter_office_of(user)


def office_totals(offices: list[Organization], first: datetime.date, last: datetime.date) -> dict[int, dict[str, int]]:
    """Per office: how many of each action, and the fees charged, on days ``first``..``last``."""
    counts = {action: Count("pk", filter=Q(action=action)) for action in VisitAction.values}
    rows = (
        CounterVisit.objects.between(first, last)
        .filter(office__in=offices)
        .values("office")
        .annotate(fees=Sum("fee"), **counts)
    )
    totals: dict[int, dict[str, int]] = {}
    for row in rows:
        figures: dict[str, Any] = dict(row)
        office_id = int(figures.pop("office"))
        totals[office_id] = {name: int(value or 0) for name, value in figures.items()}
    return totals


@staff_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    _user, office = _operator(request)
    today = timezone.localdate()
    totals = office_totals([office], today, today).get(office.pk, {})
    context = {"office": office, "totals": totals, "form": LookupForm()}
    return render(request, "counters/home.html", context)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def letter_new(request: HttpRequest) -> HttpResponse:
    user, office = _operator(request)
    if request.method == "POST":
        form = CounterLetterForm(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            try:
                item, _created = cw.counter_letter_submit(office=office, operator=user, letter=_letter(form))
            except IdempotencyKeyReused as error:
                refuse_reused_nonce(form, error)
                status = 409
            else:
                return redirect("counter-receipt", public_id=item.public_id)
        form.remember_uploads()
    else:
        form = CounterLetterForm(initial={"nonce": new_form_nonce()})
        status = 200
    fee = cw.official_fee(office, Service.LETTER_REGISTRATION)
    return render(request, "counters/letter_new.html", {"form": form, "office": office, "fee": fee}, status=status)


def _letter(form: CounterLetterForm) -> dict[str, object]:
    data = form.cleaned_data
    return {
        "agency": data["agency"],
        "unit": data["unit"],
        "kind": data["kind"],
        "subject": data["subject"],
        "body": data["body"],
        "requester": form.requester_details(),
        "uploads": form.checked_uploads,
        "kept_uploads": form.kept_uploads(),
        "idempotency_key": f"form:{data['nonce']}",
    }


def _receipt(user: User, office: Organization, public_id: uuid.UUID) -> ReceiptData:
    item = get_registered_item(user, office, public_id)
    operator = item.created_by
    name = (operator.get_full_name() or operator.username) if operator else ""
    return ReceiptData(item=item, operator_name=name, fee=cw.registration_fee_charged(item) or 0)


@staff_required
@require_GET
def receipt(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user, office = _operator(request)
    return render(request, "counters/receipt.html", {"receipt": _receipt(user, office, public_id), "office": office})


@staff_required
@require_GET
def receipt_pdf(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user, office = _operator(request)
    data = _receipt(user, office, public_id)
    download = HttpResponse(render_receipt_pdf(data), content_type="application/pdf")
    download["Content-Disposition"] = f'attachment; filename="receipt-{data.item.tracking_code}.pdf"'
    download["Cache-Control"] = "private, no-store"
    download["X-Content-Type-Options"] = "nosniff"
    return download


def _lookup_is_limited(request: HttpRequest, user: User, form: LookupForm) -> bool:
    """Per operator and per national ID, so neither one counter nor many counters can guess codes."""
    checks = [("counter-lookup-operator", str(user.pk), LOOKUP_RATE_PER_OPERATOR)]
    if form.is_valid():
        checks.append(("counter-lookup-id", form.cleaned_data["national_id"], LOOKUP_RATE_PER_NATIONAL_ID))
    return exceeded(request, checks)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    user, office = _operator(request)
    if request.method != "POST":
        return render(request, "counters/lookup.html", {"form": LookupForm(), "office": office})
    form = LookupForm(request.POST)
    if _lookup_is_limited(request, user, form):
        return rate_limited_response(request)
    if not form.is_valid():
        return render(request, "counters/lookup.html", {"form": form, "office": office}, status=400)
    national_id = form.cleaned_data["national_id"]
    item = find_item_for_requester(national_id=national_id, tracking_code=form.cleaned_data["tracking_code"])
    cw.counter_lookup(office=office, operator=user, item=item, national_id=national_id)
    if item is None:
        # The citizen tracking page's neutral answer: a wrong ID and a wrong code look the same.
        context = {"form": form, "office": office, "not_found": True}
        return render(request, "counters/lookup.html", context, status=404)
    remember_identified(request, item)
    return redirect("counter-item", public_id=item.public_id)


@never_cache
@staff_required
@require_GET
def item_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user, office = _operator(request)
    item = get_counter_item(request, user, office, public_id)
    context = {
        "item": item,
        "office": office,
        "timeline": public_timeline(item),
        "status_label": citizen_status(item),
        "responses": item.responses.all(),
        "printout_fee": cw.official_fee(office, Service.RESPONSE_PRINTOUT),
        "visits": item.counter_visits.filter(office=office).select_related("operator").order_by("-at")[:20],
    }
    return render(request, "counters/item.html", context)


@staff_required
@require_POST
def response_print(request: HttpRequest, public_id: uuid.UUID, response_id: uuid.UUID) -> HttpResponse:
    user, office = _operator(request)
    item = get_counter_item(request, user, office, public_id)
    letter = item.responses.filter(public_id=response_id).first()
    if letter is None:
        raise Http404
    letter.item = item
    cw.counter_response_print(office=office, operator=user, response=letter)
    return pdf_download(letter)


@staff_required
@require_POST
def hand_over(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user, office = _operator(request)
    item = get_counter_item(request, user, office, public_id)
    try:
        cw.counter_hand_over(office=office, operator=user, item=item)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("تحویل پاسخ به متقاضی در دفتر ثبت شد."))
    return redirect("counter-item", public_id=item.public_id)


@staff_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    offices = list(Organization.objects.counter_offices()) if user.is_superuser else operator_offices(user)
    if not offices:
        raise PermissionDenied
    form = ReportForm(request.GET or None)
    first, last = form.period()
    if not form.is_bound:  # show the default period in the boxes, not only as a placeholder
        form = ReportForm(initial={"date_from": format_jalali_date(first), "date_to": format_jalali_date(last)})
    totals = office_totals(offices, first, last)
    rows = [{"office": office, **{"fees": 0, **totals.get(office.pk, {})}} for office in offices]
    context = {"form": form, "rows": rows, "first": first, "last": last}
    return render(request, "counters/report.html", context, status=400 if form.errors else 200)
