"""Forms of the secretariat and unit pages. Each carries the item version it was drawn from."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mokatebat.core.forms import (
    PersianChoicesMixin,
    PersianDigitsInput,
    PersianForm,
    PersianTextarea,
    accept_typed_numbers,
)
from mokatebat.core.jalali import format_jalali_date, jalali_year, parse_jalali_date
from mokatebat.core.persian import to_persian_digits
from mokatebat.organization.models import Organization, Unit

from .forms import SubmitLetterForm
from .models import Channel, Confidentiality, Kind, Priority, Resolution, Status, SubjectCategory
from .uploads import check_upload


class JalaliDateField(forms.CharField):
    # The format, not a fixed example date: a placeholder like «۱۴۰۵/۰۹/۰۲» goes stale and reads as a value.
    default_error_messages = {
        "invalid": _("تاریخ را به شکل سال/ماه/روز وارد کنید؛ برای نمونه امروز: %(today)s"),
        "gregorian": _("این تاریخ میلادی به نظر می‌رسد؛ تاریخ را شمسی وارد کنید، مانند امروز: %(today)s"),
        "range": _("سال تاریخ شمسی باید میان ۱۳۰۰ و ۱۵۰۰ باشد."),
    }
    # A sane range for anything typed here (1921–2121): "2026-12-01" is not Jalali year 2026.
    YEARS = range(1300, 1501)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("widget", PersianDigitsInput)
        super().__init__(**kwargs)
        self.widget.attrs.update({"placeholder": _("سال/ماه/روز"), "inputmode": "numeric", "dir": "ltr"})
        # A Jalali calendar opens from a button beside the field (site.js); typing a date still works.
        self.widget.attrs.update({"data-jdp": "", "data-jdp-only-date": "", "autocomplete": "off"})

    def prepare_value(self, value: Any) -> Any:
        """An initial date (e.g. a referral's default deadline) is shown the way it is typed: Jalali."""
        return format_jalali_date(value) if isinstance(value, datetime.date) else value

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if not value:
            return None
        try:
            day = parse_jalali_date(value)
        except ValueError as error:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"today": _today()}
            ) from error
        year = jalali_year(day)
        if year not in self.YEARS:
            code = "gregorian" if 1900 <= year <= 2200 else "range"
            raise forms.ValidationError(self.error_messages[code], code=code, params={"today": _today()})
        return day


def _today() -> str:
    return to_persian_digits(format_jalali_date(timezone.localdate()))


WAITING_FOR_SECRETARIAT = "waiting"
DUE_STATES = [
    ("on_time", _("در مهلت")),
    ("due_soon", _("نزدیک به پایان مهلت")),
    ("overdue", _("گذشته از مهلت")),
    ("paused", _("متوقف: در انتظار پاسخ متقاضی")),
    ("answered", _("پاسخ داده شده")),
]
SORTS = [("recent", _("تازه‌ترین")), ("due", _("نزدیک‌ترین مهلت پاسخ"))]


