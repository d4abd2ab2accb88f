"""The counter's forms: the walk-in letter (the citizen's form, filled by the operator) and the lookup."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mokatebat.core.forms import PersianForm
from mokatebat.core.jalali import to_jalali
from mokatebat.correspondence.forms import SubmitLetterForm, TrackForm
from mokatebat.correspondence.staff_forms import JalaliDateField


class CounterLetterForm(SubmitLetterForm):
    """Any agency on the network; the operator scans the paper letter and types the applicant's details."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].label = _("تصویر اسکن‌شده نامه و پیوست‌ها")
        self.fields["mobile"].help_text = _("کد رهگیری و خبر هر مرحله به این شماره برای متقاضی پیامک می‌شود.")
        self.fields["agency"].widget.attrs["autofocus"] = True


class LookupForm(TrackForm):
    """National ID (or legal ID) + tracking code, as on the citizen's tracking page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["national_id"].help_text = _("از روی کارت ملی متقاضی حاضر در دفتر")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-lg"
        self.fields["national_id"].widget.attrs["autofocus"] = True  # the card is in the operator's hand


def first_of_jalali_month(today: datetime.date) -> datetime.date:
    jalali = to_jalali(today)
    result: datetime.date = today - datetime.timedelta(days=jalali.day - 1)
    return result


class ReportForm(PersianForm):
    date_from = JalaliDateField(label=_("از تاریخ"), required=False)
    date_to = JalaliDateField(label=_("تا تاریخ"), required=False)

    def period(self) -> tuple[datetime.date, datetime.date]:
        """The chosen days, this Jalali month so far by default; a reversed range is put right."""
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        first = data.get("date_from") or first_of_jalali_month(today)
        last = data.get("date_to") or today
        return (first, last) if first <= last else (last, first)
