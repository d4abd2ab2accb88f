"""Public-relations pages: PR inbox and item page, the anonymised copy units work on, intake of visits
and calls, and the head's office meeting pages (R17–R20).

Every view fetches its object for this user first (404/403 otherwise) and calls one workflow step.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mokatebat.correspondence import workflow as wf
from mokatebat.correspondence.auth import unit_ids_of
from mokatebat.correspondence.forms import new_form_nonce, refuse_reused_nonce
from mokatebat.correspondence.models import Attachment, Channel, EventKind, Item, ItemEvent, Referral, Status
from mokatebat.organization.access import staff_required
from mokatebat.organization.models import Organization, User

from . import forms as f
from . import workflow as pr
from .auth import (
    INTAKE_ROLES,
    MEETING_ROLES,
    PR_ROLES,
    SETTINGS_ROLES,
    can_reveal,
    get_anonymised_item,
    get_meeting,
    get_pr_item,
    meetings_for,
    pr_items,
    require_agency,
)
from .filecleaning import MAX_PAGES, pdf_page_count, preview_png
from .models import (
    FEEDBACK_KINDS,
    Decision,
    ExtraCategory,
    GuidanceRecord,
    Meeting,
    MeetingSlot,
    RedactedCopy,
    ThankYouText,
)
from .redaction import redact


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # staff_required ran first
    return request.user


def _run(request: HttpRequest, form: Any, perform: Callable[[dict[str, Any]], object], done: str) -> bool:
    """Validate and perform one step; a refused step becomes a message. True when it happened."""
    if not form.is_valid():
        return False
    try:
        perform(form.cleaned_data)
    except wf.WorkflowError as error:
        messages.error(request, error.message)
        return True  # nothing to fix in the form: show the page again with the reason
    messages.success(request, done)
    return True


# --- PR inbox and item page (R18, R19) ---------------------------------------------------------------


@staff_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require_agency(user, PR_ROLES)
    show = request.GET.get("show", "open")
    items = pr_items(user).select_related("requester", "pr_case", "redacted_copy")
    if show == "open":
        items = items.exclude(status=Status.CLOSED)
    # What the unit last sent back: its report, or the item itself («برگشت»).
    hand_backs = ItemEvent.objects.filter(
        item=OuterRef("pk"), kind__in=[EventKind.ANSWER_TO_PR, EventKind.REFERRAL_RETURNED], is_public=False
    ).order_by("-occurred_at", "-pk")
    items = items.annotate(hand_back=Subquery(hand_backs.values("kind")[:1]))
    rows = list(items.order_by("-submitted_at", "-pk")[:200])
    return render(request, "publicrelations/inbox.html", {"items": rows, "show": show})


def _item_page(request: HttpRequest, item: Item, status: int = 200, **forms: Any) -> HttpResponse:
    case = pr.case_of(item)
    copy = RedactedCopy.objects.filter(item=item).prefetch_related("attachments").first()
    initial = {"version": item.version}
    context: dict[str, Any] = {
        "item": item,
        "case": case,
        "copy": copy,
        "attachments": item.attachments.all(),
        "referrals": item.referrals.select_related("unit").order_by("created_at", "pk"),
        "timeline": _timeline_rows(item),
        "responses": item.responses.all(),
        "meeting": Meeting.objects.filter(item=item).first(),
    }
    is_open = item.status != Status.CLOSED
    if is_open and not case.decision:
        context["classify_form"] = forms.get("classify_form") or f.PrClassifyForm(
            agency=item.agency,
            initial=initial
            | {
                "kind": item.kind,
                "about_unit": case.about_unit.public_id if case.about_unit else None,
                "about_text": case.about_text,
                "extra_category": case.extra_category.code if case.extra_category else None,
            },
        )
        if item.kind in FEEDBACK_KINDS:
            identity = pr.requester_identity(item)
            context["thanks_text"] = pr.thank_you_text(item.agency, item.kind, case.extra_category)
            context["no_action_form"] = f.VersionedForm(initial=initial)
            context["refer_form"] = forms.get("refer_form") or f.ReferAnonymisedForm(
                agency=item.agency,
                attachments=item.attachments.all(),
                initial=initial | {"subject": redact(item.subject, identity), "body": redact(item.body, identity)},
            )
            refer_form = context["refer_form"]
            context["reviews"] = [
                {
                    "attachment": a,
                    "pages": range(1, _page_count(a) + 1),
                    "regions": refer_form[refer_form.regions_field(a)],
                    "checked": str(a.public_id) in (refer_form["attachments"].value() or []),
                }
                for a in item.attachments.all()
            ]
    if is_open and case.decision:
        context["answer_form"] = forms.get("answer_form") or f.AnswerCitizenForm()
    if is_open and case.decision == Decision.ACTION and copy is not None and not _held_by_a_unit(item):
        returned = item.referrals.filter(state=Referral.State.RETURNED).order_by("-closed_at").first()
        suggested = returned.suggested_unit if returned else None
        context["refer_again_form"] = forms.get("refer_again_form") or f.ReferAgainForm(
            agency=item.agency, initial=initial | {"unit": suggested.public_id if suggested else None}
        )
    return render(request, "publicrelations/item.html", context, status=status)


@staff_required
@require_GET
def item_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    item = get_pr_item(_user(request), public_id)
    return _item_page(request, item)


@staff_required
@require_POST
def item_classify(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    item = get_pr_item(user, public_id)
    form = f.PrClassifyForm(request.POST, agency=item.agency)

    def perform(d: dict[str, Any]) -> object:
        return pr.pr_classify(
            item=item,
            actor=user,
            kind=d["kind"],
            extra_category=d["extra_category"],
            about_unit=d["about_unit"],
            about_text=d["about_text"],
            expected_version=d["version"],
        )

    if _run(request, form, perform, _("طبقه‌بندی ذخیره شد.")):
        return redirect("pr-item", public_id=item.public_id)
    return _item_page(request, item, status=400, classify_form=form)


@staff_required
@require_POST
def item_no_action(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    item = get_pr_item(user, public_id)
    form = f.VersionedForm(request.POST)
    perform = lambda d: pr.pr_close_no_action(item=item, actor=user, expected_version=d["version"])  # noqa: E731
    _run(request, form, perform, _("مورد بسته شد و پیامک تشکر برای متقاضی فرستاده شد."))
    return redirect("pr-item", public_id=item.public_id)


@staff_required
@require_POST
def item_refer(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    item = get_pr_item(user, public_id)
    form = f.ReferAnonymisedForm(request.POST, agency=item.agency, attachments=item.attachments.all())
    previewed = set(request.session.get(PREVIEWED_KEY, []))
    if form.is_valid():
        # A file goes to the unit only if the expert had its preview in front of them.
        for attachment in form.cleaned_data["attachments"]:
            if str(attachment.public_id) not in previewed:
                message = _("پیش از فرستادن «%(name)s» پیش‌نمایش آن را ببینید.")
                form.add_error("attachments", message % {"name": attachment.original_name})
                break

    def perform(d: dict[str, Any]) -> object:
        shared = [pr.SharedAttachment(attachment=a, regions=d["regions"][a.pk]) for a in d["attachments"]]
        return pr.pr_refer_anonymised(
            item=item,
            actor=user,
            unit=d["unit"],
            subject=d["subject"],
            body=d["body"],
            attachments=shared,
            instruction=d["instruction"],
            deadline=d["deadline"],
            expected_version=d["version"],
        )

    if _run(request, form, perform, _("نسخه بی‌نام‌شده به واحد ارجاع شد و به متقاضی پیامک شد.")):
        return redirect("pr-item", public_id=item.public_id)
    return _item_page(request, item, status=400, refer_form=form)


def _held_by_a_unit(item: Item) -> bool:
    open_states = [Referral.State.OPEN, Referral.State.ACCEPTED]
    return item.referrals.filter(role=Referral.Role.MAIN, state__in=open_states).exists()


@staff_required
@require_POST
def item_refer_again(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    item = get_pr_item(user, public_id)
    form = f.ReferAgainForm(request.POST, agency=item.agency)

    def perform(d: dict[str, Any]) -> object:
        return pr.pr_refer_again(
            item=item,
            actor=user,
            unit=d["unit"],
            instruction=d["instruction"],
            deadline=d["deadline"],
            expected_version=d["version"],
        )

    if _run(request, form, perform, _("نسخه بی‌نام‌شده دوباره ارجاع شد و به متقاضی پیامک شد.")):
        return redirect("pr-item", public_id=item.public_id)
    return _item_page(request, item, status=400, refer_again_form=form)


@staff_required
@require_POST
def item_answer(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    item = get_pr_item(user, public_id)
    form = f.AnswerCitizenForm(request.POST)
    perform = lambda d: pr.pr_answer_citizen(item=item, actor=user, body=d["body"])  # noqa: E731
    if _run(request, form, perform, _("پاسخ صادر و به متقاضی پیامک شد.")):
        return redirect("pr-item", public_id=item.public_id)
    return _item_page(request, item, status=400, answer_form=form)


# --- The anonymised copy: what units (and everyone outside PR) see (R19) ----------------------------------


def _is_instruction_of(event: ItemEvent, step: ItemEvent | None) -> bool:
    """``item_refer`` records one referral as two events: the public step the citizen sees and, at the
    same moment, the internal one that carries the instruction. Both stay; a page shows them as one."""
    return (
        step is not None
        and step.kind == event.kind == EventKind.REFERRED
        and step.is_public
        and not event.is_public
        and step.occurred_at == event.occurred_at
        and step.data.get("unit") == event.data.get("unit")
    )


def _timeline_rows(item: Item) -> list[dict[str, Any]]:
    """Every event once, with a referral's internal instruction on its public step."""
    rows: list[dict[str, Any]] = []
    for event in item.events.select_related("actor").order_by("occurred_at", "pk"):
        if rows and _is_instruction_of(event, rows[-1]["event"]) and rows[-1]["instruction"] is None:
            rows[-1]["instruction"] = event
        else:
            rows.append({"event": event, "instruction": None})
    return rows


