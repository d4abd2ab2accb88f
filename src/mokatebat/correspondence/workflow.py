"""Every state change of an item. Each function is one transaction that appends to the item's
timeline and queues the citizen's SMS through the outbox, so a step and its SMS exist together."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mokatebat.citizens.models import Requester
from mokatebat.core.html import sanitize_letter_html
from mokatebat.core.jalali import format_jalali_date, jalali_year
from mokatebat.core.persian import search_key, to_ascii_digits, to_persian_digits
from mokatebat.core.tracking import new_tracking_code
from mokatebat.notifications.messages import SMS_TEMPLATES
from mokatebat.notifications.outbox import queue_sms
from mokatebat.organization.models import Organization, Unit, User
from mokatebat.surveys.workflow import survey_offer

from . import deadlines
from .models import (
    Attachment,
    Bundle,
    Channel,
    EventKind,
    Forwarding,
    InfoRequest,
    Item,
    ItemClock,
    ItemEvent,
    Kind,
    PendingUpload,
    Referral,
    RegisterCounter,
    Resolution,
    Response,
    ResponseDraft,
    Status,
    SubjectCategory,
)


@dataclass(frozen=True)
class RequesterDetails:
    """What the requester told us, already validated and normalised at the edge."""

    kind: str
    full_name: str
    national_id: str
    mobile: str
    email: str = ""
    address: str = ""
    legal_name: str = ""
    legal_national_id: str = ""


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the size, type and content checks (see ``uploads.py``)."""

    file: UploadedFile
    safe_name: str
    content_type: str
    sha256: str


def _event(
    item: Item,
    kind: EventKind,
    *,
    at: datetime.datetime,
    actor: User | None = None,
    note: str = "",
    public: bool = True,
    **data: object,
) -> ItemEvent:
    return ItemEvent.objects.create(
        item=item, kind=kind, occurred_at=at, actor=actor, note=note, is_public=public, data=data
    )


class WorkflowError(Exception):
    """A step that cannot happen now; ``message`` is shown to the member of staff as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class WorkflowConflict(WorkflowError):
    """Someone else changed the item since this person's page was drawn."""


class IdempotencyKeyReused(WorkflowError):
    """A submit key already used for a different letter: never answer with the first one's receipt."""

    def __init__(self) -> None:
        super().__init__(
            _("این شناسه ارسال پیش‌تر برای نامه دیگری به کار رفته است؛ نامه تازه را با شناسه تازه بفرستید.")
        )


def submission_fingerprint(
    *,
    agency: Organization,
    unit: Unit | None,
    kind: str,
    channel: str,
    subject: str,
    body: str,
    requester: RequesterDetails,
    uploads: Sequence[CheckedUpload],
) -> str:
    """What makes two submits "the same letter": a retry sends exactly this again (files by hash)."""
    parts = {
        "agency": agency.pk,
        "unit": unit.pk if unit is not None else None,
        "kind": kind,
        "channel": channel,
        "subject": subject,
        "body": body,
        "requester": dataclasses.asdict(requester),
        "uploads": sorted(upload.sha256 for upload in uploads),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=True).encode()).hexdigest()


def _replay(idempotency_key: str, fingerprint: str) -> Item | None:
    """The item a key already made, if this is a retry of the same submit; refused if it is another."""
    existing = Item.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None and existing.idempotency_fingerprint not in ("", fingerprint):
        raise IdempotencyKeyReused
    return existing


# Which timeline steps the citizen hears about by SMS, and with which template: decided here only.
SMS_FOR_STEP: dict[str, str] = {
    EventKind.SUBMITTED: "item_submitted",
    EventKind.REGISTERED: "item_registered",
    EventKind.REFERRED: "item_referred",
    EventKind.ACTION: "action_recorded",
    EventKind.INFO_REQUESTED: "info_requested",
    EventKind.RESPONSE_ISSUED: "response_issued",
    EventKind.REJECTED: "item_rejected",
    EventKind.FORWARDED: "item_forwarded",
    EventKind.CLOSED: "item_closed",
    EventKind.DEADLINE_EXTENDED: "deadline_extended",
    EventKind.HANDED_OVER: "response_handed_over",
}

# A service request (``services.ServiceRequest``) is an item too, but its citizen asked for a service:
# the same steps in its own words, ``service_request_<step>``. Templates that declare ``service`` get
# the service's title.
SERVICE_REQUEST_SMS_FOR_STEP: dict[str, str] = {
    kind: "service_request_" + template.removeprefix("item_") for kind, template in SMS_FOR_STEP.items()
}


def _public_step(
    item: Item,
    kind: EventKind,
    *,
    at: datetime.datetime,
    actor: User | None,
    note: str = "",
    sms: dict[str, str] | None = None,
    notify: bool = True,
    **data: object,
) -> ItemEvent:
    """A step the citizen sees on tracking; if it is one they hear about, its SMS is queued with it."""
    event = _event(item, kind, at=at, actor=actor, note=note, public=True, **data)
    if notify:
        _announce(item, event, sms or {})
    return event


