"""The agency side: secretariat inbox, item page and its steps, unit inbox (R2, R3, R4, R15, R16).

Every view fetches its object for this user first (404 otherwise), checks the role for the step,
and calls one workflow function. A step that cannot happen (someone else acted first) comes
back as a clear message on the item page.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.postgres.search import TrigramSimilarity
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mokatebat.core.edge import parse_instant
from mokatebat.core.http import bad_input_response
from mokatebat.core.identifiers import is_valid_mobile
from mokatebat.core.persian import search_key, to_ascii_digits
from mokatebat.core.tracking import is_valid_tracking_code
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.access import staff_required
from mokatebat.organization.models import Organization, Role, User
from mokatebat.publicrelations.auth import (
    get_anonymised_item,
    identity_visible_to,
    items_with_identity,
    without_hidden_identity,
)

from . import deadlines
from . import staff_forms as f
from . import workflow as wf
from .auth import (
    can_sign_for,
    events_visible_to,
    get_item_for_user,
    get_referral_for_user,
    handed_over_at,
    is_secretariat_for,
    referrals_for_user,
    secretariat_agency_ids,
    secretariat_items,
    unit_ids_of,
)
from .documents import attachment_file_response, pdf_download
from .forms import new_form_nonce, refuse_reused_nonce
from .models import Attachment, Bundle, Item, ItemQuerySet, Referral, ResponseDraft, Status, SubjectCategory

PAGE_SIZE = 50
DUE_SOON_DAYS = 2


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # staff_required ran first
    return request.user


# --- Inboxes -------------------------------------------------------------------------------------


def search_items(items: ItemQuerySet, query: str) -> ItemQuerySet:
    """One box for everything a clerk may type: tracking code, registration number, national or legal
    ID, mobile, or words of the subject and body (normalised, matched through the trigram index)."""
    digits = to_ascii_digits(query).replace("-", "").replace(" ", "")
    if digits.isdigit() and is_valid_tracking_code(digits):
        return items.filter(tracking_code=digits)
    if digits.isdigit() and len(digits) == 10:
        return items.filter(requester__national_id=digits)
    if digits.isdigit() and len(digits) == 11:
        if is_valid_mobile(digits):
            return items.filter(requester__mobile=digits)
        return items.filter(requester__legal_national_id=digits)
    if "/" in query and any(ch.isdigit() for ch in digits):
        return items.filter(registration_number=to_ascii_digits(query.strip()))
    # search_document is already folded by search_key, so a plain LIKE (which the trigram index
    # serves) finds what ILIKE would; ILIKE would bypass the index.
    for word in search_key(query).split():
        items = items.filter(search_document__contains=word)
    return items


def _filtered_inbox(form: f.InboxFilterForm, items: ItemQuerySet, today: datetime.date) -> ItemQuerySet:
    data = form.cleaned_data
    if data.get("status") == f.WAITING_FOR_SECRETARIAT:
        items = items.waiting_for_secretariat()
    elif data.get("status"):
        items = items.filter(status=data["status"])
    for field in ("channel", "kind"):
        if data.get(field):
            items = items.filter(**{field: data[field]})
    if data.get("due"):
        items = items.with_due_state(data["due"], today)
    if data.get("unit"):
        items = items.filter(Q(addressed_unit=data["unit"]) | Q(referrals__unit=data["unit"])).distinct()
    if data.get("date_from"):
        items = items.filter(submitted_at__date__gte=data["date_from"])
    if data.get("date_to"):
        items = items.filter(submitted_at__date__lte=data["date_to"])
    if data.get("q"):
        items = search_items(items, data["q"])
    return items


def _page_after(items: ItemQuerySet, cursor: str) -> ItemQuerySet | None:
    """Keyset pagination on (submitted_at, id): page 500 costs what page 1 costs. None for a cursor
    this page never wrote (a bad date, an out-of-range offset, a huge id)."""
    if not cursor:
        return items
    stamp, _sep, pk = cursor.partition("_")
    try:
        moment = parse_instant(stamp)
        number = int(pk)
    except ValueError:
        return None
    if not 0 < number < 2**63:
        return None
    # The redundant bound lets PostgreSQL start the index walk at the cursor instead of the top.
    after = Q(submitted_at__lt=moment) | Q(submitted_at=moment, pk__lt=number)
    return items.filter(after, submitted_at__lte=moment)


def _page_after_due(items: ItemQuerySet, cursor: str) -> ItemQuerySet | None:
    """Keyset pagination on (answer date, id), soonest first, served by the clock's index. None for a
    cursor this page never wrote."""
    if not cursor:
        return items
    day, _sep, pk = cursor.partition("_")
    try:
        answer_by = datetime.date.fromisoformat(day)
        number = int(pk)
    except ValueError:
        return None
    if not 0 < number < 2**63:
        return None
    after = Q(clock__answer_by__gt=answer_by) | Q(clock__answer_by=answer_by, pk__gt=number)
    return items.filter(after, clock__answer_by__gte=answer_by)


def _inbox_page(items: ItemQuerySet, *, by_due: bool, cursor: str) -> tuple[list[Item], str] | None:
    """One page of the inbox and the cursor of the next, by date received or by answer date; None for
    a cursor this page never wrote."""
    items = items.select_related("agency", "requester", "addressed_unit", "clock")
    if by_due:
        page = _page_after_due(items.order_by("clock__answer_by", "pk"), cursor)
        if page is None:
            return None
        rows = list(page[: PAGE_SIZE + 1])
        last = rows[PAGE_SIZE - 1] if len(rows) > PAGE_SIZE else None
        return rows[:PAGE_SIZE], f"{last.clock.answer_by.isoformat()}_{last.pk}" if last else ""
    page = _page_after(items.order_by("-submitted_at", "-pk"), cursor)
    if page is None:
        return None
    rows = list(page[: PAGE_SIZE + 1])
    last = rows[PAGE_SIZE - 1] if len(rows) > PAGE_SIZE else None
    return rows[:PAGE_SIZE], f"{last.submitted_at.isoformat()}_{last.pk}" if last else ""


@staff_required
@require_GET
def secretariat_inbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    agency_ids = secretariat_agency_ids(user)
    if not agency_ids:
        raise PermissionDenied
    data = request.GET.copy()
    if "status" not in data:  # the page opens on what waits for the secretariat, and says so
        data["status"] = f.WAITING_FOR_SECRETARIAT
    form = f.InboxFilterForm(data, agency_ids=agency_ids)
    items = without_hidden_identity(user, secretariat_items(user))  # the PR desk's items are not the inbox's
    today = timezone.localdate()
    items = _filtered_inbox(form, items, today) if form.is_valid() else items.none()
    by_due = form.is_valid() and form.cleaned_data.get("sort") == "due"
    page = _inbox_page(items, by_due=by_due, cursor=request.GET.get("after", ""))
    if page is None:
        return bad_input_response(request, _("نشانی صفحه بعد درست نیست؛ از اولین صفحه صندوق دوباره شروع کنید."))
    rows, next_cursor = page
    data.pop("after", None)
    return render(
        request,
        "correspondence/staff/inbox.html",
        {
            "form": form,
            "items": [(item, deadlines.due_from_clock(item, today)) for item in rows],
            "next_cursor": next_cursor,
            "query": data.urlencode(),
        },
    )


@staff_required
@require_GET
def unit_inbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not unit_ids_of(user):
        raise PermissionDenied
    show_closed = request.GET.get("show") == "closed"
    form = f.UnitInboxFilterForm(request.GET or None)
    referrals = referrals_for_user(user).select_related(
        "item", "unit", "item__agency", "item__redacted_copy", "item__clock"
    )
    states = [Referral.State.DONE, Referral.State.RETURNED, Referral.State.RE_REFERRED, Referral.State.WITHDRAWN]
    referrals = referrals.filter(state__in=states) if show_closed else referrals.exclude(state__in=states)
    today = timezone.localdate()
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if filters.get("due"):
        referrals = referrals.filter(item__in=Item.objects.with_due_state(filters["due"], today))
    order = ["-created_at"] if filters.get("sort") == "recent" else ["item__clock__answer_by", "deadline", "created_at"]
    rows = [
        {
            "referral": r,
            "due": deadlines.due_from_clock(r.item, today),
            "overdue": bool(r.deadline and r.deadline < today),
            "due_soon": _due_soon(r, today),
        }
        for r in referrals.order_by(*order)[:200]
    ]
    return render(
        request, "correspondence/staff/unit_inbox.html", {"rows": rows, "show_closed": show_closed, "form": form}
    )


def _due_soon(referral: Referral, today: datetime.date) -> bool:
    return bool(referral.deadline and today <= referral.deadline <= today + datetime.timedelta(days=DUE_SOON_DAYS))


# --- The item page -------------------------------------------------------------------------------


def _history(item: Item, user: User) -> ItemQuerySet:
    """The requester's earlier items in this agency (سوابق), by national ID, legal ID or mobile."""
    person = item.requester
    earlier = items_with_identity(user).filter(agency_id=item.agency_id).exclude(pk=item.pk)
    return earlier.of_requester(
        national_id=person.national_id, legal_national_id=person.legal_national_id, mobile=person.mobile
    ).order_by("-submitted_at")[:20]