def _anonymised_timeline(item: Item) -> list[dict[str, Any]]:
    """Steps without their data; notes pass through the redaction again (they may quote the citizen)."""
    identity = pr.requester_identity(item)

    def note(e: ItemEvent | None) -> str:
        return redact(e.note, identity) if e and e.note and e.kind != EventKind.IDENTITY_REVEALED else ""

    entries = []
    for row in _timeline_rows(item):
        e: ItemEvent = row["event"]
        entries.append(
            {
                "kind": e.get_kind_display(),
                "at": e.occurred_at,
                "actor": (e.actor.get_full_name() or e.actor.username) if e.actor else "",
                "note": note(e) or note(row["instruction"]),
                "unit": e.data.get("unit", ""),
            }
        )
    return entries


def anonymised_page(
    request: HttpRequest, item: Item, copy: RedactedCopy, status: int = 200, **forms: Any
) -> HttpResponse:
    user = _user(request)
    mine = unit_ids_of(user)
    referrals = list(item.referrals.select_related("unit").order_by("created_at", "pk"))
    open_states = (Referral.State.OPEN, Referral.State.ACCEPTED)
    acting = [r for r in referrals if r.unit_id in mine and r.state in open_states and r.role == Referral.Role.MAIN]
    context = {
        "item": item,
        "copy": copy,
        "shared": copy.attachments.all(),
        "referrals": referrals,
        "acting": acting,
        "to_accept": [r for r in referrals if r.unit_id in mine and r.state == Referral.State.OPEN],
        "timeline": _anonymised_timeline(item),
        "answer_form": forms.get("answer_form") or f.UnitAnswerForm(),
        "return_form": forms.get("return_form") or f.ReturnToPrForm(agency=item.agency),
        "reveal_form": (forms.get("reveal_form") or f.RevealForm()) if can_reveal(user, item) else None,
    }
    return render(request, "publicrelations/anonymised.html", context, status=status)


