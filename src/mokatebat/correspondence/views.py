"""The citizen's path: send a letter, get a receipt with the tracking code, track it."""

from __future__ import annotations

import logging
import uuid
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mokatebat.accounts.forms import CodeForm
from mokatebat.accounts.workflow import CodeCheck, sign_in_code_check, sign_in_code_send
from mokatebat.core.http import client_ip, rate_limited_response, redirect_with_input, retried_input
from mokatebat.core.identifiers import mask_mobile
from mokatebat.core.persian import normalize_text
from mokatebat.core.ratelimit import exceeded
from mokatebat.core.replica import first_or_primary, replica_reads
from mokatebat.core.tracking import clean_tracking_code
from mokatebat.organization.models import Organization, Unit
from mokatebat.publicrelations.workflow import pr_received_online

from .auth import find_item_for_requester
from .deadlines import due_from_clock, due_of
from .forms import CitizenReplyForm, SubmitLetterForm, TrackForm, new_form_nonce, refuse_reused_nonce
from .limits import may_text_submitter, submission_exceeded
from .models import Item, Status
from .timeline import citizen_status, public_timeline
from .workflow import IdempotencyKeyReused, WorkflowError, citizen_reply, item_submit

logger = logging.getLogger(__name__)

RECEIPTS_SESSION_KEY = "receipts"
# A letter kept while the agency asks for the one-time code to its mobile, and the mobiles proven here.
PENDING_KEY = "letter_pending_mobile_code"
PROVEN_KEY = "proven_mobiles"
MOBILE_CODE_TEMPLATE = "submit_mobile_code"
TRACKED_SESSION_KEY = "tracked"
MAX_REMEMBERED = 20
_COOKIE_SALT = "mokatebat.correspondence.remembered"


def _cookie_name(key: str) -> str:
    # Over HTTPS the __Host- prefix keeps a sibling subdomain from planting or reading the cookie.
    return f"__Host-{key}" if settings.SESSION_COOKIE_SECURE else f"mokatebat-{key}"


def _remembered(request: HttpRequest, key: str) -> list[str]:
    """The items this browser has proved it may open (a submission, or national ID + code).

    A signed cookie instead of a session row: a lookup writes nothing to the database. It is set
    only on the answer to the proof, cannot be forged or edited without the SECRET_KEY, and expires
    like the session did (SESSION_COOKIE_AGE), so the page stays bound to the browser that proved.
    """
    value = request.get_signed_cookie(
        _cookie_name(key), default="", salt=_COOKIE_SALT + key, max_age=settings.SESSION_COOKIE_AGE
    )
    return value.split(",") if value else []


def _remember(request: HttpRequest, response: HttpResponse, key: str, item: Item) -> None:
    """Let this browser reopen an item's page without the code appearing in any URL."""
    remembered = [value for value in _remembered(request, key) if value != str(item.public_id)]
    response.set_signed_cookie(
        _cookie_name(key),
        ",".join([str(item.public_id), *remembered][:MAX_REMEMBERED]),
        salt=_COOKIE_SALT + key,
        max_age=settings.SESSION_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _get_item_for_session(request: HttpRequest, key: str, public_id: uuid.UUID) -> Item:
    if str(public_id) not in _remembered(request, key):
        raise Http404
    item = first_or_primary(
        Item.objects.select_related("agency", "addressed_unit", "requester", "clock").filter(public_id=public_id)
    )
    if item is None:
        raise Http404
    return item


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "correspondence/home.html", {"agency_count": Organization.objects.agencies().count()})


@never_cache
@require_http_methods(["GET", "POST"])
def letter_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = SubmitLetterForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            if submission_exceeded(request, national_id=data["national_id"], mobile=data["mobile"]):
                return rate_limited_response(request)
            if data["agency"].submit_mobile_code_required and data["mobile"] not in request.session.get(PROVEN_KEY, []):
                return _ask_mobile_code(request, form)
            try:
                item = _letter_submit(form, notify=may_text_submitter(request, data["mobile"]))
            except IdempotencyKeyReused as error:
                # Another letter under this form's key: the text stays, with a fresh key (no redirect:
                # the old key must not travel back with the input).
                refuse_reused_nonce(form, error)
                form.remember_uploads()
                return render(request, "correspondence/letter_new.html", {"form": form}, status=409)
            response = redirect("letter-receipt", public_id=item.public_id)
            _remember(request, response, RECEIPTS_SESSION_KEY, item)
            _remember(request, response, TRACKED_SESSION_KEY, item)
            return response
        form.remember_uploads()
        return redirect_with_input(request, form, kept={"keep_uploads": sorted(form.newly_kept)})
    retried = retried_input(request)
    if retried is None:
        form = SubmitLetterForm(initial={"nonce": new_form_nonce(), "agency": request.GET.get("agency", "")})
    else:
        form = SubmitLetterForm(retried.data)
        retried.restore(form)
    # 400 while the form shows errors, as the answer to the POST used to be.
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "correspondence/letter_new.html", {"form": form}, status=status)


