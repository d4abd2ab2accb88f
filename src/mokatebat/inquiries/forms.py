"""Inquiry forms: staff ask on the item page, the other agency answers in its inbox."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mokatebat.core.forms import PersianChoicesMixin, PersianForm, accept_typed_numbers, normalize_data
from mokatebat.correspondence.uploads import check_upload
from mokatebat.correspondence.workflow import CheckedUpload
from mokatebat.organization.models import Organization

from .models import InquiryType, InquiryTypeQuerySet, SharedField, registry_host_allowed


class TypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if not obj.is_available:
            return str(_("%(name)s (در دسترس نیست: سامانه استعلام وصل نیست)") % {"name": obj.name})
        return str(obj.name)


class AskForm(PersianForm):
    inquiry_type = TypeChoiceField(
        label=_("نوع استعلام"), queryset=InquiryType.objects.none(), to_field_name="public_id", empty_label=None
    )
    question = forms.CharField(
        label=_("پرسش یا توضیح (اختیاری)"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )

    def __init__(self, *args: Any, types: InquiryTypeQuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["inquiry_type"].queryset = types  # type: ignore[attr-defined]
        self.fields["inquiry_type"].error_messages["invalid_choice"] = _(
            "این نوع استعلام برای این دستگاه تعریف نشده است."
        )

    def clean_inquiry_type(self) -> InquiryType:
        chosen: InquiryType = self.cleaned_data["inquiry_type"]
        if not chosen.is_available:
            raise ValidationError(
                _("«%(name)s» اکنون در دسترس نیست: سامانه استعلام آن وصل یا مجاز نیست.") % {"name": chosen.name}
            )
        return chosen


class AnswerForm(PersianForm):
    text = forms.CharField(label=_("متن پاسخ"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    attachment = forms.FileField(label=_("پیوست (اختیاری، PDF یا تصویر)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checked_upload: CheckedUpload | None = None

    def clean_attachment(self) -> Any:
        upload = self.cleaned_data.get("attachment")
        if upload:
            self.checked_upload = check_upload(upload)
        return upload


class InquiryTypeAdminForm(forms.ModelForm):
    """Shared fields as tick boxes rather than comma-separated text."""

    shared_fields = forms.TypedMultipleChoiceField(
        label=_("اطلاعاتی که فرستاده می‌شود"),
        choices=SharedField.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("فقط همین‌ها به دستگاه یا سامانه دیگر می‌رسد؛ کد رهگیری هرگز فرستاده نمی‌شود."),
    )

    registry_url = forms.URLField(
        label=_("نشانی سامانه استعلام"),
        required=False,
        assume_scheme="https",
        help_text=InquiryType._meta.get_field("registry_url").help_text,
    )

    class Meta:
        model = InquiryType
        fields = [
            "agency",
            "name",
            "adapter",
            "target_agency",
            "registry_url",
            "registry_code",
            "timeout_seconds",
            "max_attempts",
            "shared_fields",
            "show_to_citizen",
            "is_active",
        ]


class InquiryTypeForm(PersianChoicesMixin, forms.ModelForm):  # the agency's own page; the agency comes from the person
    shared_fields = forms.TypedMultipleChoiceField(
        label=_("اطلاعاتی که فرستاده می‌شود"),
        choices=SharedField.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("فقط همین‌ها به دستگاه یا سامانه دیگر می‌رسد؛ کد رهگیری هرگز فرستاده نمی‌شود."),
    )
    registry_url = forms.URLField(
        label=_("نشانی سامانه استعلام"),
        required=False,
        assume_scheme="https",
        help_text=InquiryType._meta.get_field("registry_url").help_text,
    )
    timeout_seconds = forms.IntegerField(label=_("مهلت پاسخ (ثانیه)"), min_value=1, max_value=120, initial=10)
    max_attempts = forms.IntegerField(label=_("بیشترین دفعات تلاش"), min_value=1, max_value=20, initial=5)

    class Meta:
        model = InquiryType
        fields = [
            "name",
            "adapter",
            "target_agency",
            "registry_url",
            "registry_code",
            "timeout_seconds",
            "max_attempts",
            "shared_fields",
            "show_to_citizen",
            "is_active",
        ]

    def __init__(self, data: Any = None, *args: Any, agency: Organization, **kwargs: Any) -> None:
        super().__init__(normalize_data(data), *args, **kwargs)
        accept_typed_numbers(self)
        self.instance.agency = agency
        target = self.fields["target_agency"]
        target.queryset = Organization.objects.agencies().exclude(pk=agency.pk)  # type: ignore[attr-defined]
        target.to_field_name = "code"  # type: ignore[attr-defined]
        if self.instance.target_agency_id is not None and not self.is_bound:
            self.initial["target_agency"] = self.instance.target_agency.code
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def clean_registry_url(self) -> str:
        url: str = self.cleaned_data.get("registry_url") or ""
        if url and not registry_host_allowed(url):
            raise ValidationError(_("این نشانی در فهرست سامانه‌های استعلام مجاز نیست؛ مدیر شبکه باید آن را مجاز کند."))
        return url

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        clash = InquiryType.objects.filter(agency=self.instance.agency, name=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("این دستگاه نوع استعلامی با همین عنوان دارد."))
        return name