@staff_required
@require_GET
def anonymised_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    item, copy = get_anonymised_item(_user(request), public_id)
    return anonymised_page(request, item, copy)


def _my_referral(user: User, item: Item, referral_id: uuid.UUID) -> Referral:
    referral = item.referrals.filter(public_id=referral_id, unit_id__in=unit_ids_of(user)).first()
    if referral is None:
        raise Http404
    return referral


@staff_required
@require_POST
def anonymised_accept(request: HttpRequest, public_id: uuid.UUID, referral_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    item, _copy = get_anonymised_item(user, public_id)
    referral = _my_referral(user, item, referral_id)
    try:
        wf.referral_accept(referral=referral, actor=user)
        messages.success(request, _("ارجاع پذیرفته شد."))
    except wf.WorkflowError as error:
        messages.error(request, error.message)
    return redirect("pr-anonymised", public_id=item.public_id)


@staff_required
@require_POST
def anonymised_answer(request: HttpRequest, public_id: uuid.UUID, referral_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    item, copy = get_anonymised_item(user, public_id)
    referral = _my_referral(user, item, referral_id)
    form = f.UnitAnswerForm(request.POST)
    perform = lambda d: pr.unit_answer_to_pr(referral=referral, actor=user, text=d["text"])  # noqa: E731
    if _run(request, form, perform, _("گزارش واحد برای ارتباطات مردمی فرستاده شد.")):
        return redirect("pr-anonymised", public_id=item.public_id)
    return anonymised_page(request, item, copy, status=400, answer_form=form)


@staff_required
@require_POST
def anonymised_return(request: HttpRequest, public_id: uuid.UUID, referral_id: uuid.UUID) -> HttpResponse:
    """The unit's «برگشت»: the item goes back to the PR desk that referred it."""
    user = _user(request)
    item, copy = get_anonymised_item(user, public_id)
    referral = _my_referral(user, item, referral_id)
    form = f.ReturnToPrForm(request.POST, agency=item.agency)

    def perform(d: dict[str, Any]) -> object:
        return pr.unit_return_to_pr(
            referral=referral, actor=user, reason=d["reason"], competent_unit=d["competent_unit"]
        )

    if _run(request, form, perform, _("مورد به ارتباطات مردمی برگشت داده شد.")):
        return redirect("pr-anonymised", public_id=item.public_id)
    return anonymised_page(request, item, copy, status=400, return_form=form)


@staff_required
@require_POST
def anonymised_reveal(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    item, copy = get_anonymised_item(user, public_id)
    if not can_reveal(user, item):
        raise PermissionDenied
    form = f.RevealForm(request.POST)
    perform = lambda d: pr.identity_reveal(item=item, actor=user, reason=d["reason"])  # noqa: E731
    if _run(request, form, perform, _("هویت متقاضی نمایش داده شد و این کار در سوابق ثبت شد.")):
        return redirect("staff-item", public_id=item.public_id)
    return anonymised_page(request, item, copy, status=400, reveal_form=form)


PREVIEWED_KEY = "pr_previewed_attachments"


def _page_count(attachment: Attachment) -> int:
    if attachment.content_type != "application/pdf":
        return 1
    try:
        with attachment.file.open("rb") as handle:
            return min(pdf_page_count(handle.read()), MAX_PAGES)
    except (OSError, ValueError):
        return 1


@staff_required
@require_GET
def attachment_preview(request: HttpRequest, public_id: uuid.UUID, file_id: uuid.UUID, page: int) -> HttpResponse:
    """A page of a citizen's file as a PNG for the PR expert's review; seeing it is what allows sending it."""
    item = get_pr_item(_user(request), public_id)
    attachment = item.attachments.filter(public_id=file_id).first()
    if attachment is None:
        raise Http404
    with attachment.file.open("rb") as handle:
        png, _count = preview_png(handle.read(), attachment.content_type, page)
    previewed = set(request.session.get(PREVIEWED_KEY, []))
    if str(attachment.public_id) not in previewed:
        request.session[PREVIEWED_KEY] = sorted(previewed | {str(attachment.public_id)})
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
@require_GET
def anonymised_attachment(request: HttpRequest, public_id: uuid.UUID, file_id: uuid.UUID) -> FileResponse:
    """The cleaned copy of a file the PR expert passed on (neutral name, no metadata, regions covered);
    the citizen's original never leaves the PR desk."""
    _item, copy = get_anonymised_item(_user(request), public_id)
    shared = copy.attachments.filter(public_id=file_id).exclude(file="").first()
    if shared is None:
        raise Http404
    response = FileResponse(
        shared.file.open("rb"),
        as_attachment=True,
        filename=shared.display_name,
        content_type="application/octet-stream",
    )
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Intake: visits and calls (R17) -----------------------------------------------------------------------


def _intake(request: HttpRequest, channel: str) -> HttpResponse:
    user = _user(request)
    agency = require_agency(user, INTAKE_ROLES)
    phone = channel == Channel.PHONE
    guidance = f.GuidanceForm(agency=agency, phone=phone, initial={"nonce": new_form_nonce()})
    register = f.IntakeItemForm(agency=agency, initial={"nonce": new_form_nonce(), "kind": "complaint"})
    status = 200
    if request.method == "POST" and request.POST.get("step") == "guidance":
        guidance = f.GuidanceForm(request.POST, agency=agency, phone=phone)
        if guidance.is_valid():
            d = guidance.cleaned_data
            pr.guidance_record(
                agency=agency,
                actor=user,
                channel=channel,
                topic=d["topic"],
                category=d["category"],
                duration_minutes=d["duration_minutes"],
                outcome=d.get("outcome") or GuidanceRecord.Outcome.GUIDED,
                transferred_to=d.get("transferred_to"),
                requester_name=d["requester_name"],
                requester_mobile=d["requester_mobile"],
                idempotency_key=f"guidance:{d['nonce']}",
            )
            messages.success(request, _("راهنمایی ثبت شد."))
            return redirect(request.path)
        status = 400
    elif request.method == "POST" and request.POST.get("step") == "register":
        register = f.IntakeItemForm(request.POST, agency=agency)
        try:
            item = _intake_register(register, agency, user, channel) if register.is_valid() else None
        except wf.IdempotencyKeyReused as error:
            refuse_reused_nonce(register, error)
            item = None
        if item is not None:
            messages.success(
                request, _("ثبت شد. کد رهگیری %(code)s برای متقاضی پیامک شد.") % {"code": item.tracking_code}
            )
            return redirect("pr-item", public_id=item.public_id) if user_is_pr(user) else redirect(request.path)
        status = 400
    context = {"guidance": guidance, "register": register, "phone": phone, "agency": agency}
    return render(request, "publicrelations/intake.html", context, status=status)


def _intake_register(register: f.IntakeItemForm, agency: Organization, user: User, channel: str) -> Item:
    d = register.cleaned_data
    item, _created = pr.intake_register(
        agency=agency,
        actor=user,
        channel=channel,
        kind=d["kind"],
        subject=d["subject"],
        body=d["body"],
        requester=register.requester_details(),
        about_unit=d.get("about_unit"),
        about_text=d.get("about_text", ""),
        idempotency_key=f"form:{d['nonce']}",
    )
    return item


def user_is_pr(user: User) -> bool:
    try:
        require_agency(user, PR_ROLES)
    except PermissionDenied:
        return False
    return True


@staff_required
@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest) -> HttpResponse:
    return _intake(request, Channel.IN_PERSON)


@staff_required
@require_http_methods(["GET", "POST"])
def call_new(request: HttpRequest) -> HttpResponse:
    return _intake(request, Channel.PHONE)


@staff_required
@require_GET
def guidance_report(request: HttpRequest) -> HttpResponse:
    """Visits and calls that ended with guidance, counted by channel, category and outcome."""
    user = _user(request)
    agency = require_agency(user, INTAKE_ROLES)
    form = f.ReportForm(request.GET or None)
    records = GuidanceRecord.objects.filter(agency=agency)
    if form.is_bound and form.is_valid():
        if form.cleaned_data.get("date_from"):
            records = records.filter(recorded_at__date__gte=form.cleaned_data["date_from"])
        if form.cleaned_data.get("date_to"):
            records = records.filter(recorded_at__date__lte=form.cleaned_data["date_to"])
    rows = records.values("channel", "category", "outcome").annotate(count=Count("pk"), minutes=Sum("duration_minutes"))
    labels = {
        "channel": dict(GuidanceRecord.Channel.choices),
        "category": dict(f.GuidanceCategory.choices),
        "outcome": dict(GuidanceRecord.Outcome.choices),
    }
    table = [
        {
            "channel": labels["channel"][row["channel"]],
            "category": labels["category"][row["category"]],
            "outcome": labels["outcome"][row["outcome"]],
            "count": row["count"],
            "minutes": row["minutes"],
        }
        for row in rows.order_by("channel", "category", "outcome")
    ]
    registered = Item.objects.filter(
        agency=agency, channel__in=[Channel.IN_PERSON, Channel.PHONE], pr_case__isnull=False
    )
    context = {
        "form": form,
        "agency": agency,
        "table": table,
        "total": sum(r["count"] for r in table),
        "registered": registered.count(),
        "recent": records.select_related("transferred_to")[:20],
    }
    return render(request, "publicrelations/report.html", context)


# --- The head's office: public meetings (R20) ----------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def meetings(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    agency = require_agency(user, MEETING_ROLES)
    slot_form = f.SlotForm(request.POST or None)
    if request.method == "POST" and slot_form.is_valid():
        d = slot_form.cleaned_data
        _slot, created = MeetingSlot.objects.get_or_create(
            agency=agency, starts_at=d["starts_at"], defaults={"place": d["place"]}
        )
        if created:
            messages.success(request, _("وقت ملاقات به تقویم افزوده شد."))
        else:
            messages.error(request, _("این وقت پیش‌تر در تقویم هست."))
        return redirect("pr-meetings")
    rows = meetings_for(user).select_related("item", "item__requester", "slot").order_by("-item__submitted_at")
    slots = MeetingSlot.objects.filter(agency=agency, starts_at__gte=timezone.now()).order_by("starts_at")
    booked = set(
        Meeting.objects.filter(state=Meeting.State.SCHEDULED, slot__in=slots).values_list("slot_id", flat=True)
    )
    context = {"meetings": rows[:200], "slots": slots[:50], "booked": booked, "slot_form": slot_form}
    return render(request, "publicrelations/meetings.html", context, status=400 if slot_form.errors else 200)


def _meeting_page(request: HttpRequest, meeting: Meeting, status: int = 200, **forms: Any) -> HttpResponse:
    agency: Organization = meeting.item.agency
    context: dict[str, Any] = {"meeting": meeting, "item": meeting.item}
    if meeting.state == Meeting.State.REQUESTED:
        context["schedule_form"] = forms.get("schedule_form") or f.ScheduleForm(agency=agency)
        context["reject_form"] = forms.get("reject_form") or f.ReasonForm()
        context["redirect_form"] = forms.get("redirect_form") or f.RedirectForm(agency=agency)
    if meeting.state == Meeting.State.SCHEDULED:
        context["reschedule_form"] = forms.get("reschedule_form") or f.ScheduleForm(agency=agency)
        context["cancel_form"] = forms.get("cancel_form") or f.ReasonForm()
        if meeting.slot is not None and meeting.slot.starts_at <= timezone.now():
            context["outcome_form"] = forms.get("outcome_form") or f.OutcomeForm(agency=agency)
    context["referrals"] = meeting.item.referrals.select_related("unit").order_by("created_at")
    return render(request, "publicrelations/meeting.html", context, status=status)


@staff_required
@require_GET
def meeting_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _meeting_page(request, get_meeting(_user(request), public_id))


def _meeting_step(
    request: HttpRequest,
    public_id: uuid.UUID,
    form_name: str,
    make_form: Callable[[Meeting], Any],
    run: Callable[[User, Meeting, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    user = _user(request)
    meeting = get_meeting(user, public_id)
    form = make_form(meeting)
    if _run(request, form, lambda d: run(user, meeting, d), done):
        return redirect("pr-meeting", public_id=meeting.public_id)
    return _meeting_page(request, meeting, status=400, **{form_name: form})


@staff_required
@require_POST
def meeting_schedule(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _meeting_step(
        request,
        public_id,
        "schedule_form",
        lambda m: f.ScheduleForm(request.POST, agency=m.item.agency),
        lambda user, m, d: pr.meeting_schedule(meeting=m, actor=user, slot=d["slot"]),
        _("ملاقات تأیید شد و زمان آن برای متقاضی پیامک شد."),
    )


@staff_required
@require_POST
def meeting_reschedule(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _meeting_step(
        request,
        public_id,
        "reschedule_form",
        lambda m: f.ScheduleForm(request.POST, agency=m.item.agency),
        lambda user, m, d: pr.meeting_reschedule(meeting=m, actor=user, slot=d["slot"]),
        _("زمان ملاقات تغییر کرد و برای متقاضی پیامک شد."),
    )


@staff_required
@require_POST
def meeting_cancel(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _meeting_step(
        request,
        public_id,
        "cancel_form",
        lambda m: f.ReasonForm(request.POST),
        lambda user, m, d: pr.meeting_cancel(meeting=m, actor=user, reason=d["reason"]),
        _("ملاقات لغو شد و برای متقاضی پیامک شد."),
    )


@staff_required
@require_POST
def meeting_reject(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _meeting_step(
        request,
        public_id,
        "reject_form",
        lambda m: f.ReasonForm(request.POST),
        lambda user, m, d: pr.meeting_reject(meeting=m, actor=user, reason=d["reason"]),
        _("درخواست ملاقات رد شد و دلیل برای متقاضی پیامک شد."),
    )


@staff_required
@require_POST
def meeting_redirect(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _meeting_step(
        request,
        public_id,
        "redirect_form",
        lambda m: f.RedirectForm(request.POST, agency=m.item.agency),
        lambda user, m, d: pr.meeting_redirect(meeting=m, actor=user, unit=d["unit"], instruction=d["instruction"]),
        _("درخواست به واحد صالح ارجاع شد و برای متقاضی پیامک شد."),
    )


@staff_required
@require_POST
def meeting_outcome(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    def make(m: Meeting) -> f.OutcomeForm:
        return f.OutcomeForm(request.POST, agency=m.item.agency)

    def run(user: User, m: Meeting, d: dict[str, Any]) -> object:
        follow_ups = [(d[f"unit_{n}"], d.get(f"instruction_{n}", "")) for n in (1, 2) if d.get(f"unit_{n}")]
        return pr.meeting_record_outcome(meeting=m, actor=user, note=d["note"], follow_ups=follow_ups)

    return _meeting_step(request, public_id, "outcome_form", make, run, _("نتیجه ملاقات ثبت شد."))


# --- The agency's PR settings: thank-you texts and extra categories (R18, R19) --------------------------


def _thanks_keys(agency: Organization) -> list[tuple[str, str, str]]:
    keys = [(str(kind.value), str(kind.label), pr.thank_you_text(agency, kind)) for kind in FEEDBACK_KINDS]
    for extra in ExtraCategory.objects.filter(agency=agency, is_active=True).order_by("name"):
        keys.append((extra.code, extra.name, pr.thank_you_text(agency, "", extra)))
    return keys


@staff_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    agency = require_agency(_user(request), SETTINGS_ROLES)
    keys = _thanks_keys(agency)
    thanks = f.ThanksForm(keys=keys)
    extra = f.ExtraCategoryForm()
    if request.method == "POST" and request.POST.get("step") == "thanks":
        thanks = f.ThanksForm(request.POST, keys=keys)
        if thanks.is_valid():
            for key, text in thanks.cleaned_data.items():
                ThankYouText.objects.update_or_create(agency=agency, kind=key, defaults={"text": text})
            messages.success(request, _("متن‌های پیامک تشکر ذخیره شد."))
            return redirect("pr-settings")
    elif request.method == "POST" and request.POST.get("step") == "extra":
        extra = f.ExtraCategoryForm(request.POST)
        if extra.is_valid():
            _category, created = ExtraCategory.objects.get_or_create(
                agency=agency, code=extra.cleaned_data["code"], defaults={"name": extra.cleaned_data["name"]}
            )
            if created:
                messages.success(request, _("دسته افزوده شد."))
                return redirect("pr-settings")
            extra.add_error("code", _("این شناسه پیش‌تر به کار رفته است."))
    categories = ExtraCategory.objects.filter(agency=agency).order_by("name")
    context = {"agency": agency, "thanks": thanks, "extra": extra, "categories": categories}
    status = 400 if thanks.errors or extra.errors else 200
    return render(request, "publicrelations/settings.html", context, status=status)