def _announce(item: Item, event: ItemEvent, sms: dict[str, str]) -> None:
    """Queue the SMS of a step the citizen hears about, worded for a letter or for a service request."""
    if event.kind not in SMS_FOR_STEP:
        return
    service = _requested_service(item)
    template = SMS_FOR_STEP[event.kind] if service is None else SERVICE_REQUEST_SMS_FOR_STEP[event.kind]
    if service is not None and "service" in SMS_TEMPLATES[template].variables:
        sms = {**sms, "service": service}
    _notify(item, event, template, tracking_code=item.tracking_code, **sms)


def _requested_service(item: Item) -> str | None:
    """The title of the service the item requests (as its card read then), or None for a letter."""
    titles = Item.objects.filter(pk=item.pk).values_list("service_request__card_version__title", flat=True)
    return titles.first()


def _locked(item: Item, expected_version: int | None) -> Item:
    """The item, locked for this transaction, as long as nobody changed it since the form was drawn."""
    locked = Item.objects.select_for_update().select_related("agency", "requester").get(pk=item.pk)
    if expected_version is not None and locked.version != expected_version:
        raise WorkflowConflict(
            _("همکار دیگری هم‌زمان این نامه را تغییر داده است. صفحه را تازه کنید و وضعیت جدید را ببینید.")
        )
    return locked


def _locked_referral(referral: Referral, *, acting: bool = True) -> tuple[Item, Referral]:
    """Lock the item first, then the referral: the same order as the item's own steps, so a unit's
    step and a secretariat step on one item wait for each other instead of deadlocking."""
    item = _locked(referral.item, None)
    referral = Referral.objects.select_for_update().select_related("unit").get(pk=referral.pk)
    open_states = (Referral.State.OPEN, Referral.State.ACCEPTED)
    _require(referral.state in open_states, _("این ارجاع دیگر باز نیست."))
    if acting:
        _require(referral.role == Referral.Role.MAIN, _("رونوشت برای اطلاع است؛ اقدام با واحد مسئول است."))
    return item, referral


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise WorkflowError(message)


def _notify(item: Item, event: ItemEvent, template: str, **context: str) -> None:
    context.setdefault("agency", item.agency.short_name or item.agency.name)
    queue_sms(
        dedup_key=f"{event.public_id}:{item.requester.mobile}",
        template=template,
        mobile=item.requester.mobile,
        context=context,
        item=item,
    )


def _bump(item: Item, *fields: str) -> None:
    """Save the changed fields and move the item to its next version (see ``Item.version``)."""
    item.version += 1
    item.save(update_fields=[*fields, "version", "updated_at"])


def _tracking_link(item: Item) -> str:
    """Where an SMS sends the citizen: the tracking page with the code filled in (the national ID
    is still asked, so the link alone opens nothing)."""
    return f"{settings.PUBLIC_SITE_URL}/track/?code={item.tracking_code}"


def item_submit(
    *,
    agency: Organization,
    unit: Unit | None,
    kind: str,
    channel: str = Channel.ONLINE,
    subject: str,
    body: str,
    requester: RequesterDetails,
    uploads: Sequence[CheckedUpload] = (),
    kept_uploads: Sequence[PendingUpload] = (),
    idempotency_key: str | None = None,
    created_by: User | None = None,
    counter_office: Organization | None = None,
    at: datetime.datetime | None = None,
    notify: bool = True,
) -> tuple[Item, bool]:
    """Store a new item with its first timeline event and SMS. Returns (item, created).

    A repeated ``idempotency_key`` (double click, browser retry, API retry) returns the item the
    first request created instead of a second one. ``notify=False`` when a step in the same
    transaction sends the citizen a fuller SMS (a received letter is registered at once), or when the
    caller stores what the item is first and then calls ``submission_notify`` (a service request).
    A key reused for a different submit raises ``IdempotencyKeyReused``.
    """
    fingerprint = submission_fingerprint(
        agency=agency,
        unit=unit,
        kind=kind,
        channel=channel,
        subject=subject,
        body=body,
        requester=requester,
        uploads=uploads,
    )
    if idempotency_key:
        existing = _replay(idempotency_key, fingerprint)
        if existing is not None:
            return existing, False
    at = at or timezone.now()
    try:
        with transaction.atomic():
            item = _create_item(
                agency=agency,
                addressed_unit=unit,
                kind=kind,
                channel=channel,
                subject=subject,
                body=body,
                requester=requester,
                idempotency_key=idempotency_key,
                idempotency_fingerprint=fingerprint if idempotency_key else "",
                created_by=created_by,
                counter_office=counter_office,
                submitted_at=at,
            )
            deadlines.clock_stamp(item, at=at)  # the policy of today, for good: later changes never move it
            for upload in uploads:
                _attach(item, upload)
            for pending in kept_uploads:
                _attach_pending(item, pending)
            sms = {"site": _tracking_link(item)}
            _public_step(item, EventKind.SUBMITTED, at=at, actor=created_by, sms=sms, notify=notify, channel=channel)
    except IntegrityError:
        # Two identical submits raced: the other one won and committed; hand back its item.
        if idempotency_key:
            existing = _replay(idempotency_key, fingerprint)
            if existing is not None:
                return existing, False
        raise
    return item, True