def _likely_duplicates(item: Item, user: User) -> list[Item]:
    """Same requester, similar text, within 30 days: probably the same letter sent again."""
    person = item.requester
    since = item.submitted_at - datetime.timedelta(days=30)
    candidates = (
        items_with_identity(user)
        .filter(agency_id=item.agency_id, submitted_at__gte=since)
        .exclude(pk=item.pk)
        .of_requester(national_id=person.national_id, legal_national_id=person.legal_national_id, mobile=person.mobile)
    )
    similar = candidates.annotate(similarity=TrigramSimilarity("search_document", item.search_document))
    return list(similar.filter(similarity__gte=0.4).order_by("-similarity")[:5])


def _addressed_unit_id(item: Item) -> str | None:
    unit = item.addressed_unit
    return str(unit.public_id) if unit is not None and unit.is_active else None


def _similar_open_items(item: Item, user: User) -> list[Item]:
    """Open items of this agency with nearly the same text, from anyone: candidates for a bundle."""
    if item.bundle_id is not None or item.status == Status.CLOSED:
        return []
    candidates = (
        items_with_identity(user)
        .filter(agency_id=item.agency_id, bundle__isnull=True)
        .exclude(status=Status.CLOSED)
        .exclude(pk=item.pk)
        .annotate(similarity=TrigramSimilarity("search_document", item.search_document))
    )
    return list(candidates.filter(similarity__gte=0.5).select_related("requester").order_by("-similarity")[:50])


