"""The service owner's forms (card, form fields, delivery) and the public catalogue filter."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from mokatebat.core.forms import PersianForm
from mokatebat.core.i18n import screen_digits
from mokatebat.inquiries.models import InquiryType
from mokatebat.organization.models import Organization, Unit

from .formspec import FILE_TYPE_CHOICES, max_upload_mb
from .models import FieldType, OutcomeKind, ServiceCardVersion, ServiceChannel

SEPARATOR = "|"
CHECKBOX = forms.CheckboxInput(attrs={"class": "form-check-input"})


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _pairs(text: str, first: str, second: str, message: str) -> list[dict[str, str]]:
    pairs = []
    for line in _lines(text):
        head, sep, tail = line.partition(SEPARATOR)
        if not sep or not head.strip() or not tail.strip():
            raise ValidationError(message % {"line": line})
        pairs.append({first: head.strip(), second: tail.strip()})
    return pairs


class CardForm(PersianForm):
    """Every field of the service card (شناسنامه خدمت) the ASO directive lists."""

    title = forms.CharField(label=_("عنوان خدمت"), max_length=200)
    category = forms.CharField(label=_("دسته"), max_length=100, help_text=_("مثلاً «مجوزها» یا «استعلام‌ها»"))
    description = forms.CharField(label=_("شرح خدمت"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    steps = forms.CharField(
        label=_("مراحل گردش کار"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("هر مرحله در یک سطر، به ترتیب."),
    )
    required_documents = forms.CharField(
        label=_("مدارک لازم"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("هر مدرک در یک سطر."),
    )
    laws = forms.CharField(
        label=_("قوانین و مقررات"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("هر سطر: عنوان | نشانی اینترنتی"),
    )
    faq = forms.CharField(
        label=_("پرسش‌های متداول"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("هر سطر: پرسش | پاسخ"),
    )
    keywords = forms.CharField(
        label=_("کلیدواژه‌ها و هم‌معناها"),
        required=False,
        max_length=1000,
        help_text=_("واژه‌هایی که مردم برای این خدمت به کار می‌برند، با «،» جدا؛ مثلاً «مجوز مطب، پروانه مطب»."),
    )
    expected_duration = forms.CharField(label=_("مدت زمان انجام"), max_length=120, help_text=_("مثلاً «۱۰ روز کاری»"))
    fees = forms.CharField(
        label=_("هزینه‌ها"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("مبلغ و روش پرداخت؛ اگر رایگان است بنویسید «رایگان»."),
    )
    complaint_procedure = forms.CharField(label=_("رویه شکایت و پیگیری"), widget=forms.Textarea(attrs={"rows": 3}))
    responsible_title = forms.CharField(label=_("سمت مسئول ارائه خدمت"), max_length=200)
    responsible_unit = forms.ModelChoiceField(
        label=_("واحد مسئول"),
        queryset=Unit.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("دبیرخانه دستگاه تعیین کند"),
        help_text=_("درخواست‌های این خدمت پس از ثبت خودکار به این واحد ارجاع می‌شوند."),
    )
    channels = forms.MultipleChoiceField(
        label=_("روش‌های ارائه"), choices=ServiceChannel.choices, widget=forms.CheckboxSelectMultiple
    )
    appointment_required = forms.BooleanField(
        label=_("برای این خدمت نوبت حضوری لازم است"), required=False, widget=CHECKBOX
    )
    is_published = forms.BooleanField(label=_("در فهرست عمومی خدمات منتشر شود"), required=False, widget=CHECKBOX)
    inquiry_types = forms.ModelMultipleChoiceField(
        label=_("استعلام‌هایی که با ثبت هر درخواست خودکار فرستاده می‌شود"),
        queryset=InquiryType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        to_field_name="public_id",
    )

    def __init__(self, *args: Any, agency: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(organization=agency, is_active=True).order_by("name")
        self.fields["responsible_unit"].queryset = units  # type: ignore[attr-defined]
        inquiry_types = InquiryType.objects.filter(agency=agency, is_active=True).order_by("name")
        self.fields["inquiry_types"].queryset = inquiry_types  # type: ignore[attr-defined]
        self.fields["channels"].error_messages["required"] = _("دست‌کم یک روش ارائه را انتخاب کنید.")

    def clean_steps(self) -> list[str]:
        return _lines(self.cleaned_data["steps"])

    def clean_required_documents(self) -> list[str]:
        return _lines(self.cleaned_data["required_documents"])

    def clean_laws(self) -> list[dict[str, str]]:
        laws = _pairs(
            self.cleaned_data["laws"], "title", "url", str(_("سطر «%(line)s» باید به شکل «عنوان | نشانی» باشد."))
        )
        check = URLValidator(schemes=["http", "https"])
        for law in laws:
            try:
                check(law["url"])
            except ValidationError as error:
                raise ValidationError(_("نشانی «%(url)s» درست نیست.") % {"url": law["url"]}) from error
        return laws

    def clean_keywords(self) -> list[str]:
        words = re.split(r"[،,\n]", self.cleaned_data["keywords"])
        kept = list(dict.fromkeys(word.strip() for word in words if word.strip()))
        if any(len(word) > 100 for word in kept):
            raise ValidationError(_("هر کلیدواژه حداکثر ۱۰۰ نویسه است."))
        return kept

    def clean_faq(self) -> list[dict[str, str]]:
        message = str(_("سطر «%(line)s» باید به شکل «پرسش | پاسخ» باشد."))
        return _pairs(self.cleaned_data["faq"], "question", "answer", message)

    @staticmethod
    def initial_from(version: ServiceCardVersion) -> dict[str, Any]:
        return {
            "title": version.title,
            "category": version.category,
            "description": version.description,
            "steps": "\n".join(version.steps),
            "required_documents": "\n".join(version.required_documents),
            "laws": "\n".join(f"{law['title']} {SEPARATOR} {law['url']}" for law in version.laws),
            "faq": "\n".join(f"{q['question']} {SEPARATOR} {q['answer']}" for q in version.faq),
            "keywords": "، ".join(version.keywords),
            "expected_duration": version.expected_duration,
            "fees": version.fees,
            "complaint_procedure": version.complaint_procedure,
            "responsible_title": version.responsible_title,
            "responsible_unit": version.responsible_unit.public_id if version.responsible_unit else None,
            "channels": version.channels,
            "appointment_required": version.appointment_required,
            "inquiry_types": [inquiry_type.public_id for inquiry_type in version.inquiry_types.all()],
            "is_published": version.is_published,
        }


class NewServiceForm(CardForm):
    code = forms.SlugField(
        label=_("شناسه خدمت (لاتین)"),
        max_length=40,
        help_text=_("در نشانی صفحه خدمت؛ مثلاً clinic-license. پس از ساخت تغییر نمی‌کند."),
        error_messages={"invalid": _("فقط حروف کوچک لاتین، عدد و خط تیره.")},
    )
    field_order = ["code"]

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).lower()


class FieldSpecForm(PersianForm):
    """One field of a service form, as its owner describes it."""

    label = forms.CharField(label=_("عنوان فیلد"), max_length=200)
    type = forms.ChoiceField(label=_("نوع"), choices=FieldType.choices)
    help_text = forms.CharField(label=_("راهنما (اختیاری)"), max_length=300, required=False)
    required = forms.BooleanField(label=_("پر کردن الزامی است"), required=False, initial=True, widget=CHECKBOX)
    options = forms.CharField(
        label=_("گزینه‌ها (برای «انتخاب از فهرست»)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("هر گزینه در یک سطر."),
    )
    max_mb = forms.IntegerField(label=_("حداکثر حجم پرونده (مگابایت)"), min_value=1, required=False, initial=2)
    file_types = forms.MultipleChoiceField(
        label=_("نوع پرونده‌های پذیرفته"),
        choices=FILE_TYPE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=["pdf", "jpg", "png"],
    )
    show_if_field = forms.ChoiceField(label=_("فقط وقتی نمایش داده شود که فیلد"), required=False)
    show_if_value = forms.CharField(label=_("این مقدار را داشته باشد"), max_length=200, required=False)

    def __init__(self, *args: Any, earlier: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("همیشه نمایش داده شود"))] + [(spec["key"], spec["label"]) for spec in earlier]
        self.fields["show_if_field"].choices = choices  # type: ignore[attr-defined]
        self.fields["max_mb"].help_text = _("حداکثر %(max)s مگابایت.") % {"max": screen_digits(max_upload_mb())}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("type") == FieldType.CHOICE and len(_lines(data.get("options", ""))) < 2:
            self.add_error("options", _("دست‌کم دو گزینه بنویسید، هر کدام در یک سطر."))
        if data.get("type") == FieldType.FILE:
            if not data.get("max_mb") and "max_mb" not in self.errors:
                self.add_error("max_mb", _("حداکثر حجم پرونده را بنویسید."))
            elif (data.get("max_mb") or 0) > max_upload_mb():
                self.add_error("max_mb", self.fields["max_mb"].help_text)
            if not data.get("file_types"):
                self.add_error("file_types", _("دست‌کم یک نوع پرونده را انتخاب کنید."))
        if data.get("show_if_field") and not data.get("show_if_value"):
            self.add_error("show_if_value", _("مقداری را که فیلد با آن نمایش داده می‌شود بنویسید."))
        return data

    def spec(self) -> dict[str, Any]:
        data = self.cleaned_data
        spec: dict[str, Any] = {
            "type": data["type"],
            "label": data["label"],
            "help_text": data.get("help_text", ""),
            "required": bool(data.get("required")),
            "show_if": {"field": data["show_if_field"], "value": data["show_if_value"]}
            if data.get("show_if_field")
            else None,
        }
        if data["type"] == FieldType.CHOICE:
            spec["options"] = _lines(data["options"])
        if data["type"] == FieldType.FILE:
            spec["max_mb"] = data["max_mb"]
            spec["file_types"] = data["file_types"]
        return spec

    @staticmethod
    def initial_from(spec: dict[str, Any]) -> dict[str, Any]:
        show_if = spec.get("show_if") or {}
        return {
            "label": spec["label"],
            "type": spec["type"],
            "help_text": spec.get("help_text", ""),
            "required": spec.get("required", False),
            "options": "\n".join(spec.get("options", [])),
            "max_mb": spec.get("max_mb", 2),
            "file_types": spec.get("file_types", ["pdf", "jpg", "png"]),
            "show_if_field": show_if.get("field", ""),
            "show_if_value": show_if.get("value", ""),
        }


class OutcomeForm(PersianForm):
    """«صدور سند/تصمیم»: what the citizen receives at the end of the service."""

    PREFIX = "outcome"  # the item page has other steps with a «text» field

    kind = forms.ChoiceField(label=_("نوع خروجی"), choices=OutcomeKind.choices, widget=forms.RadioSelect)
    title = forms.CharField(
        label=_("عنوان سند"), max_length=200, required=False, help_text=_("مثلاً «پروانه تأسیس مطب»")
    )
    text = forms.CharField(label=_("متن سند یا تصمیم"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)


class CatalogueFilterForm(PersianForm):
    q = forms.CharField(label=_("جست‌وجو در خدمات"), required=False, max_length=100)
    agency = forms.ModelChoiceField(
        label=_("دستگاه"),
        queryset=Organization.objects.agencies(),
        to_field_name="code",
        required=False,
        empty_label=_("همه دستگاه‌ها"),
    )
    category = forms.CharField(label=_("دسته"), required=False, max_length=100, widget=forms.HiddenInput)