def submission_notify(*, item: Item) -> None:
    """Queue the "received" SMS of an item submitted with ``notify=False``, in the caller's words for
    it: a service request's SMS names the service, which exists only after ``item_submit``."""
    with transaction.atomic():
        event = item.events.get(kind=EventKind.SUBMITTED)
        _announce(item, event, {"site": _tracking_link(item)})


def _create_item(*, requester: RequesterDetails, **fields: object) -> Item:
    person = Requester.objects.create(
        kind=requester.kind,
        full_name=requester.full_name,
        national_id=requester.national_id,
        mobile=requester.mobile,
        email=requester.email,
        address=requester.address,
        legal_name=requester.legal_name,
        legal_national_id=requester.legal_national_id,
    )
    subject, body = str(fields["subject"]), str(fields["body"])
    # A collision among 10^12 codes is rare but possible: retry in a savepoint, not a new transaction.
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Item.objects.create(
                    tracking_code=new_tracking_code(),
                    requester=person,
                    search_document=search_key(f"{subject}\n{body}"),
                    **fields,
                )
        except IntegrityError as error:
            if "tracking_code" not in str(error):
                raise
    raise RuntimeError("could not find a free tracking code")


def _attach(item: Item, upload: CheckedUpload, event: ItemEvent | None = None) -> Attachment:
    attachment = Attachment(
        item=item,
        event=event,
        original_name=upload.safe_name,
        content_type=upload.content_type,
        size=upload.file.size or 0,
        sha256=upload.sha256,
    )
    upload.file.seek(0)
    attachment.file.save(upload.safe_name, upload.file, save=False)
    attachment.save()
    return attachment


def _attach_pending(item: Item, pending: PendingUpload) -> Attachment:
    """Turn an upload kept from an earlier, invalid try of the same form into an attachment."""
    attachment = Attachment.objects.create(
        item=item,
        original_name=pending.original_name,
        file=pending.file.name,
        content_type=pending.content_type,
        size=pending.size,
        sha256=pending.sha256,
    )
    pending.delete()  # a scratch row, not a record: the file now belongs to the attachment
    return attachment


def uploads_keep_for_retry(*, form_nonce: str, uploads: Sequence[CheckedUpload]) -> list[PendingUpload]:
    """Keep the valid uploads of a form that had errors elsewhere, so they need not be sent again."""
    kept = []
    for upload in uploads:
        pending = PendingUpload(
            form_nonce=form_nonce,
            original_name=upload.safe_name,
            content_type=upload.content_type,
            size=upload.file.size or 0,
            sha256=upload.sha256,
        )
        upload.file.seek(0)
        pending.file.save(upload.safe_name, upload.file, save=False)
        pending.save()
        kept.append(pending)
    return kept


def _next_number(organization: Organization, register: str, when: datetime.datetime) -> tuple[int, int]:
    """Take the next number of a register under a row lock. Gapless: a rollback returns it."""
    year = jalali_year(when)
    counter, _created = RegisterCounter.objects.get_or_create(organization=organization, register=register, year=year)
    counter = RegisterCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return year, counter.last_number


def _format_number(organization: Organization, year: int, number: int) -> str:
    return organization.registration_format.format(year=year, number=number)


def item_register(
    *,
    item: Item,
    actor: User | None,
    at: datetime.datetime | None = None,
    expected_version: int | None = None,
    notify: bool = True,
) -> Item:
    """Give the item the agency's official registration number and date (R2, R4).

    The number is taken last, under the counter's row lock, so the lock is held briefly. ``notify``
    False: the step is on the timeline but no SMS goes (a public form's unproven mobile over its cap).
    """
    at = at or timezone.now()
    with transaction.atomic():
        item = _locked(item, expected_version)
        if item.is_registered:
            return item
        _require(item.status == Status.SUBMITTED, _("این نامه در وضعیتی نیست که ثبت شود."))
        year, number = _next_number(item.agency, RegisterCounter.Register.INCOMING, at)
        item.registration_number = _format_number(item.agency, year, number)
        item.registered_at = at
        item.status = Status.REGISTERED
        _bump(item, "registration_number", "registered_at", "status")
        _public_step(
            item,
            EventKind.REGISTERED,
            at=at,
            actor=actor,
            sms={"registration_number": item.registration_number, "date": to_ascii_digits(format_jalali_date(at))},
            notify=notify,
            registration_number=item.registration_number,
        )
    return item