def _timeline(item: Item, user: User) -> list[dict[str, Any]]:
    """Every event this user may read, public and internal, each with the SMS it caused and that
    SMS's delivery state."""
    sms_by_event = {m.dedup_key.split(":")[0]: m for m in OutboxMessage.objects.filter(item=item)}
    events = events_visible_to(user, item).select_related("actor").order_by("occurred_at", "pk")
    return [{"event": e, "sms": sms_by_event.get(str(e.public_id))} for e in events]


def _item_page(request: HttpRequest, item: Item, status: int = 200, **forms: Any) -> HttpResponse:
    user = _user(request)
    secretariat = is_secretariat_for(user, item)
    my_units = unit_ids_of(user)
    # One query for the referral list and the user's own referrals (the page showed two).
    referrals = list(item.referrals.select_related("unit", "parent__unit").order_by("created_at", "pk"))
    my_referrals = [r for r in referrals if r.unit_id in my_units]
    open_referrals = [r for r in my_referrals if r.state in (Referral.State.OPEN, Referral.State.ACCEPTED)]
    # A copy for information is only acknowledged; acting, returning and answering belong to the main unit.
    acting_referrals = [r for r in open_referrals if r.role == Referral.Role.MAIN]
    initial = {"version": item.version}
    # A former agency (it forwarded the item away) sees the receiving agency's inside work no more.
    handed_over = handed_over_at(user, item)
    before = Q() if handed_over is None else Q(created_at__lte=handed_over)
    clock = deadlines.clock_of(item)
    context: dict[str, Any] = {
        "item": item,
        "history": _history(item, user),
        "duplicates": _likely_duplicates(item, user),
        "timeline": _timeline(item, user),
        "referrals": [r for r in referrals if handed_over is None or r.created_at <= handed_over],
        "attachments": item.attachments.filter(Q(event=None) | Q(event__in=events_visible_to(user, item))),
        "responses": item.responses.all(),
        "drafts": item.response_drafts.filter(before)
        .select_related("unit", "author")
        .exclude(state=ResponseDraft.State.ISSUED),
        "secretariat": secretariat,
        "open_referrals": open_referrals,
        "acting_referrals": acting_referrals,
        "signable_units": {u for u in unit_ids_of(user, managers_only=True)},
        "days_waiting": (timezone.now() - item.submitted_at).days,
        "clock": clock,
        "due": deadlines.due_of(item, clock=clock),
    }
    if _may_extend(user, item) and item.status not in (Status.ANSWERED, Status.CLOSED):
        context["extend_form"] = forms.get("extend_form") or f.ExtendDeadlineForm()
    if secretariat and item.status != Status.CLOSED:
        agency = item.agency
        context["similar_items"] = _similar_open_items(item, user)
        context.update(
            classify_form=forms.get("classify_form")
            or f.ClassifyForm(
                agency=agency,
                initial={**initial, "category": item.category, "kind": item.kind, "priority": item.priority}
                | {"confidentiality": item.confidentiality},
            ),
            # The unit the citizen addressed comes preselected; the deadline defaults to the answer date.
            refer_form=forms.get("refer_form")
            or f.ReferForm(
                agency=agency,
                initial={**initial, "unit": _addressed_unit_id(item), "deadline": context["clock"].answer_by},
            ),
            reject_form=forms.get("reject_form") or f.RejectForm(initial=initial),
            forward_form=forms.get("forward_form") or f.ForwardForm(initial=initial),
            close_form=forms.get("close_form") or f.CloseForm(initial=initial),
        )
    if (secretariat or acting_referrals) and item.status != Status.CLOSED:
        context.update(
            action_form=forms.get("action_form") or f.ActionForm(),
            info_form=forms.get("info_form") or f.InfoRequestForm(),
            draft_form=forms.get("draft_form") or f.DraftForm(initial={"body": _editable_draft_body(item, my_units)}),
            sign_form=forms.get("sign_form") or f.SignForm(),
        )
    if acting_referrals:
        agency = item.agency
        context.update(
            return_form=forms.get("return_form") or f.ReturnReferralForm(agency=agency),
            rerefer_form=forms.get("rerefer_form") or f.ReReferForm(agency=agency),
            note_form=forms.get("note_form") or f.NoteForm(),
        )
    return render(request, "correspondence/staff/item.html", context, status=status)


