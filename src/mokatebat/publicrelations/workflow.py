"""Every public-relations step (R17–R20). Each is one transaction that appends to the item's timeline
and queues the citizen's SMS with it, built on the item steps of ``correspondence.workflow``."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import pikepdf
import pypdfium2
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mokatebat.core.jalali import format_jalali_date, format_jalali_datetime
from mokatebat.core.persian import to_ascii_digits
from mokatebat.correspondence import workflow as wf
from mokatebat.correspondence.models import (
    Attachment,
    Channel,
    EventKind,
    Item,
    ItemEvent,
    Kind,
    Referral,
    Resolution,
    Response,
    Status,
)

# The item-level helpers (lock, bump, event, SMS) are shared on purpose: PR steps must leave the
# timeline and the outbox exactly as the letter steps do.
from mokatebat.correspondence.workflow import WorkflowError, _bump, _event, _locked, _notify, _require
from mokatebat.notifications.outbox import queue_sms
from mokatebat.organization.models import Organization, Unit, User

from .auth import can_reveal
from .filecleaning import Region, clean_copy, neutral_name
from .models import (
    ABOUT_WHOM_KINDS,
    DEFAULT_THANKS,
    DEFAULT_THANKS_OTHER,
    FEEDBACK_KINDS,
    PR_KINDS,
    WEEKEND_SLOT_MESSAGE,
    Decision,
    ExtraCategory,
    GuidanceRecord,
    IdentityReveal,
    Meeting,
    MeetingSlot,
    PrCase,
    RedactedAttachment,
    RedactedCopy,
    ThankYouText,
    falls_on_weekend,
)
from .redaction import Identity, redact


def requester_identity(item: Item) -> Identity:
    """Everything about this requester that must not reach a unit, for ``redaction.redact``."""
    person = item.requester
    names = tuple(n for n in (person.full_name, person.legal_name) if n)
    phrases = tuple(p for p in (person.address,) if p)
    return Identity(names=names, phrases=phrases)


def case_of(item: Item) -> PrCase:
    case, _created = PrCase.objects.get_or_create(item=item)
    return case


# --- Classification and decision (R18, R19) ---------------------------------------------------------


def pr_classify(
    *,
    item: Item,
    actor: User,
    kind: str,
    extra_category: ExtraCategory | None = None,
    about_unit: Unit | None = None,
    about_text: str = "",
    expected_version: int | None = None,
) -> PrCase:
    """Set the PR kind (and the agency's extra category, about whom); a meeting request gets its meeting."""
    _require(kind in PR_KINDS, _("این نوع در حوزه ارتباطات مردمی نیست."))
    with transaction.atomic():
        item = wf.item_classify(
            item=item,
            actor=actor,
            category=item.category,
            kind=kind,
            priority=item.priority,
            confidentiality=item.confidentiality,
            expected_version=expected_version,
        )
        case = case_of(item)
        _require(not case.decision, _("برای این مورد پیش‌تر تصمیم گرفته شده است."))
        case.extra_category = extra_category
        case.about_unit = about_unit
        case.about_text = about_text
        case.save(update_fields=["extra_category", "about_unit", "about_text"])
        if kind == Kind.MEETING_REQUEST:
            Meeting.objects.get_or_create(item=item)
    return case


def thank_you_text(agency: Organization, kind: str, extra: ExtraCategory | None = None) -> str:
    """The agency's own text for this kind (or extra category), else the default."""
    keys = [extra.code, kind] if extra else [kind]
    for key in keys:
        own = ThankYouText.objects.filter(agency=agency, kind=key).values_list("text", flat=True).first()
        if own:
            return own
    return DEFAULT_THANKS.get(kind, DEFAULT_THANKS_OTHER)


def _registered(item: Item, actor: User, at: datetime.datetime) -> Item:
    """Every item past submission carries its registration number (R2), PR items too: registered on
    PR's first decision, with the citizen's SMS, unless it already was."""
    return item if item.is_registered else wf.item_register(item=item, actor=actor, at=at)


def _close(
    item: Item, *, actor: User | None, at: datetime.datetime, resolution: str, template: str, **sms: str
) -> None:
    """Close the (locked) item with its own SMS instead of the generic 'closed' one."""
    item.status = Status.CLOSED
    item.resolution = resolution
    _bump(item, "status", "resolution")
    item.referrals.filter(state__in=[Referral.State.OPEN, Referral.State.ACCEPTED]).update(
        state=Referral.State.DONE, is_active=False, closed_at=at
    )
    event = _event(item, EventKind.CLOSED, at=at, actor=actor, resolution=resolution)
    _notify(item, event, template, tracking_code=item.tracking_code, **sms)


def pr_close_no_action(
    *, item: Item, actor: User, expected_version: int | None = None, at: datetime.datetime | None = None
) -> Item:
    """«نیاز به اقدام ندارد»: the item closes and the citizen is thanked by SMS (R19)."""
    at = at or timezone.now()
    with transaction.atomic():
        item = _locked(item, expected_version)
        _require(item.kind in FEEDBACK_KINDS, _("این تصمیم برای پیشنهاد، انتقاد، شکایت یا گزارش است."))
        _require(item.status != Status.CLOSED, _("این مورد مختومه است."))
        case = case_of(item)
        _require(not case.decision, _("برای این مورد پیش‌تر تصمیم گرفته شده است."))
        case.decision, case.decided_by, case.decided_at = Decision.NO_ACTION, actor, at
        case.save(update_fields=["decision", "decided_by", "decided_at"])
        _event(item, EventKind.PR_DECIDED, at=at, actor=actor, public=False, decision=Decision.NO_ACTION)
        message = thank_you_text(item.agency, item.kind, case.extra_category)
        item = _registered(item, actor, at)
        _close(item, actor=actor, at=at, resolution=Resolution.NO_ACTION_NEEDED, template="pr_thanks", message=message)
    return item


@dataclass(frozen=True)
class SharedAttachment:
    """A file the expert looked at (its preview) and confirmed, with the regions to cover in it."""

    attachment: Attachment
    regions: Sequence[Region] = ()


def _share_cleaned(
    copy: RedactedCopy, shared: SharedAttachment, index: int, actor: User, at: datetime.datetime
) -> None:
    """Store the cleaned copy the unit gets: neutral name, no metadata, covered regions painted over."""
    original = shared.attachment
    with original.file.open("rb") as handle:
        data = handle.read()
    try:
        cleaned = clean_copy(data, original.content_type, list(shared.regions))
    except (pikepdf.PdfError, pypdfium2.PdfiumError, OSError, ValueError) as error:
        raise WorkflowError(
            _("پرونده «%(name)s» خوانده نشد و نسخه پاک‌شده‌ای از آن ساخته نشد؛ آن را نفرستید.")
            % {"name": original.original_name}
        ) from error
    name = neutral_name(index, original.content_type)
    row = RedactedAttachment(
        copy=copy,
        attachment=original,
        display_name=name,
        content_type=original.content_type,
        sha256=hashlib.sha256(cleaned).hexdigest(),
        covered_regions=[asdict(r) for r in shared.regions],
        reviewed_by=actor,
        reviewed_at=at,
    )
    row.file.save(name, ContentFile(cleaned), save=False)
    row.save()


def pr_refer_anonymised(
    *,
    item: Item,
    actor: User,
    unit: Unit,
    subject: str,
    body: str,
    attachments: Sequence[SharedAttachment] = (),
    instruction: str = "",
    deadline: datetime.date | None = None,
    expected_version: int | None = None,
    at: datetime.datetime | None = None,
) -> RedactedCopy:
    """«نیاز به اقدام دارد»: store the reviewed redacted copy and refer the item to the unit (R19).

    What the expert approved is redacted once more: editing can remove more, never put an
    identifier back. The citizen gets the usual «ارجاع شد» SMS from the referral step.
    """
    at = at or timezone.now()
    with transaction.atomic():
        item = _locked(item, expected_version)
        _require(item.kind in FEEDBACK_KINDS, _("این تصمیم برای پیشنهاد، انتقاد، شکایت یا گزارش است."))
        _require(item.status != Status.CLOSED, _("این مورد مختومه است."))
        case = case_of(item)
        _require(not case.decision, _("برای این مورد پیش‌تر تصمیم گرفته شده است."))
        identity = requester_identity(item)
        subject, body = redact(subject.strip(), identity), redact(body.strip(), identity)
        _require(bool(subject) and bool(body), _("موضوع و متن نسخه بی‌نام‌شده را بنویسید."))
        copy = RedactedCopy.objects.create(item=item, subject=subject, body=body, created_by=actor, created_at=at)
        for index, shared in enumerate(attachments, 1):
            _require(shared.attachment.item_id == item.pk, _("پیوست از این مورد نیست."))
            _share_cleaned(copy, shared, index, actor, at)
        case.decision, case.decided_by, case.decided_at = Decision.ACTION, actor, at
        case.save(update_fields=["decision", "decided_by", "decided_at"])
        _event(item, EventKind.PR_DECIDED, at=at, actor=actor, public=False, decision=Decision.ACTION)
        _event(item, EventKind.ANONYMISED, at=at, actor=actor, public=False, unit=unit.name)
        item = _registered(item, actor, at)
        instruction = redact(instruction, identity)
        wf.item_refer(item=item, actor=actor, unit=unit, instruction=instruction, deadline=deadline, at=at)
    return copy


def _hand_back_to_pr(
    referral: Referral, *, actor: User, state: str, kind: EventKind, note: str, at: datetime.datetime, **fields: object
) -> tuple[Referral, ItemEvent]:
    """Close the unit's open referral for action in ``state`` and put the item back in PR's hands,
    with the internal step that says why. Inside the caller's transaction."""
    item = _locked(referral.item, None)
    referral = Referral.objects.select_for_update().select_related("unit").get(pk=referral.pk)
    _require(
        referral.state in (Referral.State.OPEN, Referral.State.ACCEPTED) and referral.role == Referral.Role.MAIN,
        _("این ارجاع دیگر باز نیست."),
    )
    referral.state, referral.is_active, referral.closed_at = state, False, at
    for name, value in fields.items():
        setattr(referral, name, value)
    referral.save(update_fields=["state", "is_active", "closed_at", *fields])
    item.status = Status.REGISTERED  # back in PR's hands
    _bump(item, "status")
    event = _event(item, kind, at=at, actor=actor, public=False, note=note, unit=referral.unit.name)
    return referral, event


def unit_answer_to_pr(*, referral: Referral, actor: User, text: str, at: datetime.datetime | None = None) -> ItemEvent:
    """The unit reports what it did on an anonymised item; the answer goes to PR, not to the citizen."""
    text = text.strip()
    _require(bool(text), _("گزارش اقدام واحد را بنویسید."))
    with transaction.atomic():
        at = at or timezone.now()
        _referral, event = _hand_back_to_pr(
            referral, actor=actor, state=Referral.State.DONE, kind=EventKind.ANSWER_TO_PR, note=text, at=at
        )
    return event


def unit_return_to_pr(*, referral: Referral, actor: User, reason: str, competent_unit: Unit | None = None) -> Referral:
    """«برگشت» on an anonymised item: not this unit's business. It goes back to the PR desk that referred
    it, never to the secretariat (which does not see the PR desk's items); PR refers the copy again or
    answers the citizen, so the step is internal and the citizen hears from PR."""
    reason = reason.strip()
    _require(bool(reason) or competent_unit is not None, _("واحد صالح را نام ببرید یا دلیل برگشت را بنویسید."))
    if not RedactedCopy.objects.filter(item_id=referral.item_id).exists():  # a copy, once made, stays
        raise ValueError("only an anonymised referral goes back to PR")
    detail = reason or _("واحد صالح: %(unit)s") % {"unit": competent_unit.name if competent_unit else ""}
    with transaction.atomic():
        referral, _event_row = _hand_back_to_pr(
            referral,
            actor=actor,
            state=Referral.State.RETURNED,
            kind=EventKind.REFERRAL_RETURNED,
            note=detail,
            at=timezone.now(),
            return_reason=reason,
            suggested_unit=competent_unit,
        )
    return referral


def pr_refer_again(
    *,
    item: Item,
    actor: User,
    unit: Unit,
    instruction: str = "",
    deadline: datetime.date | None = None,
    expected_version: int | None = None,
) -> Referral:
    """The same anonymised copy to another unit (or the same one again), after a unit returned it or
    reported; the citizen gets the usual «ارجاع شد» SMS."""
    at = timezone.now()
    with transaction.atomic():
        item = _locked(item, expected_version)
        _require(item.status != Status.CLOSED, _("این مورد مختومه است."))
        _require(RedactedCopy.objects.filter(item=item).exists(), _("این مورد نسخه بی‌نام‌شده ندارد."))
        _event(item, EventKind.ANONYMISED, at=at, actor=actor, public=False, unit=unit.name)
        instruction = redact(instruction, requester_identity(item))
        return wf.item_refer(item=item, actor=actor, unit=unit, instruction=instruction, deadline=deadline, at=at)


def pr_answer_citizen(*, item: Item, actor: User, body: str, at: datetime.datetime | None = None) -> Response:
    """PR issues the agency's answer to the citizen (numbered, verifiable, SMS), e.g. after the unit's report."""
    _require(item.status != Status.CLOSED, _("این مورد مختومه است."))
    return wf.response_issue(item=item, actor=actor, body=body, at=at)


def identity_reveal(*, item: Item, actor: User, reason: str) -> IdentityReveal:
    """Show an anonymised item's requester to someone allowed to see it, with the reason on the history."""
    reason = reason.strip()
    if not can_reveal(actor, item):
        raise WorkflowError(_("نقش شما اجازه دیدن هویت متقاضی را ندارد."))
    _require(len(reason) >= 10, _("دلیل دیدن هویت متقاضی را کامل بنویسید."))
    with transaction.atomic():
        item = _locked(item, None)
        reveal = IdentityReveal.objects.create(item=item, user=actor, reason=reason)
        _event(item, EventKind.IDENTITY_REVEALED, at=reveal.revealed_at, actor=actor, public=False, note=reason)
    return reveal


# --- Intake (R17) --------------------------------------------------------------------------------------


def guidance_record(
    *,
    agency: Organization,
    actor: User,
    channel: str,
    topic: str,
    category: str,
    duration_minutes: int,
    outcome: str = GuidanceRecord.Outcome.GUIDED,
    transferred_to: Unit | None = None,
    requester_name: str = "",
    requester_mobile: str = "",
    idempotency_key: str | None = None,
) -> GuidanceRecord:
    """A visit or call that needed no registration: counted, not tracked."""
    if outcome == GuidanceRecord.Outcome.TRANSFERRED:
        _require(transferred_to is not None, _("واحدی را که تماس به آن وصل شد انتخاب کنید."))
    if transferred_to is not None and transferred_to.organization_id != agency.pk:
        raise ValueError("a call is transferred within its own agency")
    if idempotency_key:
        existing = GuidanceRecord.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            return GuidanceRecord.objects.create(
                agency=agency,
                channel=channel,
                outcome=outcome,
                transferred_to=transferred_to if outcome == GuidanceRecord.Outcome.TRANSFERRED else None,
                topic=topic,
                category=category,
                duration_minutes=duration_minutes,
                requester_name=requester_name,
                requester_mobile=requester_mobile,
                recorded_by=actor,
                idempotency_key=idempotency_key,
            )
    except IntegrityError:
        existing = GuidanceRecord.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing


def intake_register(
    *,
    agency: Organization,
    actor: User,
    channel: str,
    kind: str,
    subject: str,
    body: str,
    requester: wf.RequesterDetails,
    about_unit: Unit | None = None,
    about_text: str = "",
    idempotency_key: str | None = None,
) -> tuple[Item, bool]:
    """A visit or call registered as an item on the citizen's behalf: tracking code by SMS (R17)."""
    _require(kind in PR_KINDS, _("این نوع در حوزه ارتباطات مردمی نیست."))
    _require(channel in (Channel.IN_PERSON, Channel.PHONE), _("روش دریافت نادرست است."))
    with transaction.atomic():
        item, created = wf.item_submit(
            agency=agency,
            unit=None,
            kind=kind,
            channel=channel,
            subject=subject,
            body=body,
            requester=requester,
            idempotency_key=idempotency_key,
            created_by=actor,
        )
        if created:
            PrCase.objects.create(item=item, about_unit=about_unit, about_text=about_text)
            if kind == Kind.MEETING_REQUEST:
                Meeting.objects.create(item=item)
    return item, created


def pr_received_online(item: Item, about_unit: Unit | None, about_text: str) -> PrCase | None:
    """An item from the public form: PR kinds get their case (about whom) and, for a meeting request,
    its place in the head's office. Other kinds are none of PR's business."""
    if item.kind not in PR_KINDS:
        return None
    about: dict[str, object] = {}
    if item.kind in ABOUT_WHOM_KINDS:
        # Written with the new case (an INSERT), not by an UPDATE after it: one query less per submission.
        about_unit = about_unit if about_unit and about_unit.organization_id == item.agency_id else None
        about = {"about_unit": about_unit, "about_text": about_text}
    case, _created = PrCase.objects.get_or_create(item=item, defaults=about)
    if item.kind == Kind.MEETING_REQUEST:
        Meeting.objects.get_or_create(item=item)
    return case


# --- Public meetings (R20) -------------------------------------------------------------------------------


def _slot_sms(slot: MeetingSlot) -> dict[str, str]:
    local = timezone.localtime(slot.starts_at)
    return {
        "date": to_ascii_digits(format_jalali_date(local)),
        "time": f"{local.hour:02d}:{local.minute:02d}",
        "place": slot.place,
    }


def _when(slot: MeetingSlot) -> str:
    """«۱۴۰۵/۰۹/۰۴ ساعت ۱۰:۰۰ — دفتر ریاست» for the citizen's tracking page."""
    return f"{format_jalali_datetime(slot.starts_at)} — {slot.place}"


def _locked_meeting(meeting: Meeting, *states: str) -> tuple[Item, Meeting]:
    item = _locked(meeting.item, None)
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("slot").get(pk=meeting.pk)
    _require(meeting.state in states, _("این ملاقات در وضعیتی نیست که این کار روی آن انجام شود."))
    return item, meeting


def _book(meeting: Meeting, slot: MeetingSlot, item: Item) -> None:
    """Take the slot; PostgreSQL's partial unique index refuses a second booking of the same slot."""
    _require(slot.agency_id == item.agency_id and slot.is_active, _("این وقت در تقویم ملاقات‌ها نیست."))
    _require(slot.starts_at > timezone.now(), _("این وقت گذشته است."))
    _require(not falls_on_weekend(slot.starts_at), str(WEEKEND_SLOT_MESSAGE))
    meeting.slot = slot
    meeting.state = Meeting.State.SCHEDULED
    try:
        with transaction.atomic():
            meeting.save(update_fields=["slot", "state", "updated_at"])
    except IntegrityError as error:
        raise WorkflowError(_("این وقت را همکار دیگری هم‌اکنون به ملاقات دیگری داد. وقت دیگری انتخاب کنید.")) from error


def meeting_schedule(*, meeting: Meeting, actor: User, slot: MeetingSlot) -> Meeting:
    """Approve the meeting at a free time of the head's calendar; SMS with date, time and place."""
    with transaction.atomic():
        item, meeting = _locked_meeting(meeting, Meeting.State.REQUESTED)
        _book(meeting, slot, item)
        _bump(item)
        event = _event(item, EventKind.MEETING_SCHEDULED, at=timezone.now(), actor=actor, note=_when(slot))
        _notify(item, event, "meeting_scheduled", tracking_code=item.tracking_code, **_slot_sms(slot))
    return meeting


def meeting_reschedule(*, meeting: Meeting, actor: User, slot: MeetingSlot) -> Meeting:
    with transaction.atomic():
        item, meeting = _locked_meeting(meeting, Meeting.State.SCHEDULED)
        _require(slot.pk != meeting.slot_id, _("ملاقات هم‌اکنون در همین وقت است."))
        meeting.reminded_slot = None
        meeting.save(update_fields=["reminded_slot", "updated_at"])
        _book(meeting, slot, item)
        _bump(item)
        event = _event(item, EventKind.MEETING_SCHEDULED, at=timezone.now(), actor=actor, note=_when(slot))
        _notify(item, event, "meeting_rescheduled", tracking_code=item.tracking_code, **_slot_sms(slot))
    return meeting


def meeting_cancel(*, meeting: Meeting, actor: User, reason: str) -> Meeting:
    """Cancel a scheduled meeting (the slot is free again); the citizen hears by SMS."""
    _require(bool(reason.strip()), _("دلیل لغو را بنویسید."))
    return _meeting_end(meeting, actor, reason, Meeting.State.SCHEDULED, Meeting.State.CANCELLED, "meeting_cancelled")


def meeting_reject(*, meeting: Meeting, actor: User, reason: str) -> Meeting:
    _require(bool(reason.strip()), _("دلیل رد درخواست را برای متقاضی بنویسید."))
    return _meeting_end(meeting, actor, reason, Meeting.State.REQUESTED, Meeting.State.REJECTED, "meeting_rejected")


def _meeting_end(meeting: Meeting, actor: User, reason: str, from_state: str, to_state: str, template: str) -> Meeting:
    """A meeting that will not take place closes its item; the citizen gets the reason by SMS."""
    reason = reason.strip()
    kind = EventKind.MEETING_CANCELLED if to_state == Meeting.State.CANCELLED else EventKind.MEETING_REJECTED
    at = timezone.now()
    with transaction.atomic():
        item, meeting = _locked_meeting(meeting, from_state)
        meeting.state, meeting.reason = to_state, reason
        meeting.save(update_fields=["state", "reason", "updated_at"])
        item = _registered(item, actor, at)
        item.status, item.resolution = Status.CLOSED, Resolution.NO_ACTION_NEEDED
        _bump(item, "status", "resolution")
        event = _event(item, kind, at=at, actor=actor, note=reason)
        _notify(item, event, template, tracking_code=item.tracking_code, reason=reason)
    return meeting


def meeting_redirect(*, meeting: Meeting, actor: User, unit: Unit, instruction: str) -> Referral:
    """The need is better met by the competent unit: the request becomes a referral (its SMS says so)."""
    with transaction.atomic():
        item, meeting = _locked_meeting(meeting, Meeting.State.REQUESTED)
        meeting.state, meeting.reason = Meeting.State.REDIRECTED, instruction
        meeting.save(update_fields=["state", "reason", "updated_at"])
        item = _registered(item, actor, timezone.now())
        return wf.item_refer(item=item, actor=actor, unit=unit, instruction=instruction)


def meeting_record_outcome(
    *, meeting: Meeting, actor: User, note: str, follow_ups: Sequence[tuple[Unit, str]] = ()
) -> Meeting:
    """After the meeting: referrals with the head's instructions, or the «no further action» SMS (R20)."""
    at = timezone.now()
    with transaction.atomic():
        item, meeting = _locked_meeting(meeting, Meeting.State.SCHEDULED)
        _require(
            meeting.slot is not None and meeting.slot.starts_at <= at,
            _("ملاقات هنوز برگزار نشده است؛ نتیجه را پس از زمان ملاقات ثبت کنید."),
        )
        meeting.state = Meeting.State.HELD
        meeting.outcome = Meeting.Outcome.FOLLOW_UP if follow_ups else Meeting.Outcome.NO_ACTION
        meeting.outcome_note = note
        meeting.save(update_fields=["state", "outcome", "outcome_note", "updated_at"])
        # The citizen's timeline says the meeting took place; the head's notes stay inside.
        _event(item, EventKind.MEETING_HELD, at=at, actor=actor)
        _event(item, EventKind.MEETING_HELD, at=at, actor=actor, public=False, note=note, outcome=meeting.outcome)
        item = _registered(item, actor, at)
        if not follow_ups:
            _close(item, actor=actor, at=at, resolution=Resolution.NO_ACTION_NEEDED, template="meeting_no_action")
            return meeting
        main_unit, main_instruction = follow_ups[0]
        wf.item_refer(
            item=item,
            actor=actor,
            unit=main_unit,
            instruction=main_instruction,
            copies=[unit for unit, _text in follow_ups[1:]],
        )
        for unit, text in follow_ups[1:]:
            # Each further unit gets its own instruction on its copy of the referral.
            item.referrals.filter(unit=unit, role=Referral.Role.COPY, instruction="").update(instruction=text)
    return meeting


def queue_meeting_reminders(*, now: datetime.datetime | None = None) -> int:
    """Queue the reminder SMS for tomorrow's meetings, once per appointment (safe to run every few minutes)."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + datetime.timedelta(days=1)
    due = Meeting.objects.filter(state=Meeting.State.SCHEDULED, slot__starts_at__date=tomorrow).exclude(
        reminded_slot=F("slot")
    )
    count = 0
    for meeting_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            meeting = (
                Meeting.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("slot")
                .filter(pk=meeting_id)
                .first()
            )
            if (
                meeting is None
                or meeting.state != Meeting.State.SCHEDULED
                or meeting.reminded_slot_id == meeting.slot_id
            ):
                continue
            item = Item.objects.select_related("agency", "requester").get(pk=meeting.item_id)
            slot = meeting.slot
            assert slot is not None  # scheduled meetings have a slot
            queue_sms(
                dedup_key=f"meeting-reminder:{meeting.public_id}:{slot.public_id}",
                template="meeting_reminder",
                mobile=item.requester.mobile,
                context={"agency": item.agency.short_name or item.agency.name, "tracking_code": item.tracking_code}
                | _slot_sms(slot),
                item=item,
            )
            meeting.reminded_slot = slot
            meeting.save(update_fields=["reminded_slot", "updated_at"])
            count += 1
    return count