def item_refer(
    *,
    item: Item,
    actor: User | None,
    unit: Unit,
    instruction: str = "",
    deadline: datetime.date | None = None,
    copies: Sequence[Unit] = (),
    at: datetime.datetime | None = None,
    expected_version: int | None = None,
    parent: Referral | None = None,
    notify: bool = True,
) -> Referral:
    """Send the item to one responsible unit, and to others for information (R2).

    Earlier open referrals for action are withdrawn: one unit is responsible at a time.
    ``notify=False`` when the referral follows the submission at once and the citizen already has
    the SMS of that submission (an auto-routed service request); the step is still public.
    """
    at = at or timezone.now()
    with transaction.atomic():
        item = _locked(item, expected_version)
        if unit.organization_id != item.agency_id or any(c.organization_id != item.agency_id for c in copies):
            raise ValueError("an item is referred only to units of its own agency")
        _require(item.is_registered, _("پیش از ارجاع، نامه را ثبت کنید."))
        _require(item.status != Status.CLOSED, _("این نامه مختومه است."))
        deadline = _referral_deadline(item, deadline)
        earlier = _open_referrals(item).filter(role=Referral.Role.MAIN)
        if parent is not None:
            earlier = earlier.exclude(pk=parent.pk)
        earlier.update(state=Referral.State.WITHDRAWN, is_active=False, closed_at=at)
        referral = Referral.objects.create(
            item=item,
            unit=unit,
            instruction=instruction,
            deadline=deadline,
            referred_by=actor,
            created_at=at,
            parent=parent,
        )
        for copy_unit in copies:
            Referral.objects.create(
                item=item, unit=copy_unit, role=Referral.Role.COPY, referred_by=actor, created_at=at
            )
        item.status = Status.REFERRED
        _bump(item, "status")
        # The citizen sees the unit's name only; the instruction stays internal.
        _public_step(
            item, EventKind.REFERRED, at=at, actor=actor, sms={"unit": unit.name}, notify=notify, unit=unit.name
        )
        _event(item, EventKind.REFERRED, at=at, actor=actor, public=False, note=instruction, unit=unit.name)
    return referral


def _referral_deadline(item: Item, deadline: datetime.date | None) -> datetime.date:
    """A unit's deadline defaults to the item's answer date and is never after it: more time for the
    unit needs an extension of the item, which the citizen is told about."""
    answer_by = deadlines.clock_of(item).answer_by
    if deadline is None:
        return answer_by
    _require(
        deadline <= answer_by,
        _("مهلت واحد نمی‌تواند پس از مهلت پاسخ به متقاضی (%(date)s) باشد؛ برای مهلت بیشتر، مهلت نامه را تمدید کنید.")
        % {"date": format_jalali_date(answer_by)},
    )
    return deadline


def _open_referrals(item: Item) -> QuerySet[Referral]:
    return item.referrals.filter(state__in=[Referral.State.OPEN, Referral.State.ACCEPTED])


def action_record(
    *, item: Item, actor: User | None, text: str, public: bool, at: datetime.datetime | None = None
) -> ItemEvent:
    """Record what a unit did. Public actions appear on tracking and are announced by SMS."""
    at = at or timezone.now()
    with transaction.atomic():
        item = Item.objects.select_related("agency", "requester").get(pk=item.pk)
        _require(item.status != Status.CLOSED, _("این نامه مختومه است."))
        if public:
            return _public_step(
                item, EventKind.ACTION, at=at, actor=actor, note=text, sms={"site": _tracking_link(item)}
            )
        return _event(item, EventKind.ACTION, at=at, actor=actor, note=text, public=False)


def response_content_digest(response: Response, agency_name: str) -> str:
    """SHA-256 of what the verification page vouches for: number, date, agency and text."""
    content = "\n".join([response.outgoing_number, response.issued_at.isoformat(), agency_name, response.body])
    return hashlib.sha256(content.encode()).hexdigest()


def response_issue(
    *,
    item: Item,
    actor: User | None,
    body: str,
    at: datetime.datetime | None = None,
    unit: Unit | None = None,
    signer: User | None = None,
    signer_title: str = "",
) -> Response:
    """Issue the agency's answer with its own outgoing number and a verification code (R3, R8)."""
    at = at or timezone.now()
    with transaction.atomic():
        item = Item.objects.select_for_update().select_related("agency", "requester").get(pk=item.pk)
        year, number = _next_number(item.agency, RegisterCounter.Register.OUTGOING, at)
        signer = signer or actor
        response = Response(
            item=item,
            outgoing_number=_format_number(item.agency, year, number),
            issued_at=at,
            body=sanitize_letter_html(body),
            issued_by=actor,
            signer_name=(signer.get_full_name() or signer.username) if signer else "",
            signer_title=signer_title,
            unit_name=unit.name if unit else "",
            in_reply_to=item.registration_number,
        )
        response.content_sha256 = response_content_digest(response, item.agency.name)
        response.save()
        item.status = Status.ANSWERED
        _bump(item, "status")
        _public_step(
            item,
            EventKind.RESPONSE_ISSUED,
            at=at,
            actor=actor,
            sms={"site": _tracking_link(item)},
            response=str(response.public_id),
            outgoing_number=response.outgoing_number,
            digest=response.content_sha256,
        )
        _open_referrals(item).update(state=Referral.State.DONE, is_active=False, closed_at=at)
        survey_offer(item=item, staff=signer, actors=[actor], unit=unit, at=at)  # R11, in this transaction
    return response