def _editable_draft_body(item: Item, unit_ids: set[int]) -> str:
    draft = item.response_drafts.filter(unit_id__in=unit_ids, state=ResponseDraft.State.DRAFT).first()
    return draft.body if draft else ""


@staff_required
@require_GET
def item_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    try:
        item = get_item_for_user(user, public_id)
    except Http404:
        # The PR desk's item (R19): its redacted copy if PR made one, otherwise nothing.
        anonymised, _copy = get_anonymised_item(user, public_id)
        return redirect("pr-anonymised", public_id=anonymised.public_id)
    return _item_page(request, item)


@staff_required
@require_GET
def attachment_download(request: HttpRequest, public_id: uuid.UUID, attachment_id: uuid.UUID) -> FileResponse:
    item = get_item_for_user(_user(request), public_id)
    attachment = Attachment.objects.filter(item=item, public_id=attachment_id).first()
    if attachment is None:
        raise PermissionDenied
    return attachment_file_response(attachment)


@staff_required
@require_GET
def response_pdf(request: HttpRequest, public_id: uuid.UUID, response_id: uuid.UUID) -> HttpResponse:
    item = get_item_for_user(_user(request), public_id)
    letter = item.responses.filter(public_id=response_id).first()
    if letter is None:
        raise Http404
    letter.item = item
    return pdf_download(letter)


