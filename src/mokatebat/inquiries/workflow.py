"""Every state change of an inquiry, each one transaction that also writes the asking item's timeline.

Staff steps: ``inquiry_ask``, ``inquiry_answer`` (the other agency on the network), ``inquiry_retry``,
``inquiry_cancel``. The registry worker records its outcomes through ``record_registry_answer`` and
``record_registry_failure``: both lock the inquiry row and check that the claim they carry is still
the current one, so an answer is recorded once even when two workers raced for it.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mokatebat.core.i18n import screen_digits
from mokatebat.correspondence.models import Attachment, EventKind, Item, ItemEvent, Status
from mokatebat.correspondence.workflow import CheckedUpload, WorkflowError, item_clock_sync
from mokatebat.organization.models import User

from .models import Adapter, ErrorKind, Inquiry, InquiryState, InquiryType, SharedField

RETRY_CAP_SECONDS = 60 * 60.0


def shared_payload(item: Item, inquiry_type: InquiryType) -> dict[str, str]:
    """Only the fields the type declares, in the type's order, empty values left out."""
    person = item.requester
    values = {
        SharedField.FULL_NAME: person.full_name,
        SharedField.NATIONAL_ID: person.national_id,
        SharedField.MOBILE: person.mobile,
        SharedField.ADDRESS: person.address,
        SharedField.LEGAL_NAME: person.legal_name,
        SharedField.LEGAL_NATIONAL_ID: person.legal_national_id,
        SharedField.SUBJECT: item.subject,
    }
    payload: dict[str, str] = {}
    for key in inquiry_type.shared_fields:
        value = values.get(SharedField(key), "") if key in SharedField.values else ""
        if value:
            payload[key] = value
    return payload


def retry_delay(attempts: int) -> float:
    """Seconds before the next try after ``attempts`` failed ones: exponential, capped, with jitter
    so inquiries that failed together do not all hit a recovering registry at once."""
    ceiling = min(RETRY_CAP_SECONDS, settings.INQUIRY_RETRY_BASE_SECONDS * 2 ** min(max(attempts - 1, 0), 16))
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not a secret


def _event(
    inquiry: Inquiry,
    kind: EventKind,
    *,
    at: datetime.datetime,
    actor: User | None,
    note: str = "",
    public: bool = False,
) -> ItemEvent:
    data: dict[str, Any] = {} if public else {"inquiry": str(inquiry.public_id), "type": inquiry.inquiry_type.name}
    return ItemEvent.objects.create(
        item_id=inquiry.item_id, kind=kind, occurred_at=at, actor=actor, note=note, is_public=public, data=data
    )


def _locked(inquiry: Inquiry) -> Inquiry:
    return Inquiry.objects.select_for_update().select_related("inquiry_type", "item").get(pk=inquiry.pk)


def inquiry_ask(*, item: Item, inquiry_type: InquiryType, asked_by: User | None, question: str = "") -> Inquiry:
    """Ask one inquiry for ``item``. A network inquiry lands in the other agency's inbox at once;
    a registry inquiry is queued for the worker (it is sent after this transaction commits).
    ``asked_by`` is None when the system asks by itself (see ``ask_declared``)."""
    with transaction.atomic():
        locked_item = Item.objects.select_for_update().select_related("requester").get(pk=item.pk)
        if locked_item.status == Status.CLOSED:
            raise WorkflowError(_("این مورد مختومه شده است؛ استعلام تازه ممکن نیست."))
        if inquiry_type.agency_id != locked_item.agency_id:
            raise WorkflowError(_("این نوع استعلام متعلق به دستگاه دیگری است."))
        if not inquiry_type.is_available:
            raise WorkflowError(_("این نوع استعلام اکنون در دسترس نیست (غیرفعال یا بی‌نشانی)."))
        now = timezone.now()
        network = inquiry_type.adapter == Adapter.NETWORK_AGENCY
        inquiry = Inquiry.objects.create(
            item=locked_item,
            inquiry_type=inquiry_type,
            adapter=inquiry_type.adapter,
            target_agency=inquiry_type.target_agency if network else None,
            question=question,
            request_payload=shared_payload(locked_item, inquiry_type),
            state=InquiryState.SENT if network else InquiryState.PENDING,
            sent_at=now if network else None,
            next_attempt_at=None if network else now,
            asked_by=asked_by,
            asked_at=now,
        )
        target = inquiry_type.target_agency.name if network and inquiry_type.target_agency else _("سامانه برخط")
        note = _("%(type)s — از %(target)s") % {"type": inquiry_type.name, "target": target}
        if question:
            note = f"{note}\n{question}"
        _event(inquiry, EventKind.INQUIRY_ASKED, at=now, actor=asked_by, note=note)
        if network:  # the answer clock waits for another agency where the deadline policy says so
            item_clock_sync(item=locked_item, actor=asked_by, at=now)
    return inquiry


def ask_declared(*, item: Item, inquiry_types: list[InquiryType]) -> list[Inquiry]:
    """The inquiries a service declares, asked by the system when its request is submitted.

    Unavailable types (inactive, or a registry that is not connected) are skipped rather than
    blocking the citizen's request: staff can ask them by hand from the item page later.
    """
    with transaction.atomic():
        return [
            inquiry_ask(item=item, inquiry_type=inquiry_type, asked_by=None)
            for inquiry_type in inquiry_types
            if inquiry_type.is_available and inquiry_type.agency_id == item.agency_id
        ]


