"""Every change to services: card versions, the form draft and its published versions, a citizen's
request (an item through ``correspondence.workflow``) and the delivered outcome (an issued response).
Each function is one transaction; the item's timeline and SMS come from the correspondence steps."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.html import escape
from django.utils.translation import gettext as _

from mokatebat.core.persian import search_key
from mokatebat.correspondence import workflow as cw
from mokatebat.correspondence.models import Item, Kind, PendingUpload, Response
from mokatebat.correspondence.workflow import CheckedUpload, RequesterDetails, WorkflowError
from mokatebat.inquiries.workflow import ask_declared
from mokatebat.organization.models import Organization, Unit, User

from .formspec import answer_rows
from .models import FormVersion, OutcomeKind, Service, ServiceCardVersion, ServiceRequest

# The card's content fields, as the edit form hands them over.
CARD_FIELDS = (
    "title",
    "category",
    "description",
    "steps",
    "required_documents",
    "laws",
    "faq",
    "expected_duration",
    "fees",
    "complaint_procedure",
    "responsible_title",
    "responsible_unit",
    "channels",
    "appointment_required",
    "is_published",
    "keywords",
)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise WorkflowError(message)


def _locked(service: Service) -> Service:
    return Service.objects.select_for_update().select_related("agency").get(pk=service.pk)


def service_create(*, agency: Organization, code: str, card: dict[str, Any], actor: User) -> Service:
    """A new service with its first card version."""
    _require(
        not Service.objects.filter(agency=agency, code=code).exists(),
        _("این شناسه خدمت در این دستگاه پیش‌تر به کار رفته است."),
    )
    with transaction.atomic():
        service = Service.objects.create(agency=agency, code=code)
        card_save(service=service, card=card, actor=actor)
    return service


def card_save(*, service: Service, card: dict[str, Any], actor: User) -> ServiceCardVersion:
    """Save the card as a new immutable version; the public sees the newest published one."""
    unit: Unit | None = card.get("responsible_unit")
    if unit is not None and unit.organization_id != service.agency_id:
        raise ValueError("the responsible unit belongs to the service's agency")
    with transaction.atomic():
        service = _locked(service)
        number = (service.card_versions.aggregate(last=Max("number"))["last"] or 0) + 1
        content = {name: card[name] for name in CARD_FIELDS if name in card}
        words = " ".join(
            [
                content.get("title", ""),
                content.get("category", ""),
                content.get("description", ""),
                *content.get("keywords", []),
            ]
        )
        version = ServiceCardVersion.objects.create(
            service=service, number=number, created_by=actor, search_document=search_key(words), **content
        )
        inquiry_types = list(card.get("inquiry_types") or [])
        if any(inquiry_type.agency_id != service.agency_id for inquiry_type in inquiry_types):
            raise ValueError("a service declares only its own agency's inquiry types")
        version.inquiry_types.set(inquiry_types)
        service.current_version = version
        update = ["current_version"]
        if version.is_published:
            service.published_version = version
            update.append("published_version")
        service.save(update_fields=update)
    return version


def service_withdraw(*, service: Service, actor: User) -> Service:
    """Take the service out of the public catalogue; saving a published version brings it back.
    Its versions and requests stay as they were."""
    with transaction.atomic():
        service = _locked(service)
        service.published_version = None
        service.save(update_fields=["published_version"])
    return service


def _next_key(fields: Sequence[dict[str, Any]]) -> str:
    numbers = [int(spec["key"][1:]) for spec in fields]
    return f"f{max(numbers, default=0) + 1}"


def form_field_save(*, service: Service, spec: dict[str, Any], key: str | None = None) -> dict[str, Any]:
    """Add a field to the draft form, or replace the one with ``key``. The key never changes, so
    answers to the same question stay comparable across form versions."""
    with transaction.atomic():
        service = _locked(service)
        fields = list(service.form_draft)
        keys = [existing["key"] for existing in fields]
        show_if = spec.get("show_if")
        if show_if:
            earlier = keys if key is None else keys[: keys.index(key)] if key in keys else keys
            _require(show_if["field"] in earlier, _("شرط نمایش فقط می‌تواند به فیلدهای پیشین اشاره کند."))
        if key is None:
            spec = {**spec, "key": _next_key(fields)}
            fields.append(spec)
        else:
            _require(key in keys, _("این فیلد در فرم نیست."))
            spec = {**spec, "key": key}
            fields[keys.index(key)] = spec
        service.form_draft = fields
        service.save(update_fields=["form_draft"])
    return spec


def form_field_move(*, service: Service, key: str, offset: int) -> None:
    """Move a field up (-1) or down (+1); a condition may not end up before the field it depends on."""
    with transaction.atomic():
        service = _locked(service)
        fields = list(service.form_draft)
        keys = [spec["key"] for spec in fields]
        _require(key in keys, _("این فیلد در فرم نیست."))
        index = keys.index(key)
        target = index + offset
        if not 0 <= target < len(fields):
            return
        fields[index], fields[target] = fields[target], fields[index]
        _require(_conditions_point_back(fields), _("فیلدی که شرط نمایش دارد باید پس از فیلد شرط بیاید."))
        service.form_draft = fields
        service.save(update_fields=["form_draft"])


def _conditions_point_back(fields: Sequence[dict[str, Any]]) -> bool:
    seen: set[str] = set()
    for spec in fields:
        show_if = spec.get("show_if")
        if show_if and show_if["field"] not in seen:
            return False
        seen.add(spec["key"])
    return True


def form_field_remove(*, service: Service, key: str) -> None:
    with transaction.atomic():
        service = _locked(service)
        fields = [spec for spec in service.form_draft if spec["key"] != key]
        _require(
            not any((spec.get("show_if") or {}).get("field") == key for spec in fields),
            _("فیلد دیگری به این فیلد شرط دارد؛ نخست آن شرط را بردارید."),
        )
        service.form_draft = fields
        service.save(update_fields=["form_draft"])


def form_publish(*, service: Service, actor: User) -> FormVersion:
    """Freeze the draft as the form citizens fill from now on; earlier requests keep their version."""
    with transaction.atomic():
        service = _locked(service)
        _require(bool(service.form_draft), _("فرم هنوز فیلدی ندارد."))
        number = (service.form_versions.aggregate(last=Max("number"))["last"] or 0) + 1
        version = FormVersion.objects.create(
            service=service, number=number, fields=list(service.form_draft), published_by=actor
        )
        service.form_version = version
        service.save(update_fields=["form_version"])
    return version


def _request_text(card: ServiceCardVersion, form: FormVersion | None, answers: dict[str, Any], note: str) -> str:
    """The item's body: the answers in words, so search, lists and exports need no special case;
    then what the requester wrote besides the form (a channel like Open311 has such a text)."""
    lines = [_("درخواست خدمت «%(title)s»") % {"title": card.title}]
    for row in answer_rows(form.fields if form else [], answers):
        lines.append(f"{row['label']}: {row['value']}")
    if note.strip():
        lines.append(_("توضیح متقاضی: %(note)s") % {"note": note.strip()})
    return "\n".join(lines)


def service_request_submit(
    *,
    service: Service,
    requester: RequesterDetails,
    answers: dict[str, Any],
    documents: dict[str, CheckedUpload],
    kept_documents: dict[str, PendingUpload],
    idempotency_key: str,
    at: datetime.datetime | None = None,
    created_by: User | None = None,
    note: str = "",
    notify: bool = True,
) -> tuple[Item, bool]:
    """The citizen's request: an item (tracking code, SMS) and its ``ServiceRequest`` in one
    transaction, then registered and referred to the service's responsible unit, or left to the
    secretariat. Either way the submission sends the citizen one SMS that names the service and
    carries the tracking code (and, when routed, the registration number); every step stays public.
    ``notify`` False stores everything the same and texts nothing (an unproven mobile over its cap)."""
    card = service.published_version
    _require(card is not None, _("این خدمت منتشر نشده است."))
    assert card is not None
    form = service.form_version
    with transaction.atomic():
        item, created = cw.item_submit(
            agency=service.agency,
            unit=card.responsible_unit,
            kind=Kind.REQUEST,
            subject=(_("درخواست خدمت: %(title)s") % {"title": card.title})[:200],
            body=_request_text(card, form, answers, note),
            requester=requester,
            uploads=list(documents.values()),
            kept_uploads=list(kept_documents.values()),
            idempotency_key=idempotency_key,
            created_by=created_by,
            at=at,
            notify=False,  # the SMS below names the service, which the item knows only once stored
        )
        if not created:
            return item, False
        # item_submit stores new uploads first, then kept ones, each in the order given.
        attachments = list(item.attachments.order_by("pk"))
        for key, attachment in zip([*documents, *kept_documents], attachments, strict=True):
            answers = {**answers, key: {"name": attachment.original_name, "attachment": str(attachment.public_id)}}
        ServiceRequest.objects.create(item=item, service=service, card_version=card, form_version=form, answers=answers)
        cw.item_restamp(item=item)  # the card's declared duration is the most specific deadline
        ask_declared(item=item, inquiry_types=list(card.inquiry_types.all()))
        if card.responsible_unit is not None and card.responsible_unit.is_active:
            cw.item_register(item=item, actor=None, notify=notify)  # its SMS: tracking code, number and date
            cw.item_refer(
                item=item,
                actor=None,
                unit=card.responsible_unit,
                instruction=_("ارجاع خودکار درخواست خدمت «%(title)s»") % {"title": card.title},
                notify=False,
            )
        elif notify:
            cw.submission_notify(item=item)
    return item, True


def service_outcome_issue(
    *, service_request: ServiceRequest, actor: User, kind: str, title: str, text: str, unit: Unit | None = None
) -> Response:
    """Deliver the service (R8): an issued document or a decision, as a numbered response the
    citizen downloads as a PDF with a QR verification code; the response step sends the SMS."""
    title, text = title.strip(), text.strip()
    _require(kind in OutcomeKind.values, _("نوع خروجی را انتخاب کنید."))
    _require(bool(text), _("متن سند یا تصمیم را بنویسید."))
    with transaction.atomic():
        locked = (
            ServiceRequest.objects.select_for_update(of=("self",))
            .select_related("item", "card_version__responsible_unit")
            .get(pk=service_request.pk)
        )
        _require(locked.outcome_id is None, _("خروجی این درخواست پیش‌تر صادر شده است."))
        _require(locked.item.status != "closed", _("این درخواست مختومه است."))
        paragraphs = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines() if line.strip())
        heading = f"<p><strong>{escape(title)}</strong></p>" if title else ""
        response = cw.response_issue(
            item=locked.item,
            actor=actor,
            body=heading + paragraphs,
            unit=unit or locked.card_version.responsible_unit,
            signer=actor,
            signer_title="",
        )
        locked.outcome_kind = kind
        locked.outcome = response
        locked.save(update_fields=["outcome_kind", "outcome"])
    return response


__all__ = [
    "card_save",
    "form_field_move",
    "form_field_remove",
    "form_field_save",
    "form_publish",
    "service_create",
    "service_outcome_issue",
    "service_request_submit",
    "service_withdraw",
]