# --- Steps ---------------------------------------------------------------------------------------


def _step(
    request: HttpRequest,
    item: Item,
    form: Any,
    form_name: str,
    perform: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """Validate, perform one workflow step, and come back to the item page with what happened."""
    if not form.is_valid():
        return _item_page(request, item, status=400, **{form_name: form})
    try:
        perform(form.cleaned_data)
    except wf.WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("staff-item", public_id=item.public_id)


def _secretariat_item(request: HttpRequest, public_id: uuid.UUID) -> tuple[User, Item]:
    user = _user(request)
    item = get_item_for_user(user, public_id)
    if not is_secretariat_for(user, item):
        raise PermissionDenied
    return user, item


@staff_required
@require_POST
def item_register(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user, item = _secretariat_item(request, public_id)
    form = f.VersionedForm(request.POST)
    perform = lambda d: wf.item_register(item=item, actor=user, expected_version=d["version"])  # noqa: E731
    return _step(request, item, form, "register_form", perform, _("نامه ثبت شد و به متقاضی پیامک شد."))


@staff_required
@require_POST
def item_classify(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user, item = _secretariat_item(request, public_id)
    form = f.ClassifyForm(request.POST, agency=item.agency)

    def perform(d: dict[str, Any]) -> object:
        return wf.item_classify(
            item=item,
            actor=user,
            category=d["category"],
            kind=d["kind"],
            priority=d["priority"],
            confidentiality=d["confidentiality"],
            expected_version=d["version"],
        )

    response = _step(request, item, form, "classify_form", perform, _("طبقه‌بندی ذخیره شد."))
    if response.status_code == 302 and not identity_visible_to(user, item):
        # Now a suggestion, criticism, complaint or report of an agency with a PR desk: PR's (R19).
        messages.info(request, _("این مورد به ارتباطات مردمی سپرده شد و دیگر در کارتابل دبیرخانه نیست."))
        return redirect("secretariat-inbox")
    return response


@staff_required
@require_POST
def item_refer(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user, item = _secretariat_item(request, public_id)
    form = f.ReferForm(request.POST, agency=item.agency)

    def perform(d: dict[str, Any]) -> object:
        return wf.item_refer(
            item=item,
            actor=user,
            unit=d["unit"],
            copies=list(d["copies"]),
            instruction=d["instruction"],
            deadline=d["deadline"],
            expected_version=d["version"],
        )

    return _step(request, item, form, "refer_form", perform, _("نامه ارجاع شد."))


@staff_required
@require_POST
def item_reject(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user, item = _secretariat_item(request, public_id)
    form = f.RejectForm(request.POST)

    def perform(d: dict[str, Any]) -> object:
        return wf.item_reject(
            item=item, actor=user, reason=d["reason"], where_to_go=d["where_to_go"], expected_version=d["version"]
        )

    return _step(request, item, form, "reject_form", perform, _("نامه به‌عنوان خارج از حیطه بسته شد."))


@staff_required
@require_POST
def item_forward(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user, item = _secretariat_item(request, public_id)
    form = f.ForwardForm(request.POST)

    def perform(d: dict[str, Any]) -> object:
        return wf.item_forward(
            item=item, actor=user, to_agency=d["to_agency"], note=d["note"], expected_version=d["version"]
        )

    if form.is_valid():
        try:
            perform(form.cleaned_data)
        except wf.WorkflowError as error:
            messages.error(request, error.message)
            return redirect("staff-item", public_id=item.public_id)
        messages.success(request, _("نامه به «%(agency)s» فرستاده شد.") % {"agency": form.cleaned_data["to_agency"]})
        return redirect("secretariat-inbox")  # the item now belongs to the other agency's inbox
    return _item_page(request, item, status=400, forward_form=form)


@staff_required
@require_POST
def item_close(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user, item = _secretariat_item(request, public_id)
    form = f.CloseForm(request.POST)

    def perform(d: dict[str, Any]) -> object:
        return wf.item_close(
            item=item, actor=user, resolution=d["resolution"], note=d["note"], expected_version=d["version"]
        )

    return _step(request, item, form, "close_form", perform, _("پرونده مختومه شد."))


def _acting_item(request: HttpRequest, public_id: uuid.UUID) -> tuple[User, Item]:
    """The secretariat, or a unit with an open referral of this item, may act on it."""
    user = _user(request)
    item = get_item_for_user(user, public_id)  # the PR desk's items are answered through PR
    has_open_referral = item.referrals.filter(
        unit_id__in=unit_ids_of(user),
        role=Referral.Role.MAIN,
        state__in=[Referral.State.OPEN, Referral.State.ACCEPTED],
    ).exists()
    if not (is_secretariat_for(user, item) or has_open_referral):
        raise PermissionDenied
    return user, item


@staff_required
@require_POST
def action_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user, item = _acting_item(request, public_id)
    form = f.ActionForm(request.POST)
    perform = lambda d: wf.action_record(item=item, actor=user, text=d["text"], public=d["public"])  # noqa: E731
    return _step(request, item, form, "action_form", perform, _("اقدام ثبت شد."))


@staff_required
@require_POST
def info_request(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user, item = _acting_item(request, public_id)
    form = f.InfoRequestForm(request.POST)
    perform = lambda d: wf.info_request(item=item, actor=user, question=d["question"])  # noqa: E731
    return _step(request, item, form, "info_form", perform, _("پرسش برای متقاضی پیامک شد."))


def _may_extend(user: User, item: Item) -> bool:
    """The manager of the unit responsible for the item (its open referral for action)."""
    return item.referrals.filter(
        unit_id__in=unit_ids_of(user, managers_only=True),
        role=Referral.Role.MAIN,
        state__in=[Referral.State.OPEN, Referral.State.ACCEPTED],
    ).exists()


@staff_required
@require_POST
def deadline_extend(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    item = get_item_for_user(user, public_id)
    if not _may_extend(user, item):
        raise PermissionDenied
    form = f.ExtendDeadlineForm(request.POST)
    perform = lambda d: wf.item_extend_deadline(item=item, actor=user, days=d["days"], reason=d["reason"])  # noqa: E731
    return _step(request, item, form, "extend_form", perform, _("مهلت تمدید شد و تاریخ تازه برای متقاضی پیامک شد."))


@staff_required
@require_POST
def draft_save(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user, item = _acting_item(request, public_id)
    form = f.DraftForm(request.POST)
    referral = item.referrals.filter(unit_id__in=unit_ids_of(user)).order_by("-created_at").first()
    unit = referral.unit if referral else item.addressed_unit
    # One editable draft per unit: saving again (e.g. after the manager sent it back) rewrites it.
    draft = item.response_drafts.filter(unit=unit, state=ResponseDraft.State.DRAFT).first() if unit else None
    if unit is None:
        messages.error(request, _("پاسخ را واحدی می‌نویسد که نامه به آن ارجاع شده است."))
        return redirect("staff-item", public_id=item.public_id)

    def perform(d: dict[str, Any]) -> object:
        saved = wf.response_draft_save(item=item, actor=user, unit=unit, body=d["body"], draft=draft)
        if request.POST.get("submit_for_signature"):
            wf.response_draft_submit(draft=saved, actor=user)
        return saved

    return _step(request, item, form, "draft_form", perform, _("پیش‌نویس پاسخ ذخیره شد."))


def _draft_for_signer(request: HttpRequest, public_id: uuid.UUID, draft_id: uuid.UUID) -> tuple[User, Item, Any]:
    user = _user(request)
    item = get_item_for_user(user, public_id)
    draft = item.response_drafts.select_related("unit").filter(public_id=draft_id).first()
    if draft is None or not can_sign_for(user, draft.unit):
        raise PermissionDenied
    return user, item, draft


@staff_required
@require_POST
def draft_sign(request: HttpRequest, public_id: uuid.UUID, draft_id: uuid.UUID) -> HttpResponse:
    user, item, draft = _draft_for_signer(request, public_id, draft_id)
    form = f.SignForm(request.POST)
    perform = lambda d: wf.response_sign_and_issue(draft=draft, actor=user, signer_title=d["signer_title"])  # noqa: E731
    return _step(request, item, form, "sign_form", perform, _("پاسخ امضا و صادر شد و به متقاضی پیامک شد."))


@staff_required
@require_POST
def draft_send_back(request: HttpRequest, public_id: uuid.UUID, draft_id: uuid.UUID) -> HttpResponse:
    user, item, draft = _draft_for_signer(request, public_id, draft_id)
    form = f.NoteForm(request.POST)
    perform = lambda d: wf.response_draft_send_back(draft=draft, actor=user, note=d["note"])  # noqa: E731
    return _step(request, item, form, "note_form", perform, _("پیش‌نویس برای اصلاح برگشت داده شد."))


# --- Referral steps (the unit's side) ------------------------------------------------------------


def _referral_step(
    request: HttpRequest, referral_id: uuid.UUID, form_name: str, make_form: Callable[[Referral], Any], run: Any
) -> HttpResponse:
    user = _user(request)
    referral = get_referral_for_user(user, referral_id)
    form = make_form(referral)
    item = get_item_for_user(user, referral.item.public_id)
    return _step(request, item, form, form_name, lambda d: run(user, referral, d), _("انجام شد."))


@staff_required
@require_POST
def referral_accept(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    return _referral_step(
        request,
        referral_id,
        "accept_form",
        lambda r: f.PersianForm(request.POST),
        lambda user, r, d: wf.referral_accept(referral=r, actor=user),
    )


@staff_required
@require_POST
def referral_return(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    return _referral_step(
        request,
        referral_id,
        "return_form",
        lambda r: f.ReturnReferralForm(request.POST, agency=r.item.agency),
        lambda user, r, d: wf.referral_return(
            referral=r, actor=user, reason=d["reason"], competent_unit=d["competent_unit"]
        ),
    )


@staff_required
@require_POST
def referral_rerefer(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    return _referral_step(
        request,
        referral_id,
        "rerefer_form",
        lambda r: f.ReReferForm(request.POST, agency=r.item.agency),
        lambda user, r, d: wf.referral_rerefer(
            referral=r, actor=user, unit=d["unit"], instruction=d["instruction"], deadline=d["deadline"]
        ),
    )


@staff_required
@require_POST
def referral_to_secretariat(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    return _referral_step(
        request,
        referral_id,
        "note_form",
        lambda r: f.NoteForm(request.POST),
        lambda user, r, d: wf.referral_return_to_secretariat(referral=r, actor=user, note=d["note"]),
    )


# --- Letters handed in at the secretariat or received by post (R4) -------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def received_letter_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    agency_ids = secretariat_agency_ids(user)
    if not agency_ids:
        raise PermissionDenied
    if request.method == "POST":
        form = f.ReceivedLetterForm(request.POST, request.FILES, agency_ids=agency_ids)
        try:
            item = _register_received_letter(user, form) if form.is_valid() else None
        except wf.IdempotencyKeyReused as error:
            refuse_reused_nonce(form, error)
            item = None
        if item is not None:
            if not identity_visible_to(user, item):
                # The PR desk's from now on (R19): the person at the desk gets the receipt here and now,
                # since the item will not open for this clerk again.
                context = {"item": item, "pr_desk": True}
                return render(request, "correspondence/staff/receipt.html", context)
            return redirect("staff-item-receipt", public_id=item.public_id)
        form.remember_uploads()
        status = 400
    else:
        agency_code = None
        if len(agency_ids) == 1:
            agency_code = Organization.objects.filter(pk__in=agency_ids).values_list("code", flat=True).first()
        form = f.ReceivedLetterForm(initial={"nonce": new_form_nonce(), "agency": agency_code}, agency_ids=agency_ids)
        status = 200
    return render(request, "correspondence/staff/received_new.html", {"form": form}, status=status)


def _register_received_letter(user: User, form: f.ReceivedLetterForm) -> Item:
    """Tracking code and registration number in one go: the applicant leaves with both."""
    data = form.cleaned_data
    received_on = data.get("received_on")
    now = timezone.now()
    # The form refuses future dates; today's letter keeps the moment it was registered.
    at = now if received_on is None or received_on >= timezone.localdate() else _noon(received_on)
    with transaction.atomic():
        item, created = wf.item_submit(
            agency=data["agency"],
            unit=data["unit"],
            kind=data["kind"],
            channel=data["channel"],
            subject=data["subject"],
            body=data["body"],
            requester=form.requester_details(),
            uploads=form.checked_uploads,
            kept_uploads=form.kept_uploads(),
            idempotency_key=f"form:{data['nonce']}",
            created_by=user,
            at=at,
            notify=False,  # the registration SMS below carries the tracking code, number and date
        )
        if created:
            item = wf.item_register(item=item, actor=user, at=now)
    return item


def _noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


@staff_required
@require_GET
def item_receipt(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    item = get_item_for_user(_user(request), public_id)
    return render(request, "correspondence/staff/receipt.html", {"item": item})


# --- Bundles: many letters on one subject, handled once ------------------------------------------


@staff_required
@require_POST
def bundle_create(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user, item = _secretariat_item(request, public_id)
    chosen = request.POST.getlist("items")
    others = list(items_with_identity(user).filter(agency_id=item.agency_id, public_id__in=chosen[:5000]))
    title = (request.POST.get("title") or item.subject).strip()[:200]
    try:
        bundle = wf.bundle_create(agency=item.agency, actor=user, title=title, items=[item, *others])
    except wf.WorkflowError as error:
        messages.error(request, error.message)
        return redirect("staff-item", public_id=item.public_id)
    return redirect("staff-bundle", public_id=bundle.public_id)


def _get_bundle_for_user(user: User, public_id: uuid.UUID) -> Bundle:
    bundle = Bundle.objects.filter(public_id=public_id, agency_id__in=secretariat_agency_ids(user)).first()
    if bundle is None:
        raise Http404
    return bundle


@staff_required
@require_http_methods(["GET", "POST"])
def bundle_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    bundle = _get_bundle_for_user(user, public_id)
    form = f.BundleAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        responses = wf.bundle_answer(
            bundle=bundle,
            actor=user,
            body=form.cleaned_data["body"],
            unit=None,
            signer_title=form.cleaned_data["signer_title"],
        )
        messages.success(request, _("پاسخ برای %(count)s متقاضی صادر و پیامک شد.") % {"count": len(responses)})
        return redirect("staff-bundle", public_id=bundle.public_id)
    items = bundle.items.select_related("requester").order_by("submitted_at")
    return render(request, "correspondence/staff/bundle.html", {"bundle": bundle, "items": items, "form": form})


# --- The agency's subject taxonomy, kept by its own admin -------------------------------------------


def _admin_agency(user: User) -> Organization:
    agency = Organization.objects.filter(
        memberships__user=user, memberships__role=Role.AGENCY_ADMIN, memberships__is_active=True
    ).first()
    if agency is None:
        raise PermissionDenied
    return agency


@staff_required
@require_http_methods(["GET", "POST"])
def categories(request: HttpRequest) -> HttpResponse:
    agency = _admin_agency(_user(request))
    form = f.CategoryForm(request.POST or None, agency=agency)
    if request.method == "POST" and "toggle" in request.POST:
        toggle = request.POST.get("toggle", "")
        category = SubjectCategory.objects.filter(agency=agency, pk=int(toggle) if toggle.isdigit() else 0).first()
        if category is None:
            raise Http404
        category.is_active = not category.is_active  # categories are never deleted: classified items keep them
        category.save(update_fields=["is_active"])
        return redirect("staff-categories")
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("موضوع افزوده شد."))
        return redirect("staff-categories")
    rows = SubjectCategory.objects.filter(agency=agency).select_related("parent").order_by("parent__name", "name")
    context = {"agency": agency, "form": form, "categories": rows}
    return render(request, "correspondence/staff/categories.html", context, status=400 if form.errors else 200)