def response_hand_over(*, item: Item, actor: User, office: str) -> ItemEvent | None:
    """A counter office handed the issued answer to the citizen: a public step, texted to them.
    Handing the same answer over again (a lost copy, a double click) adds no step and no SMS."""
    with transaction.atomic():
        item = _locked(item, None)
        response = item.responses.order_by("-issued_at", "-id").first()
        _require(response is not None, _("برای این نامه هنوز پاسخی صادر نشده است که تحویل شود."))
        assert response is not None  # for mypy: _require raised otherwise
        answer = str(response.public_id)
        if item.events.filter(kind=EventKind.HANDED_OVER, data__response=answer).exists():
            return None
        return _public_step(
            item,
            EventKind.HANDED_OVER,
            at=timezone.now(),
            actor=actor,
            sms={"office": office},
            response=answer,
            office=office,
        )


def item_close(
    *,
    item: Item,
    actor: User | None,
    resolution: Resolution,
    note: str = "",
    at: datetime.datetime | None = None,
    expected_version: int | None = None,
) -> Item:
    """Close the item deliberately, saying how it ended."""
    at = at or timezone.now()
    with transaction.atomic():
        item = _locked(item, expected_version)
        if item.status == Status.CLOSED:
            return item
        item.status = Status.CLOSED
        item.resolution = resolution
        _bump(item, "status", "resolution")
        _open_referrals(item).update(state=Referral.State.DONE, is_active=False, closed_at=at)
        label = str(Resolution(resolution).label)
        _public_step(
            item, EventKind.CLOSED, at=at, actor=actor, note=note, sms={"resolution": label}, resolution=str(resolution)
        )
        survey_offer(item=item, staff=actor, unit=None, resolution=str(resolution), at=at)  # R11, once per item
    return item


def item_classify(
    *,
    item: Item,
    actor: User,
    category: SubjectCategory | None,
    kind: str,
    priority: str,
    confidentiality: str,
    expected_version: int | None = None,
) -> Item:
    """Classify (طبقه‌بندی) the item; the change is recorded field by field on the staff timeline."""
    with transaction.atomic():
        item = _locked(item, expected_version)
        _require(item.status != Status.CLOSED, _("این نامه مختومه است."))
        if category is not None and category.agency_id != item.agency_id:
            raise ValueError("a category belongs to one agency")
        new = {"category_id": category.pk if category else None, "kind": kind, "priority": priority}
        new["confidentiality"] = confidentiality
        changes = {name: [getattr(item, name), value] for name, value in new.items() if getattr(item, name) != value}
        if not changes:
            return item
        for name, (_old, value) in changes.items():
            setattr(item, name, value)
        _bump(item, *[name.removesuffix("_id") for name in changes])
        at = timezone.now()
        _event(item, EventKind.CLASSIFIED, at=at, actor=actor, public=False, changes=changes)
        if "category_id" in changes or "kind" in changes:
            _restamp(item, actor=actor, at=at)
    return item


def _restamp(item: Item, *, actor: User | None, at: datetime.datetime) -> None:
    """The item became more specific (its subject or kind): the answer date follows the rule that
    now applies, counted from receipt as before. Recorded on the staff timeline with both dates."""
    before = deadlines.clock_of(item).answer_by
    clock = deadlines.clock_stamp(item, at=at)
    if clock.answer_by != before:
        _event(
            item,
            EventKind.DEADLINE_RESTAMPED,
            at=at,
            actor=actor,
            public=False,
            before=before.isoformat(),
            after=clock.answer_by.isoformat(),
            source=clock.source,
        )


def item_restamp(*, item: Item, actor: User | None = None) -> None:
    """Stamp the clock again once the item is more specific than at submission (a service request
    learns its card right after ``item_submit``)."""
    with transaction.atomic():
        item = _locked(item, None)
        _restamp(item, actor=actor, at=timezone.now())


def referral_accept(*, referral: Referral, actor: User) -> Referral:
    """The unit takes the referral on; the secretariat sees it is in hand."""
    with transaction.atomic():
        item, referral = _locked_referral(referral, acting=False)
        _require(referral.state == Referral.State.OPEN, _("این ارجاع پیش‌تر پذیرفته یا بسته شده است."))
        referral.state = Referral.State.ACCEPTED
        referral.accepted_at = timezone.now()
        referral.save(update_fields=["state", "accepted_at"])
        _bump(item)
        _event(
            item,
            EventKind.REFERRAL_ACCEPTED,
            at=referral.accepted_at,
            actor=actor,
            public=False,
            unit=referral.unit.name,
        )
    return referral