def _letter_submit(form: SubmitLetterForm, *, notify: bool) -> Item:
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
            notify=notify,
        )
        pr_received_online(item, form.cleaned_data["about_unit"], form.cleaned_data["about_text"])
    return item


def _ask_mobile_code(request: HttpRequest, form: SubmitLetterForm) -> HttpResponse:
    """The agency wants the mobile proven first: keep the letter (its files as the form's kept uploads)
    in the session, text a one-time code, and ask for it. Nothing is stored as an item yet."""
    form.remember_uploads()
    data = dict(cast(QueryDict, form.data).lists())  # a bound web form: a QueryDict
    data["keep_uploads"] = sorted({*data.get("keep_uploads", []), *form.newly_kept})
    mobile = form.cleaned_data["mobile"]
    challenge = sign_in_code_send(
        identifier=form.cleaned_data["national_id"], mobile=mobile, template=MOBILE_CODE_TEMPLATE
    )
    request.session[PENDING_KEY] = {"data": data, "mobile": mobile, "challenge": str(challenge.public_id)}
    return redirect("letter-confirm-mobile")


@never_cache
@require_http_methods(["GET", "POST"])
def letter_confirm_mobile(request: HttpRequest) -> HttpResponse:
    """The code texted to the mobile of a kept letter; the right code stores the letter and shows its receipt."""
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return redirect("letter-new")
    form = CodeForm(request.POST or None)
    form.fields["code"].label = _("کد تأیید")
    if request.method == "POST" and form.is_valid():
        result, _challenge = sign_in_code_check(
            public_id=uuid.UUID(pending["challenge"]), code=form.cleaned_data["code"]
        )
        if result is CodeCheck.ACCEPTED:
            return _submit_kept_letter(request, pending)
        form.add_error(
            "code", _("کد درست نیست.") if result is CodeCheck.WRONG else _("این کد دیگر معتبر نیست؛ کد تازه بگیرید.")
        )
    elif request.method == "POST" and request.POST.get("resend"):
        if exceeded(request, [("mobile-code", pending["mobile"], settings.SUBMIT_RATE_PER_MOBILE)]):
            return rate_limited_response(request)
        challenge = sign_in_code_send(identifier="", mobile=pending["mobile"], template=MOBILE_CODE_TEMPLATE)
        request.session[PENDING_KEY] = {**pending, "challenge": str(challenge.public_id)}
        form = CodeForm()
        form.fields["code"].label = _("کد تأیید")
    context = {"form": form, "mobile": mask_mobile(pending["mobile"])}
    return render(request, "correspondence/letter_confirm_mobile.html", context, status=400 if form.errors else 200)


def _submit_kept_letter(request: HttpRequest, pending: dict[str, Any]) -> HttpResponse:
    del request.session[PENDING_KEY]
    request.session[PROVEN_KEY] = [*request.session.get(PROVEN_KEY, []), pending["mobile"]][-5:]
    data = QueryDict(mutable=True)
    for key, values in pending["data"].items():
        data.setlist(key, values)
    form = SubmitLetterForm(data)
    if form.is_valid():
        try:
            item = _letter_submit(form, notify=True)
        except IdempotencyKeyReused as error:
            refuse_reused_nonce(form, error)
        else:
            response = redirect("letter-receipt", public_id=item.public_id)
            _remember(request, response, RECEIPTS_SESSION_KEY, item)
            _remember(request, response, TRACKED_SESSION_KEY, item)
            return response
    return render(request, "correspondence/letter_new.html", {"form": form}, status=400)


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
    # ``list=about`` is the «درباره کدام واحد» list of the same form: same units, its own empty choice.
    about = request.GET.get("list") == "about"
    context = {
        "units": units.order_by("name")[:200],
        "selected": request.GET.get("about_unit" if about else "unit", ""),
        "about": about,
    }
    return render(request, "correspondence/_unit_options.html", context)


