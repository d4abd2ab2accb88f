"""The contact centre (R14, R17): register a caller's letter (channel = phone) and read out the
status of a letter to a caller who gives national ID + tracking code. Every view first finds the
operator's agencies (403 for anyone else)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mokatebat.core.http import rate_limited_response
from mokatebat.core.ratelimit import exceeded
from mokatebat.correspondence.forms import new_form_nonce, refuse_reused_nonce
from mokatebat.correspondence.models import Channel, Item
from mokatebat.correspondence.timeline import citizen_status, public_timeline
from mokatebat.correspondence.workflow import IdempotencyKeyReused
from mokatebat.organization.access import staff_required
from mokatebat.organization.models import Organization, User

from . import workflow as cw
from .auth import get_registered_call, require_operator
from .forms import CallLetterForm, CallLookupForm

LOOKUP_RATE_PER_OPERATOR = getattr(settings, "CALL_LOOKUP_RATE_PER_OPERATOR", "60/h")


def _operator(request: HttpRequest) -> tuple[User, list[Organization]]:
    user = request.user
    if not isinstance(user, User):  # staff_required ran first; this only narrows the type
        raise PermissionDenied
    return user, require_operator(user)


@staff_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user, agencies = _operator(request)
    today = Item.objects.filter(created_by=user, channel=Channel.PHONE, submitted_at__date=timezone.localdate())
    context = {
        "agencies": agencies,
        "form": CallLookupForm(),
        "today": today.select_related("agency").order_by("-id")[:20],
    }
    return render(request, "calls/home.html", context)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def letter_new(request: HttpRequest) -> HttpResponse:
    user, agencies = _operator(request)
    if request.method == "POST":
        form = CallLetterForm(request.POST, agencies=agencies)
        status = 400
        if form.is_valid():
            try:
                item, _created = cw.call_letter_submit(operator=user, letter=_letter(form))
            except IdempotencyKeyReused as error:
                refuse_reused_nonce(form, error)
                status = 409
            else:
                return redirect("call-item", public_id=item.public_id)
    else:
        initial = {"nonce": new_form_nonce(), "agency": agencies[0].code if len(agencies) == 1 else None}
        form = CallLetterForm(initial=initial, agencies=agencies)
        status = 200
    return render(request, "calls/letter_new.html", {"form": form}, status=status)


def _letter(form: CallLetterForm) -> dict[str, object]:
    data = form.cleaned_data
    return {
        "agency": data["agency"],
        "unit": data["unit"],
        "kind": data["kind"],
        "subject": data["subject"],
        "body": data["body"],
        "requester": form.requester_details(),
        "idempotency_key": f"form:{data['nonce']}",
    }


@staff_required
@require_GET
def item_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user, _agencies = _operator(request)
    item = get_registered_call(user, public_id)
    return render(request, "calls/item.html", {"item": item, "sms": item.sms_messages.order_by("id").first()})


@never_cache
@staff_required
@require_POST
def lookup(request: HttpRequest) -> HttpResponse:
    user, agencies = _operator(request)
    if exceeded(request, [("call-lookup", str(user.pk), LOOKUP_RATE_PER_OPERATOR)]):
        return rate_limited_response(request)
    form = CallLookupForm(request.POST)
    if not form.is_valid():
        return render(request, "calls/lookup.html", {"form": form}, status=400)
    item, _log = cw.call_lookup(
        operator=user,
        agencies=agencies,
        national_id=form.cleaned_data["national_id"],
        tracking_code=form.cleaned_data["tracking_code"],
    )
    if item is None:
        return render(request, "calls/lookup.html", {"form": form, "not_found": True}, status=404)
    context = {
        "form": CallLookupForm(autofocus=False),
        "item": item,
        "timeline": public_timeline(item),
        "status_label": citizen_status(item),
        "responses": item.responses.all(),
    }
    return render(request, "calls/lookup.html", context)
