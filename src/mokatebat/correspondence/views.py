"""The citizen's path: send a letter, get a receipt with the tracking code, track it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from mokatebat.core.http import client_ip, rate_limited_response
from mokatebat.core.persian import normalize_text
from mokatebat.core.tracking import clean_tracking_code
from mokatebat.organization.models import Organization, Unit
from mokatebat.publicrelations.workflow import pr_received_online

from .auth import find_item_for_requester
from .forms import CitizenReplyForm, SubmitLetterForm, TrackForm, new_form_nonce
from .models import Item, Status
from .timeline import public_timeline
from .workflow import WorkflowError, citizen_reply, item_submit

RECEIPTS_SESSION_KEY = "receipts"
TRACKED_SESSION_KEY = "tracked"
MAX_REMEMBERED = 20


def _remember(request: HttpRequest, key: str, item: Item) -> None:
    """Let this browser reopen an item's page without the code appearing in any URL."""
    remembered = [value for value in request.session.get(key, []) if value != str(item.public_id)]
    request.session[key] = [str(item.public_id), *remembered][:MAX_REMEMBERED]


def _get_item_for_session(request: HttpRequest, key: str, public_id: uuid.UUID) -> Item:
    if str(public_id) not in request.session.get(key, []):
        raise Http404
    return Item.objects.select_related("agency", "addressed_unit", "requester").get(public_id=public_id)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "correspondence/home.html", {"agency_count": Organization.objects.agencies().count()})


@never_cache
@require_http_methods(["GET", "POST"])
def letter_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = SubmitLetterForm(request.POST, request.FILES)
        if form.is_valid():
            with transaction.atomic():
                item, _created = item_submit(
                    agency=form.cleaned_data["agency"],
                    unit=form.cleaned_data["unit"],
                    kind=form.cleaned_data["kind"],
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    requester=form.requester_details(),
                    uploads=form.checked_uploads,
                    kept_uploads=form.kept_uploads(),
                    idempotency_key=f"form:{form.cleaned_data['nonce']}",
                )
                pr_received_online(item, form.cleaned_data["about_unit"], form.cleaned_data["about_text"])
            _remember(request, RECEIPTS_SESSION_KEY, item)
            _remember(request, TRACKED_SESSION_KEY, item)
            return redirect("letter-receipt", public_id=item.public_id)
        form.remember_uploads()
        status = 400
    else:
        form = SubmitLetterForm(initial={"nonce": new_form_nonce(), "agency": request.GET.get("agency", "")})
        status = 200
    return render(request, "correspondence/letter_new.html", {"form": form}, status=status)


@never_cache
@require_GET
def letter_receipt(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    item = _get_item_for_session(request, RECEIPTS_SESSION_KEY, public_id)
    return render(request, "correspondence/receipt.html", {"item": item, "site": settings.PUBLIC_SITE_URL})


@require_GET
def unit_options(request: HttpRequest) -> HttpResponse:
    """The unit list of one agency, filtered by a search word (HTMX partial for the send form)."""
    units = Unit.objects.none()
    agency_code = request.GET.get("agency", "")
    if agency_code:
        units = Unit.objects.filter(
            organization__code=agency_code, organization__is_active=True, is_active=True, accepts_letters=True
        ).select_related("parent")
        query = normalize_text(request.GET.get("q", ""), multiline=False)
        if query:
            units = units.filter(name__icontains=query)
    # The unit already picked stays picked when the list is refreshed (e.g. by a late search).
    context = {"units": units.order_by("name")[:200], "selected": request.GET.get("unit", "")}
    return render(request, "correspondence/_unit_options.html", context)


def _track_is_limited(request: HttpRequest, form: TrackForm) -> bool:
    """Per client, per national ID and per code: each guessing strategy runs into a limit."""
    checks = [("track-client", client_ip(request), settings.TRACKING_RATE_PER_CLIENT)]
    if form.is_valid():
        checks.append(("track-id", form.cleaned_data["national_id"], settings.TRACKING_RATE_PER_NATIONAL_ID))
        checks.append(("track-code", form.cleaned_data["tracking_code"], settings.TRACKING_RATE_PER_CODE))
    limited = False
    for group, value, rate in checks:
        # Evaluate every counter (no short-circuit) so each attempt is counted everywhere.
        limited |= is_ratelimited(request, group=group, key=lambda _g, _r, v=value: v, rate=rate, increment=True)
    return limited


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "correspondence/track.html", {"form": _track_form_from_link(request)})
    form = TrackForm(request.POST)
    if _track_is_limited(request, form):
        return rate_limited_response(request)
    if not form.is_valid():
        return render(request, "correspondence/track.html", {"form": form}, status=400)
    item = find_item_for_requester(
        national_id=form.cleaned_data["national_id"], tracking_code=form.cleaned_data["tracking_code"]
    )
    if item is None:
        # One neutral answer whether the ID, the code or both are wrong.
        return render(request, "correspondence/track.html", {"form": form, "not_found": True}, status=404)
    _remember(request, TRACKED_SESSION_KEY, item)
    return redirect("track-result", public_id=item.public_id)


def _track_form_from_link(request: HttpRequest) -> TrackForm:
    """An SMS link carries the tracking code, never the national ID: the code is filled in and the
    citizen types the ID. Anything that is not a valid code is ignored."""
    try:
        code = clean_tracking_code(request.GET.get("code", "")[:30])
    except ValueError:  # InvalidIdentifier included
        return TrackForm()
    form = TrackForm(initial={"tracking_code": code})
    form.fields["national_id"].widget.attrs["autofocus"] = True
    return form


def _track_page(request: HttpRequest, item: Item, reply_form: CitizenReplyForm | None = None) -> HttpResponse:
    open_question = item.info_requests.filter(answered_at__isnull=True).order_by("-asked_at").first()
    ended_at = item.updated_at if item.status in (Status.ANSWERED, Status.CLOSED) else timezone.now()
    context = {
        "item": item,
        "timeline": public_timeline(item),
        "responses": item.responses.all(),
        "open_question": open_question,
        "reply_form": reply_form or CitizenReplyForm(),
        "days_waiting": (ended_at - item.submitted_at).days,
    }
    return render(request, "correspondence/track_result.html", context, status=400 if reply_form else 200)


@never_cache
@require_GET
def track_result(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    item = _get_item_for_session(request, TRACKED_SESSION_KEY, public_id)
    return _track_page(request, item)


@never_cache
@require_POST
def track_reply(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The citizen answers the agency's question; it joins the item's timeline."""
    item = _get_item_for_session(request, TRACKED_SESSION_KEY, public_id)
    form = CitizenReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _track_page(request, item, reply_form=form)
    try:
        citizen_reply(item=item, text=form.cleaned_data["text"], uploads=form.checked_uploads)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("پاسخ شما ثبت شد و به کارشناس رسیدگی‌کننده می‌رسد."))
    return redirect("track-result", public_id=item.public_id)