def _track_is_limited(request: HttpRequest, form: TrackForm) -> bool:
    """Before the lookup: per client address, per code, and per national ID *from this address*.

    The per-ID allowance is keyed on the address too, so a stranger who knows someone's national ID
    uses up only their own allowance and never locks the owner out (issue 18, point 6).
    """
    ip = client_ip(request)
    checks = [("track-client", ip, settings.TRACKING_RATE_PER_CLIENT)]
    if form.is_valid():
        national_id = form.cleaned_data["national_id"]
        checks.append(("track-code", form.cleaned_data["tracking_code"], settings.TRACKING_RATE_PER_CODE))
        checks.append(("track-id-client", f"{national_id}|{ip}", settings.TRACKING_RATE_PER_NATIONAL_ID))
    return exceeded(request, checks)


def _miss_is_limited(request: HttpRequest, national_id: str) -> bool:
    """After a wrong pair: the misses for one national ID from every address together.

    Over the allowance a wrong guess gets the neutral limit page, but a right pair is never counted
    or refused here, so the owner still gets in. What keeps guessing infeasible is the code space
    (10^12 random codes; the Damm check digit refuses typos before any lookup) against the
    allowances above: 10 tries an hour per address for one ID, 30 in all. Even 10,000 addresses
    guessing one person's code for a year would find it with a probability of about 0.09 %.
    A national ID over its miss allowance is logged (never the ID itself) for the operators.
    """
    if exceeded(request, [("track-id", national_id, settings.TRACKING_RATE_PER_NATIONAL_ID)]):
        logger.warning("tracking: refusing wrong guesses for a national ID tried from several addresses")
        return True
    return False


@never_cache
@require_http_methods(["GET", "POST"])
@replica_reads
def track(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "correspondence/track.html", {"form": _track_form_from_link(request)})
    form = TrackForm(request.POST)
    if _track_is_limited(request, form):
        return rate_limited_response(request)
    if not form.is_valid():
        return render(request, "correspondence/track.html", {"form": form}, status=400)
    national_id = form.cleaned_data["national_id"]
    item = find_item_for_requester(national_id=national_id, tracking_code=form.cleaned_data["tracking_code"])
    if item is None:
        if _miss_is_limited(request, national_id):
            return rate_limited_response(request)
        # One neutral answer whether the ID, the code or both are wrong.
        return render(request, "correspondence/track.html", {"form": form, "not_found": True}, status=404)
    response = redirect("track-result", public_id=item.public_id)
    _remember(request, response, TRACKED_SESSION_KEY, item)
    return response


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
        "status_label": citizen_status(item),
        "responses": item.responses.all(),
        "open_question": open_question,
        "reply_form": reply_form or CitizenReplyForm(),
        "days_waiting": (ended_at - item.submitted_at).days,
        "due": due_from_clock(item) or due_of(item),  # the clock came with the item
    }
    return render(request, "correspondence/track_result.html", context, status=400 if reply_form else 200)


@never_cache
@require_GET
@replica_reads
def track_result(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    item = _get_item_for_session(request, TRACKED_SESSION_KEY, public_id)
    return _track_page(request, item, reply_form=retried_reply_form(request))


def retried_reply_form(request: HttpRequest) -> CitizenReplyForm | None:
    """The reply that came back with errors (Post/Redirect/Get), bound again; None for a fresh page."""
    retried = retried_input(request)
    if retried is None:
        return None
    form = CitizenReplyForm(retried.data)
    retried.restore(form)
    return form


@never_cache
@require_POST
def track_reply(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The citizen answers the agency's question; it joins the item's timeline."""
    item = _get_item_for_session(request, TRACKED_SESSION_KEY, public_id)
    form = CitizenReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return redirect_with_input(request, form, kept={}, to=reverse("track-result", args=[item.public_id]))
    try:
        citizen_reply(item=item, text=form.cleaned_data["text"], uploads=form.checked_uploads)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("پاسخ شما ثبت شد و به کارشناس رسیدگی‌کننده می‌رسد."))
    return redirect("track-result", public_id=item.public_id)
