"""The citizen's booking forms (national ID, mobile, SMS code, booking code), the staff day picker,
the managers' calendar (settings and weekly hours) and holiday forms, and the managers' forms to
cancel or move a citizen's booking with a reason."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mokatebat.core.forms import MobileField, NationalIdField, PersianDigitsInput, PersianForm
from mokatebat.core.persian import to_persian_digits
from mokatebat.correspondence.staff_forms import JalaliDateField
from mokatebat.organization.models import Organization, Unit

from .models import BOOKING_CODE_ALPHABET, BOOKING_CODE_LENGTH, Calendar, Weekday
from .slots import parse_slot_key
from .workflow import CalendarSettings, OpenRange

_LARGE = "form-control form-control-lg"


class BookForm(PersianForm):
    full_name = forms.CharField(
        label=_("نام و نام خانوادگی"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    national_id = NationalIdField(label=_("کد ملی"))
    mobile = MobileField(label=_("شماره تلفن همراه"), help_text=_("کد تأیید و پیامک نوبت به این شماره فرستاده می‌شود."))
    purpose = forms.CharField(
        label=_("موضوع مراجعه یا خدمت مورد نیاز"),
        max_length=200,
        help_text=_("مثلاً «تحویل مدارک پروانه مطب» یا «پیگیری نامه ۱۲۳۴۵»"),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = _LARGE


class PhoneCodeForm(PersianForm):
    code = forms.CharField(
        label=_("کد تأیید پیامک‌شده"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "dir": "ltr", "class": _LARGE}
        ),
    )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].replace(" ", "")
        if not re.fullmatch(r"[0-9]{6}", code):
            raise forms.ValidationError(_("کد تأیید ۶ رقم است؛ آن را از پیامک وارد کنید."))
        return code


class BookingCodeField(forms.CharField):
    default_error_messages = {"invalid": _("کد نوبت ۸ نویسه است، مانند K7M2Q9XA؛ آن را از پیامک نوبت وارد کنید.")}

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.widget.attrs.update({"autocomplete": "off", "dir": "ltr", "autocapitalize": "characters"})

    def clean(self, value: object) -> str:
        text = str(super().clean(value)).upper().replace(" ", "").replace("-", "")
        if len(text) != BOOKING_CODE_LENGTH or any(char not in BOOKING_CODE_ALPHABET for char in text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return text


class ManageForm(PersianForm):
    national_id = NationalIdField(label=_("کد ملی"))
    booking_code = BookingCodeField(label=_("کد نوبت"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = _LARGE


class DayForm(PersianForm):
    day = JalaliDateField(label=_("روز"), required=False)


# --- managers: a calendar with its weekly hours, and the agency's holidays -----------------------

RANGES_PER_DAY = 2  # a morning and an afternoon shift; a day that already has more shows them all
_CLOCK = re.compile(r"([01]?[0-9]|2[0-3])(?:[:.٫]([0-5][0-9]))?")
_NUMBER = {"inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}


def _clock_text(value: datetime.time) -> str:
    return to_persian_digits(f"{value:%H:%M}")


class ClockField(forms.CharField):
    """A wall-clock time typed as 8, 8:30 or ۰۸:۳۰ (PersianForm has made the digits ASCII)."""

    default_error_messages = {"invalid": _("ساعت را به شکل ۰۸:۳۰ وارد کنید.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 8)
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", PersianDigitsInput)
        super().__init__(**kwargs)
        # The hour fields are added after PersianForm styled the declared ones, so they get the class here.
        self.widget.attrs.update({"class": "form-control", "dir": "ltr", "autocomplete": "off", "size": 5})

    def clean(self, value: Any) -> datetime.time | None:
        text = str(super().clean(value) or "").replace(" ", "")
        if not text:
            return None
        match = _CLOCK.fullmatch(text)
        if match is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return datetime.time(int(match[1]), int(match[2] or 0))


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.path_name)


@dataclass(frozen=True)
class HoursRow:
    """One range of one day as the template lays it out: its number and its two inputs."""

    number: int
    opens: forms.BoundField
    closes: forms.BoundField

    @property
    def fields(self) -> tuple[forms.BoundField, forms.BoundField]:
        return self.opens, self.closes


class CalendarForm(PersianForm):
    """A calendar's settings and its weekly hours: per weekday up to two ranges, empty = closed."""

    agency = forms.ModelChoiceField(
        label=_("دستگاه"), queryset=Organization.objects.none(), to_field_name="code", empty_label=None
    )
    name = forms.CharField(
        label=_("عنوان تقویم"), max_length=200, help_text=_("همان‌طور که مراجعان می‌بینند، مانند «میز خدمت حضوری».")
    )
    unit = UnitChoiceField(
        label=_("واحد"),
        queryset=Unit.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("کل دستگاه"),
    )
    place = forms.CharField(
        label=_("محل مراجعه"),
        max_length=300,
        required=False,
        help_text=_("ساختمان، طبقه یا باجه؛ در پیامک یادآوری می‌آید."),
    )
    address = forms.CharField(
        label=_("نشانی"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    slot_minutes = forms.IntegerField(
        label=_("مدت هر نوبت (دقیقه)"),
        min_value=5,
        max_value=240,
        widget=PersianDigitsInput(attrs={**_NUMBER, "size": 4}),
        error_messages={
            "invalid": _("مدت نوبت را با عدد و به دقیقه وارد کنید، مانند ۱۵."),
            "min_value": _("مدت هر نوبت دست‌کم ۵ دقیقه است."),
            "max_value": _("مدت هر نوبت حداکثر ۲۴۰ دقیقه (۴ ساعت) است."),
        },
    )
    capacity = forms.IntegerField(
        label=_("ظرفیت هر نوبت (نفر)"),
        min_value=1,
        max_value=500,
        widget=PersianDigitsInput(attrs={**_NUMBER, "size": 4}),
        help_text=_("چند نفر هم‌زمان در یک نوبت پذیرفته می‌شوند."),
        error_messages={
            "invalid": _("ظرفیت را با عدد وارد کنید، مانند ۲."),
            "min_value": _("ظرفیت هر نوبت دست‌کم ۱ نفر است."),
            "max_value": _("ظرفیت هر نوبت حداکثر ۵۰۰ نفر است."),
        },
    )
    is_active = forms.BooleanField(
        label=_("نوبت تازه می‌پذیرد"),
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        help_text=_("اگر برداشته شود، نوبت تازه داده نمی‌شود؛ نوبت‌های گرفته‌شده سر جایشان می‌مانند."),
    )

    def __init__(
        self, data: Any = None, *, agencies: list[Organization], calendar: Calendar | None = None, **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.calendar = calendar
        self.rows = dict.fromkeys(Weekday.values, RANGES_PER_DAY)
        if calendar is not None:
            agencies = [calendar.agency]
            self._load(calendar)
        self.fixed_agency = agencies[0] if len(agencies) == 1 else None
        if self.fixed_agency is not None:
            del self.fields["agency"]
        else:
            self.fields["agency"].queryset = Organization.objects.filter(pk__in=[a.pk for a in agencies])  # type: ignore[attr-defined]
        units = Unit.objects.filter(organization__in=agencies, is_active=True)
        if calendar is not None and calendar.unit_id:
            units = units | Unit.objects.filter(pk=calendar.unit_id)
        self.fields["unit"].queryset = units.select_related("parent__parent__parent").order_by("name")  # type: ignore[attr-defined]
        for weekday, count in self.rows.items():
            for index in range(count):
                opens, closes = self.hour_names(weekday, index)
                self.fields[opens] = ClockField(label=_("از ساعت"))
                self.fields[closes] = ClockField(label=_("تا ساعت"))
        self.opening_hours: list[OpenRange] = []

    @staticmethod
    def hour_names(weekday: int, index: int) -> tuple[str, str]:
        return f"d{weekday}_{index}_opens", f"d{weekday}_{index}_closes"

    def _load(self, calendar: Calendar) -> None:
        """Initial values from the calendar (the inputs show them with Persian digits)."""
        self.initial.update(
            {
                "name": calendar.name,
                "unit": calendar.unit.public_id if calendar.unit else None,
                "place": calendar.place,
                "address": calendar.address,
                "slot_minutes": calendar.slot_minutes,
                "capacity": calendar.capacity,
                "is_active": calendar.is_active,
            }
        )
        by_day: dict[int, list[tuple[datetime.time, datetime.time]]] = {}
        for row in calendar.opening_hours.order_by("weekday", "opens_at"):
            by_day.setdefault(row.weekday, []).append((row.opens_at, row.closes_at))
        for weekday, ranges in by_day.items():
            self.rows[weekday] = max(RANGES_PER_DAY, len(ranges))
            for index, (opens_at, closes_at) in enumerate(ranges):
                opens, closes = self.hour_names(weekday, index)
                self.initial[opens], self.initial[closes] = f"{opens_at:%H:%M}", f"{closes_at:%H:%M}"

    def detail_fields(self) -> list[forms.BoundField]:
        """The calendar's own text fields, laid out one under the other."""
        return [self[name] for name in ("agency", "name", "unit", "place", "address") if name in self.fields]

    def days(self) -> list[tuple[str, list[HoursRow]]]:
        """(weekday name, its ranges) in the Iranian order, Saturday first."""
        result = []
        for weekday, count in self.rows.items():
            rows = [
                HoursRow(index + 1, self[self.hour_names(weekday, index)[0]], self[self.hour_names(weekday, index)[1]])
                for index in range(count)
            ]
            result.append((str(Weekday(weekday).label), rows))
        return result

    def clean_slot_minutes(self) -> int:
        minutes: int = self.cleaned_data["slot_minutes"]
        if minutes % 5:
            raise forms.ValidationError(_("مدت هر نوبت باید مضربی از ۵ دقیقه باشد، مانند ۱۰، ۱۵ یا ۳۰."))
        return minutes

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        agency = self.chosen_agency
        unit = cleaned.get("unit")
        if agency is not None and unit is not None and unit.organization_id != agency.pk:
            self.add_error("unit", _("این واحد از دستگاه انتخاب‌شده نیست."))
        minutes = cleaned.get("slot_minutes")
        self.opening_hours = []
        for weekday, count in self.rows.items():
            self.opening_hours += self._clean_day(weekday, count, minutes)
        return cleaned

    def _clean_day(self, weekday: int, count: int, minutes: int | None) -> list[OpenRange]:
        ranges: list[tuple[OpenRange, str]] = []
        for index in range(count):
            opens, closes = self.hour_names(weekday, index)
            if opens in self.errors or closes in self.errors:
                continue
            opens_at, closes_at = self.cleaned_data.get(opens), self.cleaned_data.get(closes)
            if opens_at is None and closes_at is None:
                continue
            problem = _range_problem(opens_at, closes_at, minutes)
            if problem:
                self.add_error(opens if opens_at is None else closes, problem)
            else:
                ranges.append((OpenRange(weekday, opens_at, closes_at), opens))  # type: ignore[arg-type]
        ranges.sort(key=lambda pair: pair[0].opens_at)
        for (before, _name), (after, name) in pairwise(ranges):
            if after.opens_at < before.closes_at:
                self.add_error(name, _overlap_message(before))
        return [open_range for open_range, _name in ranges]

    @property
    def chosen_agency(self) -> Organization | None:
        return self.fixed_agency or self.cleaned_data.get("agency")

    def settings(self) -> CalendarSettings:
        data = self.cleaned_data
        return CalendarSettings(
            name=data["name"],
            unit=data["unit"],
            place=data["place"],
            address=data["address"],
            slot_minutes=data["slot_minutes"],
            capacity=data["capacity"],
            is_active=data["is_active"],
        )


def _range_problem(opens_at: datetime.time | None, closes_at: datetime.time | None, minutes: int | None) -> str:
    """What is wrong with one typed range, in words a manager reads; empty when nothing is."""
    if opens_at is None:
        return gettext("ساعت شروع را هم وارد کنید؛ برای روز تعطیل هر دو ساعت را خالی بگذارید.")
    if closes_at is None:
        return gettext("ساعت پایان را هم وارد کنید؛ برای روز تعطیل هر دو ساعت را خالی بگذارید.")
    if closes_at <= opens_at:
        return gettext("ساعت پایان باید بعد از ساعت شروع باشد.")
    start = datetime.datetime.combine(datetime.date.min, opens_at)
    length = int((datetime.datetime.combine(datetime.date.min, closes_at) - start).total_seconds() // 60)
    if not minutes or length % minutes == 0:
        return ""
    whole = length // minutes
    fits = start + datetime.timedelta(minutes=minutes * (whole or 1))
    return gettext(
        "این بازه %(length)s دقیقه است و به نوبت‌های %(slot)s دقیقه‌ای بخش نمی‌شود؛ "
        "ساعت پایان را %(fits)s بگذارید یا مدت نوبت را تغییر دهید."
    ) % {
        "length": to_persian_digits(length),
        "slot": to_persian_digits(minutes),
        "fits": _clock_text(fits.time()),
    }


def _overlap_message(before: OpenRange) -> str:
    return gettext("این بازه با بازه %(opens)s تا %(closes)s همین روز هم‌پوشانی دارد.") % {
        "opens": _clock_text(before.opens_at),
        "closes": _clock_text(before.closes_at),
    }


class HolidayForm(PersianForm):
    day = JalaliDateField(label=_("تاریخ (شمسی)"), widget=PersianDigitsInput)
    name = forms.CharField(label=_("مناسبت"), max_length=200, help_text=_("مانند «تعطیلی به دلیل آلودگی هوا»."))


# --- staff: the agency cancels or moves a citizen's booking ---------------------------------------

REASON_MAX = 200  # it goes into the citizen's SMS


class StaffCancelForm(PersianForm):
    reason = forms.CharField(
        label=_("دلیل لغو"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("در پیامک برای مراجعه‌کننده فرستاده می‌شود؛ مانند «تعطیلی اداره به دلیل قطع آب»."),
        error_messages={
            "required": _("دلیل را بنویسید؛ مراجعه‌کننده آن را در پیامک می‌خواند."),
            "max_length": _("دلیل حداکثر ۲۰۰ نویسه است؛ کوتاه‌تر بنویسید تا در پیامک جا شود."),
        },
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False)


class StaffMoveForm(StaffCancelForm):
    """The slot comes from the free slots listed on the page (radio buttons laid out by day)."""

    slot = forms.CharField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("دلیل جابه‌جایی")

    def clean_slot(self) -> datetime.datetime:
        starts_at = parse_slot_key(self.cleaned_data["slot"])
        if starts_at is None:
            raise forms.ValidationError(_("یکی از نوبت‌های خالی را انتخاب کنید."))
        return starts_at