def _hand_back(
    item: Item, referral: Referral, *, at: datetime.datetime, reason: str, competent_unit: Unit | None = None
) -> None:
    """Close the unit's referral and put the item back in the secretariat's hands."""
    referral.state = Referral.State.RETURNED
    referral.is_active = False
    referral.closed_at = at
    referral.return_reason = reason
    referral.suggested_unit = competent_unit
    referral.save(update_fields=["state", "is_active", "closed_at", "return_reason", "suggested_unit"])
    item.status = Status.REGISTERED
    _bump(item, "status")


def referral_return(*, referral: Referral, actor: User, reason: str, competent_unit: Unit | None = None) -> Referral:
    """The unit says the item is not its business; it goes back to the secretariat with a reason the
    citizen sees, or the name of the competent unit."""
    reason = reason.strip()
    _require(bool(reason) or competent_unit is not None, _("واحد صالح را نام ببرید یا دلیل برگشت را بنویسید."))
    at = timezone.now()
    with transaction.atomic():
        item, referral = _locked_referral(referral)
        _hand_back(item, referral, at=at, reason=reason, competent_unit=competent_unit)
        detail = reason or _("واحد صالح: %(unit)s") % {"unit": competent_unit.name if competent_unit else ""}
        _public_step(item, EventKind.REFERRAL_RETURNED, at=at, actor=actor, note=detail, unit=referral.unit.name)
    return referral


def referral_rerefer(
    *, referral: Referral, actor: User, unit: Unit, instruction: str, deadline: datetime.date | None = None
) -> Referral:
    """A unit passes the item on to another unit with an instruction; the chain of referrals is kept."""
    with transaction.atomic():
        item, referral = _locked_referral(referral)
        _require(unit.pk != referral.unit_id, _("نامه هم‌اکنون در همین واحد است."))
        referral.state = Referral.State.RE_REFERRED
        referral.is_active = False
        referral.closed_at = timezone.now()
        referral.save(update_fields=["state", "is_active", "closed_at"])
        return item_refer(
            item=item, actor=actor, unit=unit, instruction=instruction, deadline=deadline, parent=referral
        )


def referral_return_to_secretariat(*, referral: Referral, actor: User, note: str) -> Referral:
    """Hand the item back to the secretariat (e.g. it needs another unit); internal, no SMS."""
    with transaction.atomic():
        item, referral = _locked_referral(referral)
        at = timezone.now()
        _hand_back(item, referral, at=at, reason=note)
        _event(item, EventKind.RETURNED_TO_SECRETARIAT, at=at, actor=actor, public=False, note=note)
    return referral


def info_request(*, item: Item, actor: User, question: str) -> InfoRequest:
    """Ask the citizen for more information: SMS, and a reply box on their tracking page."""
    question = question.strip()
    _require(bool(question), _("پرسش از متقاضی را بنویسید."))
    with transaction.atomic():
        item = _locked(item, None)
        _require(item.status != Status.CLOSED, _("این نامه مختومه است."))
        request = InfoRequest.objects.create(item=item, question=question, asked_by=actor)
        _bump(item)
        _public_step(
            item,
            EventKind.INFO_REQUESTED,
            at=request.asked_at,
            actor=actor,
            note=question,
            sms={"site": _tracking_link(item)},
        )
        _sync_clock(item, at=request.asked_at, actor=actor)
    return request


def _sync_clock(item: Item, *, at: datetime.datetime, actor: User | None) -> None:
    """Pause or resume the answer clock to match what the item now waits for; the citizen sees it."""
    before = deadlines.clock_of(item).answer_by
    clock, change = deadlines.clock_sync_pause(item, at=at)
    _follow_answer_date(item, before, clock.answer_by)
    if change == "paused":
        _event(item, EventKind.CLOCK_PAUSED, at=at, actor=actor, answer_by=clock.answer_by.isoformat())
    elif change == "resumed":
        _event(item, EventKind.CLOCK_RESUMED, at=at, actor=actor, answer_by=clock.answer_by.isoformat())


def _follow_answer_date(item: Item, before: datetime.date, after: datetime.date) -> None:
    """A unit's deadline that was the item's answer date moves with it (an extension, a pause)."""
    if after != before:
        _open_referrals(item).filter(deadline=before).update(deadline=after)


def item_clock_sync(*, item: Item, actor: User | None = None, at: datetime.datetime | None = None) -> None:
    """For other apps' steps that open or close what an item waits for (an inquiry to another agency)."""
    with transaction.atomic():
        _sync_clock(_locked(item, None), at=at or timezone.now(), actor=actor)


