"""Every state change of an item. Each function is one transaction that appends to the item's
timeline and queues the citizen's SMS through the outbox, so a step and its SMS exist together."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from mokatebat.citizens.models import Requester
from mokatebat.core.html import sanitize_letter_html
from mokatebat.core.jalali import format_jalali_date, jalali_year
from mokatebat.core.persian import search_key, to_ascii_digits
from mokatebat.core.tracking import new_tracking_code
from mokatebat.notifications.outbox import queue_sms
from mokatebat.organization.models import Organization, Unit, User

from .models import (
    Attachment,
    Channel,
    EventKind,
    Item,
    ItemEvent,
    Kind,
    PendingUpload,
    Referral,
    RegisterCounter,
    Resolution,
    Response,
    Status,
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


def _site() -> str:
    return settings.PUBLIC_SITE_URL


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
) -> tuple[Item, bool]:
    """Store a new item with its first timeline event and SMS. Returns (item, created).

    A repeated ``idempotency_key`` (double click, browser retry, API retry) returns the item the
    first request created instead of a second one.
    """
    if idempotency_key:
        existing = Item.objects.filter(idempotency_key=idempotency_key).first()
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
                created_by=created_by,
                counter_office=counter_office,
                submitted_at=at,
            )
            for upload in uploads:
                _attach(item, upload)
            for pending in kept_uploads:
                _attach_pending(item, pending)
            event = _event(item, EventKind.SUBMITTED, at=at, actor=created_by, channel=channel)
            _notify(item, event, "item_submitted", tracking_code=item.tracking_code, site=_site())
    except IntegrityError:
        # Two identical submits raced: the other one won and committed; hand back its item.
        if idempotency_key:
            existing = Item.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing, False
        raise
    return item, True


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


def _attach(item: Item, upload: CheckedUpload) -> Attachment:
    attachment = Attachment(
        item=item,
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


def item_register(*, item: Item, actor: User | None, at: datetime.datetime | None = None) -> Item:
    """Give the item the agency's official registration number and date (R2, R4)."""
    at = at or timezone.now()
    with transaction.atomic():
        item = Item.objects.select_for_update().select_related("agency", "requester").get(pk=item.pk)
        if item.is_registered:
            return item
        year, number = _next_number(item.agency, RegisterCounter.Register.INCOMING, at)
        item.registration_number = _format_number(item.agency, year, number)
        item.registered_at = at
        item.status = Status.REGISTERED
        _bump(item, "registration_number", "registered_at", "status")
        event = _event(item, EventKind.REGISTERED, at=at, actor=actor, registration_number=item.registration_number)
        _notify(
            item,
            event,
            "item_registered",
            registration_number=item.registration_number,
            date=to_ascii_digits(format_jalali_date(at)),
            tracking_code=item.tracking_code,
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
) -> Referral:
    """Send the item to one responsible unit, and to others for information (R2)."""
    at = at or timezone.now()
    with transaction.atomic():
        item = Item.objects.select_for_update().select_related("agency", "requester").get(pk=item.pk)
        if unit.organization_id != item.agency_id or any(c.organization_id != item.agency_id for c in copies):
            raise ValueError("an item is referred only to units of its own agency")
        referral = Referral.objects.create(
            item=item, unit=unit, instruction=instruction, deadline=deadline, referred_by=actor, created_at=at
        )
        for copy_unit in copies:
            Referral.objects.create(
                item=item, unit=copy_unit, role=Referral.Role.COPY, referred_by=actor, created_at=at
            )
        item.status = Status.REFERRED
        _bump(item, "status")
        # The citizen sees the unit's name only; the instruction stays internal.
        event = _event(item, EventKind.REFERRED, at=at, actor=actor, unit=unit.name)
        _event(item, EventKind.REFERRED, at=at, actor=actor, public=False, note=instruction, unit=unit.name)
        _notify(item, event, "item_referred", tracking_code=item.tracking_code, unit=unit.name)
    return referral


def action_record(
    *, item: Item, actor: User | None, text: str, public: bool, at: datetime.datetime | None = None
) -> ItemEvent:
    """Record what a unit did. Public actions appear on tracking and are announced by SMS."""
    with transaction.atomic():
        item = Item.objects.select_related("agency", "requester").get(pk=item.pk)
        event = _event(item, EventKind.ACTION, at=at or timezone.now(), actor=actor, note=text, public=public)
        if public:
            _notify(item, event, "action_recorded", tracking_code=item.tracking_code, site=_site())
    return event


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
        event = _event(
            item,
            EventKind.RESPONSE_ISSUED,
            at=at,
            actor=actor,
            response=str(response.public_id),
            outgoing_number=response.outgoing_number,
            digest=response.content_sha256,
        )
        _notify(item, event, "response_issued", tracking_code=item.tracking_code, site=_site())
    return response


def item_close(
    *, item: Item, actor: User | None, resolution: Resolution, note: str = "", at: datetime.datetime | None = None
) -> Item:
    """Close the item deliberately, saying how it ended."""
    with transaction.atomic():
        item = Item.objects.select_for_update().select_related("agency", "requester").get(pk=item.pk)
        if item.status == Status.CLOSED:
            return item
        item.status = Status.CLOSED
        item.resolution = resolution
        _bump(item, "status", "resolution")
        event = _event(
            item, EventKind.CLOSED, at=at or timezone.now(), actor=actor, note=note, resolution=str(resolution)
        )
        _notify(
            item, event, "item_closed", tracking_code=item.tracking_code, resolution=str(Resolution(resolution).label)
        )
    return item


__all__ = [
    "CheckedUpload",
    "Kind",
    "RequesterDetails",
    "action_record",
    "item_close",
    "item_refer",
    "item_register",
    "item_submit",
    "response_issue",
    "uploads_keep_for_retry",
]
