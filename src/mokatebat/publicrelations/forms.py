"""Forms of the public-relations pages. Inputs are normalised once by ``PersianForm`` (digits, ی/ک)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mokatebat.core.forms import MobileField, PersianForm
from mokatebat.core.jalali import format_jalali_datetime
from mokatebat.correspondence.forms import SubmitLetterForm
from mokatebat.correspondence.models import Attachment, Kind
from mokatebat.correspondence.staff_forms import JalaliDateField, UnitChoiceMixin, VersionedForm
from mokatebat.organization.models import Organization, Unit

from .filecleaning import Region, parse_regions
from .models import (
    PR_KINDS,
    WEEKEND_SLOT_MESSAGE,
    ExtraCategory,
    GuidanceCategory,
    GuidanceRecord,
    Meeting,
    MeetingSlot,
    falls_on_weekend,
)

PR_KIND_CHOICES = [(k.value, k.label) for k in PR_KINDS]


class PrClassifyForm(VersionedForm, UnitChoiceMixin):
    kind = forms.ChoiceField(label=_("نوع"), choices=PR_KIND_CHOICES)
    extra_category = forms.ModelChoiceField(
        label=_("دسته دیگر"), queryset=ExtraCategory.objects.none(), required=False, to_field_name="code"
    )
    about_unit = forms.ModelChoiceField(
        label=_("درباره واحد"), queryset=Unit.objects.none(), required=False, to_field_name="public_id"
    )
    about_text = forms.CharField(label=_("درباره چه کسی / چه نهادی"), required=False, max_length=200)

    def __init__(self, *args: Any, agency: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_units(agency, "about_unit")
        extra = ExtraCategory.objects.filter(agency=agency, is_active=True)
        self.fields["extra_category"].queryset = extra  # type: ignore[attr-defined]


class ReferAnonymisedForm(VersionedForm, UnitChoiceMixin):
    unit = forms.ModelChoiceField(label=_("واحد یا معاونت"), queryset=Unit.objects.none(), to_field_name="public_id")
    subject = forms.CharField(label=_("موضوع (بی‌نام‌شده)"), max_length=200)
    body = forms.CharField(
        label=_("متن (بی‌نام‌شده)"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("شناسه‌ها و نام متقاضی خودکار حذف شده‌اند. هر چه دیگری متقاضی را می‌شناساند پاک کنید."),
    )
    attachments = forms.ModelMultipleChoiceField(
        label=_("پیوست‌هایی که به واحد فرستاده شود"),
        queryset=Attachment.objects.none(),
        required=False,
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("فقط پیوستی را بفرستید که پیش‌نمایش آن را دیده‌اید و هویت متقاضی در آن نیست."),
    )
    instruction = forms.CharField(label=_("دستور"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    deadline = JalaliDateField(label=_("مهلت"), required=False)

    def __init__(self, *args: Any, agency: Organization, attachments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_units(agency, "unit")
        self.fields["attachments"].queryset = attachments  # type: ignore[attr-defined]
        # One «cover these regions» box per file; drawn on the preview or typed.
        for attachment in attachments:
            self.fields[self.regions_field(attachment)] = forms.CharField(
                label=_("ناحیه‌های پوشانده"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(
                    attrs={
                        "rows": 2,
                        "dir": "ltr",
                        "class": "form-control",
                        "data-cover-regions": str(attachment.public_id),
                    }
                ),
                help_text=_("روی پیش‌نمایش بکشید یا بنویسید، هر ناحیه در یک سطر: صفحه: x y پهنا بلندی (درصد)."),
            )

    @staticmethod
    def regions_field(attachment: Attachment) -> str:
        return f"regions_{attachment.public_id.hex}"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        regions: dict[Any, list[Region]] = {}
        for attachment in self.fields["attachments"].queryset:  # type: ignore[attr-defined]
            name = self.regions_field(attachment)
            try:
                regions[attachment.pk] = parse_regions(data.get(name, ""))
            except forms.ValidationError as error:
                self.add_error(name, error)
        data["regions"] = regions
        return data


class ReferAgainForm(VersionedForm, UnitChoiceMixin):
    """The same anonymised copy to another unit, after a unit returned it or reported."""

    unit = forms.ModelChoiceField(label=_("واحد یا معاونت"), queryset=Unit.objects.none(), to_field_name="public_id")
    instruction = forms.CharField(label=_("دستور"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    deadline = JalaliDateField(label=_("مهلت"), required=False)

    def __init__(self, *args: Any, agency: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_units(agency, "unit")


class AnswerCitizenForm(PersianForm):
    body = forms.CharField(label=_("متن پاسخ به متقاضی"), widget=forms.Textarea(attrs={"rows": 6}))


class UnitAnswerForm(PersianForm):
    text = forms.CharField(
        label=_("گزارش اقدام واحد"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("این گزارش به ارتباطات مردمی می‌رسد و آنها به متقاضی پاسخ می‌دهند."),
    )


class ReturnToPrForm(PersianForm, UnitChoiceMixin):
    """A unit's «برگشت» on an anonymised item: back to PR, with a reason or the competent unit."""

    prefix = "return"  # beside the reveal form's «reason» on the same page
    reason = forms.CharField(
        label=_("دلیل برگشت (برای ارتباطات مردمی)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    competent_unit = forms.ModelChoiceField(
        label=_("واحد صالح"), queryset=Unit.objects.none(), required=False, to_field_name="public_id"
    )

    def __init__(self, *args: Any, agency: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_units(agency, "competent_unit")


class RevealForm(PersianForm):
    reason = forms.CharField(
        label=_("دلیل دیدن هویت متقاضی"),
        widget=forms.Textarea(attrs={"rows": 2}),
        min_length=10,
        help_text=_("این دلیل با نام شما در سوابق این مورد ثبت می‌شود."),
    )


# --- Intake ---------------------------------------------------------------------------------------------


class GuidanceForm(PersianForm, UnitChoiceMixin):
    nonce = forms.CharField(widget=forms.HiddenInput)
    topic = forms.CharField(label=_("موضوع"), max_length=200)
    category = forms.ChoiceField(label=_("دسته"), choices=GuidanceCategory.choices)
    # A text box, not type=number: browsers refuse Persian digits in number inputs.
    duration_minutes = forms.IntegerField(
        label=_("مدت (دقیقه)"),
        min_value=1,
        max_value=600,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
    )
    outcome = forms.ChoiceField(
        label=_("نتیجه"), choices=GuidanceRecord.Outcome.choices, initial=GuidanceRecord.Outcome.GUIDED
    )
    transferred_to = forms.ModelChoiceField(
        label=_("واحدی که تماس به آن وصل شد"), queryset=Unit.objects.none(), required=False, to_field_name="public_id"
    )
    requester_name = forms.CharField(label=_("نام مراجعه‌کننده (اختیاری)"), max_length=120, required=False)
    requester_mobile = MobileField(label=_("شماره تلفن همراه (اختیاری)"), required=False)

    def __init__(self, *args: Any, agency: Organization, phone: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_units(agency, "transferred_to")
        if not phone:  # a visitor is guided in person; transferring is what a phone operator does
            del self.fields["outcome"]
            del self.fields["transferred_to"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == GuidanceRecord.Outcome.TRANSFERRED and not data.get("transferred_to"):
            self.add_error("transferred_to", _("واحدی را که تماس به آن وصل شد انتخاب کنید."))
        return data


class IntakeItemForm(SubmitLetterForm):
    """A visit or call registered as an item on the citizen's behalf (R17)."""

    def __init__(self, *args: Any, agency: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = PR_KIND_CHOICES  # type: ignore[attr-defined]
        self.fields["kind"].initial = Kind.COMPLAINT
        self.fields["kind"].label = _("نوع")
        units = Unit.objects.filter(organization=agency, is_active=True).order_by("name")
        self.fields["about_unit"].queryset = units  # type: ignore[attr-defined]
        for name in ("agency", "unit", "attachments", "keep_uploads"):
            del self.fields[name]  # the agency is the operator's own; files come by the online form


class ReportForm(PersianForm):
    date_from = JalaliDateField(label=_("از تاریخ"), required=False)
    date_to = JalaliDateField(label=_("تا تاریخ"), required=False)


# --- Meetings -------------------------------------------------------------------------------------------


class SlotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{format_jalali_datetime(obj.starts_at)} — {obj.place}"


class ScheduleForm(PersianForm):
    slot = SlotChoiceField(label=_("وقت ملاقات"), queryset=MeetingSlot.objects.none(), to_field_name="public_id")

    def __init__(self, *args: Any, agency: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        free = (
            MeetingSlot.objects.filter(agency=agency, is_active=True, starts_at__gt=timezone.now())
            .on_working_days()
            .exclude(pk__in=_booked_slots())
        )
        self.fields["slot"].queryset = free.order_by("starts_at")  # type: ignore[attr-defined]


def _booked_slots() -> Any:
    return Meeting.objects.filter(state=Meeting.State.SCHEDULED, slot__isnull=False).values("slot_id")


class ReasonForm(PersianForm):
    reason = forms.CharField(label=_("دلیل (برای متقاضی پیامک می‌شود)"), widget=forms.Textarea(attrs={"rows": 2}))


class RedirectForm(PersianForm, UnitChoiceMixin):
    unit = forms.ModelChoiceField(label=_("واحد صالح"), queryset=Unit.objects.none(), to_field_name="public_id")
    instruction = forms.CharField(label=_("دستور"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, agency: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_units(agency, "unit")


class OutcomeForm(PersianForm, UnitChoiceMixin):
    note = forms.CharField(label=_("شرح نتیجه ملاقات"), widget=forms.Textarea(attrs={"rows": 3}))
    follow_up = forms.BooleanField(
        label=_("نیاز به پیگیری دارد"), required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )
    unit_1 = forms.ModelChoiceField(label=_("واحد پیگیری"), queryset=Unit.objects.none(), required=False)
    instruction_1 = forms.CharField(label=_("دستور"), required=False, max_length=500)
    unit_2 = forms.ModelChoiceField(label=_("واحد پیگیری دوم"), queryset=Unit.objects.none(), required=False)
    instruction_2 = forms.CharField(label=_("دستور دوم"), required=False, max_length=500)

    def __init__(self, *args: Any, agency: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_units(agency, "unit_1", "unit_2")
        for name in ("unit_1", "unit_2"):
            self.fields[name].to_field_name = "public_id"  # type: ignore[attr-defined]

    def follow_ups(self) -> list[tuple[Unit, str]]:
        data = self.cleaned_data
        pairs = [(data.get(f"unit_{n}"), data.get(f"instruction_{n}", "")) for n in (1, 2)]
        return [(unit, text) for unit, text in pairs if unit is not None]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("follow_up") and not data.get("unit_1"):
            self.add_error("unit_1", _("برای پیگیری دست‌کم یک واحد انتخاب کنید."))
        if not data.get("follow_up"):
            data["unit_1"] = data["unit_2"] = None
        return data


class SlotForm(PersianForm):
    day = JalaliDateField(label=_("تاریخ"))
    time = forms.TimeField(label=_("ساعت"), widget=forms.TimeInput(attrs={"type": "time", "dir": "ltr"}))
    place = forms.CharField(label=_("محل"), max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, time = data.get("day"), data.get("time")
        if day and time:
            data["starts_at"] = timezone.make_aware(datetime.datetime.combine(day, time))
            if falls_on_weekend(data["starts_at"]):
                self.add_error("day", WEEKEND_SLOT_MESSAGE)
        return data


class ThanksForm(PersianForm):
    """One thank-you text per kind (and per active extra category) of one agency."""

    def __init__(self, *args: Any, keys: list[tuple[str, str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label, text in keys:
            self.fields[key] = forms.CharField(
                label=label,
                max_length=300,
                initial=text,
                widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
            )


class ExtraCategoryForm(PersianForm):
    code = forms.SlugField(label=_("شناسه (لاتین)"), max_length=30)
    name = forms.CharField(label=_("عنوان"), max_length=80)