def item_extend_deadline(*, item: Item, actor: User, days: int, reason: str) -> ItemClock:
    """A unit manager gives the item more time, with a reason, within what the policy allows. The
    citizen is told the new expected date by SMS; the extension is on the public timeline."""
    reason = reason.strip()
    _require(bool(reason), _("دلیل تمدید را بنویسید."))
    _require(days > 0, _("تعداد روزهای تمدید را وارد کنید."))
    with transaction.atomic():
        item = _locked(item, None)
        _require(item.status not in (Status.ANSWERED, Status.CLOSED), _("به این نامه پاسخ داده شده است."))
        clock = ItemClock.objects.select_for_update().get(item=item)
        left = clock.max_extension_days - clock.extended_days
        _require(
            days <= left,
            _("حداکثر تمدید مجاز برای این نامه %(left)s روز کاری دیگر است.") % {"left": to_persian_digits(left)},
        )
        before = clock.answer_by
        clock = deadlines.clock_extend(item, clock, days)
        _follow_answer_date(item, before, clock.answer_by)
        _bump(item)
        new_date = format_jalali_date(clock.answer_by)
        _public_step(
            item,
            EventKind.DEADLINE_EXTENDED,
            at=timezone.now(),
            actor=actor,
            note=reason,
            sms={"date": to_ascii_digits(new_date)},
            before=before.isoformat(),
            after=clock.answer_by.isoformat(),
            days=days,
        )
    return clock


def citizen_reply(*, item: Item, text: str, uploads: Sequence[CheckedUpload] = ()) -> ItemEvent:
    """The citizen answers an open information request from the tracking page."""
    text = text.strip()
    _require(bool(text) or bool(uploads), _("پاسخ خود را بنویسید یا پرونده‌ای پیوست کنید."))
    with transaction.atomic():
        item = _locked(item, None)
        _require(item.status != Status.CLOSED, _("رسیدگی به این نامه پایان یافته است."))
        open_requests = item.info_requests.filter(answered_at__isnull=True)
        _require(open_requests.exists(), _("پرسش بازی برای این نامه نیست."))
        at = timezone.now()
        open_requests.update(answered_at=at)
        _bump(item)
        event = _public_step(item, EventKind.CITIZEN_REPLIED, at=at, actor=None, note=text)
        for upload in uploads:
            _attach(item, upload, event=event)
        _sync_clock(item, at=at, actor=None)
    return event


def item_reject(
    *, item: Item, actor: User, reason: str, where_to_go: str = "", expected_version: int | None = None
) -> Item:
    """Out of this agency's scope: closed with the reason and where else to go, both shown to the citizen."""
    _require(bool(reason.strip()), _("دلیل را برای متقاضی بنویسید."))
    at = timezone.now()
    with transaction.atomic():
        item = _locked(item, expected_version)
        _require(item.status != Status.CLOSED, _("این نامه مختومه است."))
        item.status = Status.CLOSED
        item.resolution = Resolution.OUT_OF_SCOPE
        _bump(item, "status", "resolution")
        _open_referrals(item).update(state=Referral.State.WITHDRAWN, is_active=False, closed_at=at)
        note = reason.strip() if not where_to_go else f"{reason.strip()}\n{_('مرجع صالح')}: {where_to_go.strip()}"
        _public_step(item, EventKind.REJECTED, at=at, actor=actor, note=note, sms={"site": _tracking_link(item)})
    return item


def item_forward(
    *, item: Item, actor: User, to_agency: Organization, note: str = "", expected_version: int | None = None
) -> Forwarding:
    """Hand the item to another agency on the network (R15). The tracking code stays; the new agency's
    secretariat registers it afresh; the old agency keeps read access through the forwarding record."""
    _require(to_agency.accepts_letters, _("این دستگاه نامه نمی‌پذیرد."))
    at = timezone.now()
    with transaction.atomic():
        item = _locked(item, expected_version)
        _require(item.status != Status.CLOSED, _("این نامه مختومه است."))
        _require(to_agency.pk != item.agency_id, _("نامه هم‌اکنون در همین دستگاه است."))
        from_agency = item.agency
        forwarding = Forwarding.objects.create(
            item=item,
            from_agency=from_agency,
            to_agency=to_agency,
            from_registration_number=item.registration_number,
            note=note,
            forwarded_by=actor,
            forwarded_at=at,
        )
        _open_referrals(item).update(state=Referral.State.WITHDRAWN, is_active=False, closed_at=at)
        _public_step(
            item,
            EventKind.FORWARDED,
            at=at,
            actor=actor,
            sms={"to_agency": to_agency.name},
            to_agency=to_agency.name,
            from_agency=from_agency.name,
            from_registration_number=item.registration_number,
        )
        if note:
            _event(item, EventKind.FORWARDED, at=at, actor=actor, public=False, note=note)
        item.agency = to_agency
        item.addressed_unit = None
        item.category = None
        item.registration_number = ""
        item.registered_at = None
        item.status = Status.SUBMITTED
        _bump(item, "agency", "addressed_unit", "category", "registration_number", "registered_at", "status")
        item.agency = to_agency  # the SMS above named the old agency as sender; this step belongs to the new one
        _event(item, EventKind.RECEIVED_FROM_AGENCY, at=at, actor=actor, public=False, from_agency=from_agency.name)
    return forwarding


