"""The citizen's account (R12): sign in with an SMS code, see every own item, answer, download.

Every item view starts with ``get_item_for_citizen`` (404 for anyone else's item)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mokatebat.core.http import client_ip, rate_limited_response, redirect_with_input
from mokatebat.core.ratelimit import exceeded
from mokatebat.correspondence.deadlines import due_from_clock, due_of
from mokatebat.correspondence.documents import pdf_download
from mokatebat.correspondence.forms import CitizenReplyForm
from mokatebat.correspondence.models import InfoRequest, Item, Response, Status
from mokatebat.correspondence.timeline import citizen_status, citizen_statuses, public_timeline
from mokatebat.correspondence.views import retried_reply_form
from mokatebat.correspondence.workflow import WorkflowError, citizen_reply

from .auth import (
    CHALLENGE_SESSION_KEY,
    Citizen,
    appointments_of,
    citizen_of,
    citizen_required,
    citizen_sign_in,
    citizen_sign_out,
    get_item_for_citizen,
    items_of,
)
from .forms import CodeForm, SignInForm
from .workflow import CodeCheck, sign_in_code_check, sign_in_code_send

# Each code costs an SMS (OWASP API4: SMS pumping): limits per mobile, per ID and per client.
SEND_RATE_PER_MOBILE = getattr(settings, "CITIZEN_CODE_RATE_PER_MOBILE", "3/15m")
SEND_RATE_PER_MOBILE_DAY = getattr(settings, "CITIZEN_CODE_RATE_PER_MOBILE_DAY", "10/d")
SEND_RATE_PER_ID = getattr(settings, "CITIZEN_CODE_RATE_PER_ID", "5/h")
SEND_RATE_PER_CLIENT = getattr(settings, "CITIZEN_CODE_RATE_PER_CLIENT", "20/h")
CHECK_RATE_PER_CLIENT = getattr(settings, "CITIZEN_CODE_CHECK_RATE_PER_CLIENT", "30/h")
MAX_LISTED = 200


def _limited(request: HttpRequest, checks: list[tuple[str, str, str]]) -> bool:
    # Every counter is counted (no short-circuit) so each try counts against each limit.
    return exceeded(request, checks)


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        if citizen_of(request) is not None:
            return redirect("account-home")
        return render(request, "accounts/sign_in.html", {"form": SignInForm()})
    form = SignInForm(request.POST)
    checks = [("citizen-code-client", client_ip(request), SEND_RATE_PER_CLIENT)]
    if form.is_valid():
        checks.append(("citizen-code-mobile", form.cleaned_data["mobile"], SEND_RATE_PER_MOBILE))
        checks.append(("citizen-code-mobile-day", form.cleaned_data["mobile"], SEND_RATE_PER_MOBILE_DAY))
        checks.append(("citizen-code-id", form.cleaned_data["identifier"], SEND_RATE_PER_ID))
    if _limited(request, checks):
        return rate_limited_response(request)
    if not form.is_valid():
        return render(request, "accounts/sign_in.html", {"form": form}, status=400)
    # The code goes to the mobile typed whether or not any letter carries it: the answer on screen
    # never tells a stranger who has letters here.
    challenge = sign_in_code_send(identifier=form.cleaned_data["identifier"], mobile=form.cleaned_data["mobile"])
    request.session[CHALLENGE_SESSION_KEY] = str(challenge.public_id)
    return redirect("account-code")


def _challenge_id(request: HttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(request.session.get(CHALLENGE_SESSION_KEY)))
    except ValueError:
        return None


@never_cache
@require_http_methods(["GET", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    challenge_id = _challenge_id(request)
    if challenge_id is None:
        return redirect("account-sign-in")
    if request.method != "POST":
        return render(request, "accounts/code.html", {"form": CodeForm()})
    form = CodeForm(request.POST)
    if _limited(request, [("citizen-code-check", client_ip(request), CHECK_RATE_PER_CLIENT)]):
        return rate_limited_response(request)
    if not form.is_valid():
        return render(request, "accounts/code.html", {"form": form}, status=400)
    result, challenge = sign_in_code_check(public_id=challenge_id, code=form.cleaned_data["code"])
    if result is CodeCheck.ACCEPTED and challenge is not None:
        citizen_sign_in(request, challenge)
        return redirect("account-home")
    if result is CodeCheck.SPENT:
        request.session.pop(CHALLENGE_SESSION_KEY, None)
        messages.error(
            request, _("این کد دیگر معتبر نیست (استفاده شده، منقضی یا بیش از حد نادرست وارد شده). کد تازه بگیرید.")
        )
        return redirect("account-sign-in")
    form.add_error("code", _("کد درست نیست. دوباره بررسی کنید."))
    return render(request, "accounts/code.html", {"form": form}, status=400)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    citizen_sign_out(request)
    messages.success(request, _("از پرونده خود خارج شدید."))
    return redirect("home")


@never_cache
@require_GET
@citizen_required
def home(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    items = list(items_of(citizen).select_related("agency", "clock").order_by("-submitted_at", "-id")[:MAX_LISTED])
    for item in items:
        item.due = due_from_clock(item)  # type: ignore[attr-defined]
    responses = Response.objects.filter(item__in=items_of(citizen)).select_related("item").order_by("-issued_at", "-id")
    # Through InfoRequest: a filter across the reverse relation would also match items never asked.
    waiting = set(
        InfoRequest.objects.filter(item__in=items_of(citizen), answered_at__isnull=True).values_list(
            "item__public_id", flat=True
        )
    )
    labels = citizen_statuses(items)
    for item in items:
        item.status_label = labels[item.pk]  # type: ignore[attr-defined]
    context = {
        "citizen": citizen,
        "items": items,
        "waiting_for_reply": waiting,
        "responses": responses[:MAX_LISTED],
        "appointments": appointments_of(citizen),
    }
    return render(request, "accounts/home.html", context)


def _item_page(request: HttpRequest, item: Item, reply_form: CitizenReplyForm | None = None) -> HttpResponse:
    """The tracking page's own template and timeline, with this account's reply and PDF addresses."""
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
        "due": due_of(item),
        "reply_url_name": "account-item-reply",
        "pdf_url_name": "account-response-pdf",
        "back_url_name": "account-home",
    }
    return render(request, "correspondence/track_result.html", context, status=400 if reply_form else 200)


@never_cache
@require_GET
@citizen_required
def item_detail(request: HttpRequest, citizen: Citizen, public_id: uuid.UUID) -> HttpResponse:
    item = get_item_for_citizen(citizen, public_id)
    return _item_page(request, item, reply_form=retried_reply_form(request))


@never_cache
@require_POST
@citizen_required
def item_reply(request: HttpRequest, citizen: Citizen, public_id: uuid.UUID) -> HttpResponse:
    item = get_item_for_citizen(citizen, public_id)
    form = CitizenReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return redirect_with_input(request, form, kept={}, to=reverse("account-item", args=[item.public_id]))
    try:
        citizen_reply(item=item, text=form.cleaned_data["text"], uploads=form.checked_uploads)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("پاسخ شما ثبت شد و به کارشناس رسیدگی‌کننده می‌رسد."))
    return redirect("account-item", public_id=item.public_id)


@require_GET
@citizen_required
def response_pdf(request: HttpRequest, citizen: Citizen, public_id: uuid.UUID, response_id: uuid.UUID) -> HttpResponse:
    item = get_item_for_citizen(citizen, public_id)
    letter = item.responses.filter(public_id=response_id).first()
    if letter is None:
        raise Http404
    letter.item = item
    return pdf_download(letter)
