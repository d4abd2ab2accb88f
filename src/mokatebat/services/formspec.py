"""A service form as data: the field specs its owner builds, and the Django form class built from them.

A spec is a plain dict stored as JSON (in the draft and, frozen, in a ``FormVersion``):
``{"key", "type", "label", "help_text", "required", "options", "max_mb", "file_types", "show_if"}``
where ``show_if`` is ``{"field": <key>, "value": <text>}`` or ``None``. Answers are keyed by ``key``.
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mokatebat.core.forms import LegalIdField, MobileField, NationalIdField, PersianForm
from mokatebat.core.i18n import screen_digits
from mokatebat.core.jalali import format_jalali_date
from mokatebat.correspondence.forms import SubmitLetterForm
from mokatebat.correspondence.models import PendingUpload
from mokatebat.correspondence.staff_forms import JalaliDateField
from mokatebat.correspondence.uploads import ALLOWED_TYPES, check_upload
from mokatebat.correspondence.workflow import CheckedUpload, RequesterDetails, uploads_keep_for_retry

from .models import FieldType

FILE_TYPE_CHOICES = [("pdf", "PDF"), ("jpg", "JPG"), ("png", "PNG")]
KEY_PATTERN = re.compile(r"^f\d{1,4}$")
# The requester part of the letter form, shared field for field: same labels, checks and messages.
REQUESTER_FIELDS = (
    "requester_kind",
    "legal_name",
    "legal_national_id",
    "full_name",
    "national_id",
    "mobile",
    "email",
    "address",
)


def max_upload_mb() -> int:
    return max(1, settings.ATTACHMENT_MAX_BYTES // (1024 * 1024))


def condition_met(spec: dict[str, Any], values: dict[str, Any]) -> bool:
    """Whether a field is shown: always, or when the field it depends on has the given value."""
    show_if = spec.get("show_if")
    if not show_if:
        return True
    return str(values.get(show_if["field"]) or "") == str(show_if["value"])


class PostalCodeField(forms.CharField):
    default_error_messages = {"invalid": gettext_lazy("کد پستی باید ۱۰ رقم باشد، بدون خط تیره.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "postal-code", "dir": "ltr"})

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        compact = re.sub(r"[\s\-]", "", value or "")
        if not compact:
            return ""
        if not re.fullmatch(r"\d{10}", compact) or len(set(compact)) == 1:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return compact


class SpecFileField(forms.FileField):
    """One required document: its own size and type limits, then the shared content sniffing."""

    def __init__(self, *, max_mb: int, file_types: Sequence[str], **kwargs: Any) -> None:
        self.max_mb = max(1, min(int(max_mb), max_upload_mb()))
        self.file_types = [t for t in file_types if t in ALLOWED_TYPES] or ["pdf", "jpg", "png"]
        accept = ",".join(f".{t}" for t in self.file_types) + (",.jpeg" if "jpg" in self.file_types else "")
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": accept}))
        super().__init__(**kwargs)

    def check(self, upload: Any) -> CheckedUpload:
        name = upload.name or ""
        extension = name.rpartition(".")[2].lower() if "." in name else ""
        extension = "jpg" if extension == "jpeg" else extension
        kinds = "، ".join(t.upper() for t in self.file_types)
        if extension not in self.file_types:
            raise ValidationError(_("برای این مدرک فقط این نوع پرونده پذیرفته است: %(kinds)s.") % {"kinds": kinds})
        if (upload.size or 0) > self.max_mb * 1024 * 1024:
            raise ValidationError(_("این پرونده بزرگ‌تر از %(max)s مگابایت است.") % {"max": screen_digits(self.max_mb)})
        return check_upload(upload)


def _messages(label: str) -> dict[str, str]:
    return {
        "required": _("«%(label)s» را وارد کنید.") % {"label": label},
        "max_length": _("«%(label)s» طولانی‌تر از حد مجاز است.") % {"label": label},
    }


def _number_field(spec: dict[str, Any], **common: Any) -> forms.Field:
    field = forms.DecimalField(max_digits=18, decimal_places=4, **common)
    field.widget.attrs.update({"inputmode": "decimal", "dir": "ltr"})
    return field


def _choice_field(spec: dict[str, Any], **common: Any) -> forms.Field:
    options = [(option, option) for option in spec.get("options", [])]
    return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)


def _file_field(spec: dict[str, Any], **common: Any) -> forms.Field:
    field = SpecFileField(max_mb=spec.get("max_mb") or 2, file_types=spec.get("file_types") or [], **common)
    limits = _("%(kinds)s، حداکثر %(max)s مگابایت.") % {
        "kinds": "، ".join(kind.upper() for kind in field.file_types),
        "max": screen_digits(field.max_mb),
    }
    field.help_text = f"{common['help_text']} {limits}".strip()
    return field


_BUILDERS: dict[str, Callable[..., forms.Field]] = {
    FieldType.TEXT: lambda spec, **common: forms.CharField(max_length=500, **common),
    FieldType.LONG_TEXT: lambda spec, **common: forms.CharField(
        max_length=10000, widget=forms.Textarea(attrs={"rows": 4}), **common
    ),
    FieldType.NUMBER: _number_field,
    FieldType.JALALI_DATE: lambda spec, **common: JalaliDateField(**common),
    FieldType.CHOICE: _choice_field,
    FieldType.NATIONAL_ID: lambda spec, **common: NationalIdField(**common),
    FieldType.LEGAL_ID: lambda spec, **common: LegalIdField(**common),
    FieldType.MOBILE: lambda spec, **common: MobileField(**common),
    FieldType.POSTAL_CODE: lambda spec, **common: PostalCodeField(**common),
    FieldType.FILE: _file_field,
}


def build_field(spec: dict[str, Any]) -> forms.Field:
    """The Django field for one spec, with messages that name it."""
    label = str(spec["label"])
    # A conditional field keeps its "required" (and its asterisk); ``clean`` drops the error when hidden.
    required = bool(spec.get("required"))
    builder = _BUILDERS.get(spec["type"])
    if builder is None:
        raise ValueError(f"unknown field type {spec['type']!r}")
    field = builder(spec, label=label, required=required, help_text=spec.get("help_text", ""))
    field.error_messages.update(_messages(label))
    named = {"label": label}
    if spec["type"] == FieldType.NUMBER:
        field.error_messages["invalid"] = _("در «%(label)s» فقط عدد وارد کنید.") % named
    if spec["type"] == FieldType.CHOICE:
        field.error_messages["required"] = _("یکی از گزینه‌های «%(label)s» را انتخاب کنید.") % named
        field.error_messages["invalid_choice"] = field.error_messages["required"]
    if spec["type"] == FieldType.FILE:
        field.error_messages["required"] = _("مدرک «%(label)s» را بارگذاری کنید.") % named
    return field


class ServiceRequestFormBase(PersianForm):
    """The citizen's request: the service's own fields (added by ``request_form_class``) + requester."""

    # Short enough that "service:<nonce>" fits the item's 64-character idempotency key.
    nonce = forms.CharField(widget=forms.HiddenInput, max_length=48)
    specs: list[dict[str, Any]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        nonce = self.data.get("nonce", "") if self.is_bound else ""
        # Documents kept from an earlier, failed try of this same form (the nonce is the form's secret).
        pending = PendingUpload.objects.filter(form_nonce=nonce) if nonce else PendingUpload.objects.none()
        self.pending_by_id = {str(p.public_id): p for p in pending}
        self.checked: dict[str, CheckedUpload] = {}
        self.kept: dict[str, PendingUpload] = {}

    def _kept_for(self, key: str) -> PendingUpload | None:
        return self.pending_by_id.get(self.data.get(f"keep_{key}", "")) if self.is_bound else None

    def kept_document(self, key: str) -> PendingUpload | None:
        """The document already uploaded for this field, shown so the citizen need not send it again."""
        return self.kept.get(key) or self._kept_for(key)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        values = {spec["key"]: self.data.get(spec["key"], "") for spec in self.specs}
        for spec in self.specs:  # in order: a condition refers to an earlier field
            key = spec["key"]
            if not condition_met(spec, values):
                # Hidden by its condition: neither required nor kept, whatever the browser sent.
                self.errors.pop(key, None)
                data.pop(key, None)
                values[key] = ""
                continue
            if spec["type"] == FieldType.FILE:
                self._clean_document(spec, data)
        self._clean_requester(data)
        return data

    def _clean_document(self, spec: dict[str, Any], data: dict[str, Any]) -> None:
        key = spec["key"]
        field = self.fields[key]
        assert isinstance(field, SpecFileField)
        upload = data.get(key)
        if upload:
            if key not in self.errors:
                try:
                    self.checked[key] = field.check(upload)
                except ValidationError as error:
                    self.add_error(key, error)
            return
        kept = self._kept_for(key)
        if kept is not None:
            self.errors.pop(key, None)  # "required" does not apply: the document came with the last try
            self.kept[key] = kept
        elif spec.get("required") and key not in self.errors:
            self.add_error(key, field.error_messages["required"])

    def _clean_requester(self, data: dict[str, Any]) -> None:
        if data.get("requester_kind") == "legal":
            if not data.get("legal_name"):
                self.add_error("legal_name", _("نام شخص حقوقی را بنویسید."))
            if not data.get("legal_national_id") and "legal_national_id" not in self.errors:
                self.add_error("legal_national_id", _("شناسه ملی شخص حقوقی را وارد کنید."))

    def remember_uploads(self) -> None:
        """After a failed submit, keep the documents that passed their checks for the next try."""
        nonce = self.cleaned_data.get("nonce", "")  # only a well-formed nonce keeps files
        for key, upload in list(self.checked.items()):
            if nonce:
                self.kept[key] = uploads_keep_for_retry(form_nonce=nonce, uploads=[upload])[0]
        self.checked = {}

    def answers(self) -> dict[str, Any]:
        """The answers as JSON, keyed by field; documents are filled in once stored as attachments."""
        result: dict[str, Any] = {}
        for spec in self.specs:
            key = spec["key"]
            value = self.cleaned_data.get(key)
            if spec["type"] == FieldType.FILE or value in (None, ""):
                continue
            if isinstance(value, datetime.date):
                value = value.isoformat()
            elif isinstance(value, decimal.Decimal):
                value = format(value.normalize(), "f")
            result[key] = value
        return result

    def requester_details(self) -> RequesterDetails:
        data = self.cleaned_data
        is_legal = data["requester_kind"] == "legal"
        return RequesterDetails(
            kind=data["requester_kind"],
            full_name=data["full_name"],
            national_id=data["national_id"],
            mobile=data["mobile"],
            email=data.get("email") or "",
            address=data.get("address") or "",
            legal_name=data.get("legal_name", "") if is_legal else "",
            legal_national_id=data.get("legal_national_id", "") if is_legal else "",
        )


def request_form_class(specs: Sequence[dict[str, Any]]) -> type[ServiceRequestFormBase]:
    """A form class for one form version: its fields in order, then the letter form's requester fields."""
    attrs: dict[str, Any] = {spec["key"]: build_field(spec) for spec in specs}
    for name in REQUESTER_FIELDS:
        attrs[name] = SubmitLetterForm.base_fields[name]
    attrs["specs"] = list(specs)
    return type("ServiceRequestForm", (ServiceRequestFormBase,), attrs)


def display_answer(spec: dict[str, Any], value: Any) -> str:
    """An answer as a person reads it (Jalali dates, the document's name)."""
    if value in (None, ""):
        return ""
    if spec["type"] == FieldType.JALALI_DATE:
        try:
            return format_jalali_date(datetime.date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if spec["type"] == FieldType.FILE and isinstance(value, dict):
        return str(value.get("name", ""))
    return str(value)


def answer_rows(specs: Sequence[dict[str, Any]], answers: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for spec in specs:
        if spec["key"] not in answers:
            continue
        value = answers[spec["key"]]
        attachment = value.get("attachment", "") if isinstance(value, dict) else ""
        rows.append(
            {"spec": spec, "label": spec["label"], "value": display_answer(spec, value), "attachment": attachment}
        )
    return rows