def response_draft_save(
    *, item: Item, actor: User, unit: Unit, body: str, draft: ResponseDraft | None = None
) -> ResponseDraft:
    """Write or rewrite the draft answer; only drafts not yet waiting for a signature can change."""
    clean = sanitize_letter_html(body)
    _require(bool(clean.strip()), _("متن پاسخ خالی است."))
    with transaction.atomic():
        if draft is None:
            return ResponseDraft.objects.create(item=item, unit=unit, body=clean, author=actor)
        draft = ResponseDraft.objects.select_for_update().get(pk=draft.pk)
        _require(draft.state == ResponseDraft.State.DRAFT, _("این پیش‌نویس برای امضا فرستاده شده و قفل است."))
        draft.body = clean
        draft.save(update_fields=["body", "updated_at"])
    return draft


def response_draft_submit(*, draft: ResponseDraft, actor: User) -> ResponseDraft:
    with transaction.atomic():
        draft = ResponseDraft.objects.select_for_update().get(pk=draft.pk)
        _require(draft.state == ResponseDraft.State.DRAFT, _("این پیش‌نویس پیش‌تر فرستاده شده است."))
        draft.state = ResponseDraft.State.AWAITING_SIGNATURE
        draft.save(update_fields=["state", "updated_at"])
    return draft


def response_draft_send_back(*, draft: ResponseDraft, actor: User, note: str) -> ResponseDraft:
    """The manager returns the draft to its author with a note instead of signing."""
    with transaction.atomic():
        draft = ResponseDraft.objects.select_for_update().get(pk=draft.pk)
        _require(draft.state == ResponseDraft.State.AWAITING_SIGNATURE, _("این پیش‌نویس در انتظار امضا نیست."))
        draft.state = ResponseDraft.State.DRAFT
        draft.review_note = note
        draft.save(update_fields=["state", "review_note", "updated_at"])
    return draft


def response_sign_and_issue(*, draft: ResponseDraft, actor: User, signer_title: str) -> Response:
    """The unit manager signs: the response is issued with its number, the citizen gets the SMS."""
    with transaction.atomic():
        draft = ResponseDraft.objects.select_for_update().select_related("item", "unit").get(pk=draft.pk)
        _require(draft.state == ResponseDraft.State.AWAITING_SIGNATURE, _("این پیش‌نویس در انتظار امضا نیست."))
        response = response_issue(
            item=draft.item, actor=actor, body=draft.body, unit=draft.unit, signer=actor, signer_title=signer_title
        )
        draft.state = ResponseDraft.State.ISSUED
        draft.response = response
        draft.save(update_fields=["state", "response", "updated_at"])
        _event(draft.item, EventKind.DRAFT_SIGNED, at=response.issued_at, actor=actor, public=False)
    return response


def bundle_create(*, agency: Organization, actor: User, title: str, items: Sequence[Item]) -> Bundle:
    """Group repeated items so the secretariat handles them once; each keeps its own timeline."""
    _require(len(items) >= 2, _("برای مجموعه دست‌کم دو نامه انتخاب کنید."))
    with transaction.atomic():
        bundle = Bundle.objects.create(agency=agency, title=title, created_by=actor)
        for item in items:
            locked = _locked(item, None)
            _require(locked.agency_id == agency.pk, _("همه نامه‌های مجموعه باید از همین دستگاه باشند."))
            _require(locked.status != Status.CLOSED, _("نامه مختومه را نمی‌توان به مجموعه افزود."))
            locked.bundle = bundle
            _bump(locked, "bundle")
            _event(locked, EventKind.BUNDLED, at=bundle.created_at, actor=actor, public=False, bundle=title)
    return bundle


def bundle_answer(*, bundle: Bundle, actor: User, body: str, unit: Unit | None, signer_title: str) -> list[Response]:
    """Answer every open item of the bundle with the same text; every requester gets their own copy,
    their own timeline step and their own SMS."""
    with transaction.atomic():
        responses = []
        for item in bundle.items.exclude(status=Status.CLOSED).order_by("pk"):
            if not item.is_registered:
                item_register(item=item, actor=actor)
            responses.append(
                response_issue(item=item, actor=actor, body=body, unit=unit, signer=actor, signer_title=signer_title)
            )
    return responses


__all__ = [
    "CheckedUpload",
    "Kind",
    "RequesterDetails",
    "WorkflowConflict",
    "WorkflowError",
    "action_record",
    "bundle_answer",
    "bundle_create",
    "citizen_reply",
    "info_request",
    "item_classify",
    "item_close",
    "item_forward",
    "item_refer",
    "item_register",
    "item_reject",
    "item_submit",
    "referral_accept",
    "referral_rerefer",
    "referral_return",
    "referral_return_to_secretariat",
    "response_draft_save",
    "response_draft_send_back",
    "response_draft_submit",
    "response_issue",
    "response_sign_and_issue",
    "submission_notify",
    "uploads_keep_for_retry",
]