class InboxFilterForm(PersianForm):
    q = forms.CharField(label=_("جست‌وجو"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("وضعیت"),
        required=False,
        choices=[
            (WAITING_FOR_SECRETARIAT, _("در انتظار دبیرخانه: تازه، ثبت‌شده و ارجاع‌نشده، برگشتی")),
            ("", _("همه")),
            *Status.choices,
        ],
    )
    due = forms.ChoiceField(label=_("مهلت پاسخ"), required=False, choices=[("", _("همه")), *DUE_STATES])
    sort = forms.ChoiceField(label=_("ترتیب"), required=False, choices=SORTS)
    channel = forms.ChoiceField(label=_("روش دریافت"), required=False, choices=[("", _("همه")), *Channel.choices])
    kind = forms.ChoiceField(label=_("نوع"), required=False, choices=[("", _("همه")), *Kind.choices])
    unit = forms.ModelChoiceField(
        label=_("واحد گیرنده"),
        required=False,
        queryset=Unit.objects.none(),
        to_field_name="public_id",
        empty_label=_("همه"),
    )
    date_from = JalaliDateField(label=_("از تاریخ"), required=False)
    date_to = JalaliDateField(label=_("تا تاریخ"), required=False)

    def __init__(self, *args: Any, agency_ids: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(organization_id__in=agency_ids, is_active=True).select_related("parent")
        self.fields["unit"].queryset = units.order_by("name")  # type: ignore[attr-defined]


class VersionedForm(PersianForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ClassifyForm(VersionedForm):
    category = forms.ModelChoiceField(label=_("موضوع"), queryset=SubjectCategory.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("نوع"), choices=Kind.choices)
    priority = forms.ChoiceField(label=_("فوریت"), choices=Priority.choices)
    confidentiality = forms.ChoiceField(label=_("طبقه‌بندی حفاظتی"), choices=Confidentiality.choices)

    def __init__(self, *args: Any, agency: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = SubjectCategory.objects.filter(agency=agency, is_active=True).select_related("parent")
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]


def unit_tree_choices(units: list[Unit]) -> list[tuple[Any, Any]]:
    """The agency's units as a tree for a select: each top unit with sub-units is a group (its own
    option first), deeper units read «اداره › دفتر» inside their group, so the shape survives a screen
    reader; top units without sub-units stand alone. Values are public ids, as the fields expect."""
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    known = {unit.pk for unit in units}
    # A unit whose parent is switched off still has to be reachable: it is shown at the top.
    tops = [unit for unit in units if unit.parent_id is None or unit.parent_id not in known]

    def below(unit: Unit, prefix: str) -> list[tuple[str, str]]:
        rows = []
        for child in children.get(unit.pk, []):
            label = f"{prefix}{child.name}"
            rows.append((str(child.public_id), label))
            rows.extend(below(child, f"{label} › "))
        return rows

    choices: list[tuple[Any, Any]] = []
    for top in tops:
        rows = below(top, "")
        if rows:
            choices.append((top.name, [(str(top.public_id), top.name), *rows]))
        else:
            choices.append((str(top.public_id), top.name))
    return choices


class UnitChoiceMixin(forms.Form):
    def limit_units(self, agency: Organization, *names: str) -> None:
        units = Unit.objects.filter(organization=agency, is_active=True).select_related("parent").order_by("name")
        tree = unit_tree_choices(list(units))
        for name in names:
            field = self.fields[name]
            field.queryset = units  # type: ignore[attr-defined]
            label = None if isinstance(field, forms.ModelMultipleChoiceField) else field.empty_label  # type: ignore[attr-defined]
            field.choices = [("", label), *tree] if label is not None else tree  # type: ignore[attr-defined]


class ReferForm(VersionedForm, UnitChoiceMixin):
    unit = forms.ModelChoiceField(label=_("واحد مسئول"), queryset=Unit.objects.none(), to_field_name="public_id")
    copies = forms.ModelMultipleChoiceField(
        label=_("رونوشت برای اطلاع"), queryset=Unit.objects.none(), required=False, to_field_name="public_id"
    )
    instruction = forms.CharField(label=_("دستور"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    deadline = JalaliDateField(label=_("مهلت"), required=False)

    def __init__(self, *args: Any, agency: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_units(agency, "unit", "copies")


class RejectForm(VersionedForm):
    reason = forms.CharField(label=_("دلیل (به متقاضی نشان داده می‌شود)"), widget=forms.Textarea(attrs={"rows": 2}))
    where_to_go = forms.CharField(label=_("مرجع صالح"), required=False, max_length=200)


class ForwardForm(VersionedForm):
    to_agency = forms.ModelChoiceField(
        label=_("دستگاه مقصد"), queryset=Organization.objects.agencies(), to_field_name="code"
    )
    note = forms.CharField(
        label=_("یادداشت برای دستگاه مقصد"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class CloseForm(VersionedForm):
    resolution = forms.ChoiceField(
        label=_("نتیجه"), choices=[c for c in Resolution.choices if c[0] not in ("", Resolution.OUT_OF_SCOPE)]
    )
    note = forms.CharField(label=_("توضیح"), required=False, max_length=500)


class ActionForm(PersianForm):
    text = forms.CharField(label=_("شرح اقدام"), widget=forms.Textarea(attrs={"rows": 2}))
    public = forms.BooleanField(label=_("به متقاضی نشان داده شود"), required=False)


class InfoRequestForm(PersianForm):
    question = forms.CharField(label=_("پرسش از متقاضی"), widget=forms.Textarea(attrs={"rows": 2}))


class ReturnReferralForm(PersianForm, UnitChoiceMixin):
    reason = forms.CharField(
        label=_("دلیل (به متقاضی نشان داده می‌شود)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    competent_unit = forms.ModelChoiceField(
        label=_("واحد صالح"), queryset=Unit.objects.none(), required=False, to_field_name="public_id"
    )

    def __init__(self, *args: Any, agency: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_units(agency, "competent_unit")


class ReReferForm(PersianForm, UnitChoiceMixin):
    unit = forms.ModelChoiceField(label=_("واحد"), queryset=Unit.objects.none(), to_field_name="public_id")
    instruction = forms.CharField(label=_("دستور"), widget=forms.Textarea(attrs={"rows": 2}))
    deadline = JalaliDateField(label=_("مهلت"), required=False)

    def __init__(self, *args: Any, agency: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_units(agency, "unit")


class NoteForm(PersianForm):
    note = forms.CharField(label=_("یادداشت"), widget=forms.Textarea(attrs={"rows": 2}))


class LetterTextarea(PersianTextarea):
    """The response editor: the box, with a toolbar for exactly the formatting ``sanitize_letter_html``
    keeps and the PDF draws (bold, italic, lists); a blank line starts a new paragraph."""

    template_name = "correspondence/widgets/letter_textarea.html"


LETTER_HELP = _(
    "یک خط خالی پاراگراف تازه می‌سازد. پررنگ، کج و فهرست را با دکمه‌های بالای کادر (یا Ctrl+B و Ctrl+I) بسازید؛"
    " پیوند و تصویر حذف می‌شود."
)


class DraftForm(PersianForm):
    body = forms.CharField(label=_("متن پاسخ"), widget=LetterTextarea(attrs={"rows": 10}), help_text=LETTER_HELP)


class SignForm(PersianForm):
    signer_title = forms.CharField(label=_("سمت امضاکننده"), max_length=120)


class ReceivedLetterForm(SubmitLetterForm):
    """A letter handed in at the secretariat or received by post (R4): registered at once."""

    channel = forms.ChoiceField(
        label=_("روش دریافت"),
        choices=[(Channel.IN_PERSON, Channel.IN_PERSON.label), (Channel.POST, Channel.POST.label)],
        initial=Channel.IN_PERSON,
        widget=forms.RadioSelect,
    )
    received_on = JalaliDateField(label=_("تاریخ دریافت"), required=False, help_text=_("اگر خالی بماند، امروز"))
    # R14 post: the envelope (postmark, sender's address) is kept as evidence of when and how it came.
    envelope_scan = forms.FileField(
        label=_("تصویر پاکت نامه (نامه‌های پستی)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        help_text=_("با مهر اداره پست؛ PDF، JPG یا PNG"),
    )

    def __init__(self, *args: Any, agency_ids: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency_field = self.fields["agency"]
        agency_field.queryset = Organization.objects.filter(pk__in=agency_ids)  # type: ignore[attr-defined]
        self.fields["attachments"].label = _("تصویر نامه و پیوست‌ها")

    def clean_received_on(self) -> datetime.date | None:
        received_on: datetime.date | None = self.cleaned_data.get("received_on")
        if received_on is not None and received_on > timezone.localdate():
            raise forms.ValidationError(
                _("تاریخ دریافت نمی‌تواند بعد از امروز باشد؛ تاریخی را که نامه رسید وارد کنید."), code="future"
            )
        return received_on

    def clean_envelope_scan(self) -> Any:
        upload = self.cleaned_data.get("envelope_scan")
        if upload:
            checked = check_upload(upload)
            # Attached with the letter's files, named so that staff can tell the envelope apart.
            self.checked_uploads.append(dataclasses.replace(checked, safe_name=f"{_('پاکت')}-{checked.safe_name}"))
        return upload


class BundleAnswerForm(PersianForm):
    body = forms.CharField(label=_("متن پاسخ مشترک"), widget=LetterTextarea(attrs={"rows": 8}), help_text=LETTER_HELP)
    signer_title = forms.CharField(label=_("سمت امضاکننده"), max_length=120)


class CategoryForm(PersianChoicesMixin, forms.ModelForm):
    """An agency admin adds a subject to the agency's own taxonomy."""

    class Meta:
        model = SubjectCategory
        fields = ["name", "parent", "response_days"]

    def __init__(self, *args: Any, agency: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        accept_typed_numbers(self)
        self.instance.agency = agency
        parent = self.fields["parent"]
        parent.queryset = SubjectCategory.objects.filter(agency=agency, parent__isnull=True)  # type: ignore[attr-defined]
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )


class UnitInboxFilterForm(PersianForm):
    due = forms.ChoiceField(label=_("مهلت پاسخ"), required=False, choices=[("", _("همه")), *DUE_STATES])
    sort = forms.ChoiceField(label=_("ترتیب"), required=False, choices=[("due", _("نزدیک‌ترین مهلت")), *SORTS[:1]])


class ExtendDeadlineForm(PersianForm):
    days = forms.IntegerField(label=_("تمدید (روز کاری)"), min_value=1, max_value=60)
    reason = forms.CharField(label=_("دلیل تمدید (به متقاضی هم گفته می‌شود)"), widget=forms.Textarea(attrs={"rows": 2}))