def _record_answered(
    inquiry: Inquiry, *, at: datetime.datetime, actor: User | None, text: str, payload: Any = None
) -> ItemEvent:
    """Set the answer on a locked inquiry and write the timeline: the full answer internally, and
    for the citizen, when the type allows, only that the inquiry was done."""
    inquiry.state = InquiryState.ANSWERED
    inquiry.answer_text = text
    inquiry.answer_payload = payload
    inquiry.answered_by = actor
    inquiry.answered_at = at
    inquiry.lease_expires_at = None
    inquiry.next_attempt_at = None
    inquiry.last_error_kind = ErrorKind.NONE
    inquiry.last_error_status = None
    inquiry.save()
    answered = _event(
        inquiry, EventKind.INQUIRY_ANSWERED, at=at, actor=actor, note=f"{inquiry.inquiry_type.name}\n{text}".strip()
    )
    if inquiry.inquiry_type.show_to_citizen:
        _event(inquiry, EventKind.INQUIRY_DONE, at=at, actor=None, public=True)
    return answered


def _store_attachment(item_id: int, event: ItemEvent, upload: CheckedUpload) -> Attachment:
    attachment = Attachment(
        item_id=item_id,
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


def inquiry_answer(*, inquiry: Inquiry, answered_by: User, text: str, upload: CheckedUpload | None = None) -> Inquiry:
    """The other agency's answer to a network inquiry; it lands on the asking item's timeline."""
    with transaction.atomic():
        locked = _locked(inquiry)
        if locked.adapter != Adapter.NETWORK_AGENCY:
            raise WorkflowError(_("این استعلام را سامانه برخط پاسخ می‌دهد."))
        if locked.state != InquiryState.SENT:
            raise WorkflowError(_("این استعلام پیش‌تر پاسخ داده شده یا لغو شده است."))
        answered = _record_answered(locked, at=timezone.now(), actor=answered_by, text=text)
        if upload is not None:
            locked.answer_attachment = _store_attachment(locked.item_id, answered, upload)
            locked.save(update_fields=["answer_attachment", "updated_at"])
        item_clock_sync(item=locked.item, actor=answered_by, at=answered.occurred_at)
    return locked


def inquiry_retry(*, inquiry: Inquiry, by: User) -> Inquiry:
    """Staff send a registry inquiry again now, with a fresh set of attempts."""
    with transaction.atomic():
        locked = _locked(inquiry)
        if not locked.can_retry:
            raise WorkflowError(_("این استعلام در وضعیتی نیست که بتوان دوباره فرستاد."))
        if locked.item.status == Status.CLOSED:
            raise WorkflowError(_("این مورد مختومه شده است؛ استعلام دوباره فرستاده نمی‌شود."))
        now = timezone.now()
        locked.state = InquiryState.PENDING
        locked.attempts = 0
        locked.next_attempt_at = now
        locked.lease_expires_at = None
        locked.save()
        _event(locked, EventKind.INQUIRY_RETRIED, at=now, actor=by, note=locked.inquiry_type.name)
    return locked


def inquiry_cancel(*, inquiry: Inquiry, by: User) -> Inquiry:
    with transaction.atomic():
        locked = _locked(inquiry)
        if not locked.can_cancel:
            raise WorkflowError(_("این استعلام دیگر لغوشدنی نیست."))
        now = timezone.now()
        locked.state = InquiryState.CANCELLED
        locked.next_attempt_at = None
        locked.lease_expires_at = None
        locked.save()
        _event(locked, EventKind.INQUIRY_CANCELLED, at=now, actor=by, note=locked.inquiry_type.name)
        if locked.adapter == Adapter.NETWORK_AGENCY:
            item_clock_sync(item=locked.item, actor=by, at=now)
    return locked


# --- The registry worker's outcomes -------------------------------------------------------------


def _still_claimed(inquiry_pk: int, attempt: int) -> Inquiry | None:
    """The inquiry, locked, if the worker's claim (state ``sent``, same total attempt) still holds."""
    return (
        Inquiry.objects.select_for_update()
        .select_related("inquiry_type")
        .filter(pk=inquiry_pk, state=InquiryState.SENT, total_attempts=attempt)
        .first()
    )


def record_registry_answer(*, inquiry_pk: int, attempt: int, text: str, payload: Any) -> bool:
    """Record the registry's answer once. False when the claim lapsed (another worker took over,
    or staff cancelled): then nothing is written."""
    with transaction.atomic():
        locked = _still_claimed(inquiry_pk, attempt)
        if locked is None:
            return False
        _record_answered(locked, at=timezone.now(), actor=None, text=text, payload=payload)
    return True


def record_registry_failure(*, inquiry_pk: int, attempt: int, kind: ErrorKind, status: int | None, retry: bool) -> str:
    """A failed attempt: wait and try again, or fail for good once the attempts are used up (or a
    retry cannot help). Returns the new state, or "" when the claim was no longer ours."""
    with transaction.atomic():
        locked = _still_claimed(inquiry_pk, attempt)
        if locked is None:
            return ""
        now = timezone.now()
        locked.last_error_kind = kind
        locked.last_error_status = status
        locked.lease_expires_at = None
        if retry and locked.attempts < locked.inquiry_type.max_attempts:
            locked.state = InquiryState.WAITING_RETRY
            locked.next_attempt_at = now + datetime.timedelta(seconds=retry_delay(locked.attempts))
            locked.save()
        else:
            locked.state = InquiryState.FAILED
            locked.next_attempt_at = None
            locked.save()
            note = _("%(type)s — پس از %(n)s بار تلاش: %(reason)s") % {
                "type": locked.inquiry_type.name,
                "n": screen_digits(locked.attempts),
                "reason": locked.last_error,
            }
            _event(locked, EventKind.INQUIRY_FAILED, at=now, actor=None, note=note)
        return str(locked.state)
