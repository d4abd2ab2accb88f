"""Day headings and clock times for slot lists: Jalali, Persian digits, Tehran time."""

from __future__ import annotations

import datetime

from django import template
from django.utils.translation import gettext as _

from mokatebat.core.identifiers import mask_mobile, mask_national_id
from mokatebat.core.jalali import TEHRAN, format_jalali_date
from mokatebat.core.persian import to_ascii_digits, to_persian_digits

from ..models import Calendar, Weekday

register = template.Library()


@register.filter
def day_heading(value: datetime.date) -> str:
    """ "سه‌شنبه ۱۴۰۵/۰۹/۰۴" """
    return f"{Weekday(value.weekday()).label} {format_jalali_date(value)}"


@register.filter
def clock(value: datetime.datetime) -> str:
    local = value.astimezone(TEHRAN)
    return to_persian_digits(f"{local.hour:02d}:{local.minute:02d}")


@register.filter
def when(value: datetime.datetime) -> str:
    """ "سه‌شنبه ۱۴۰۵/۰۹/۰۴ ساعت ۰۹:۳۰" """
    local = value.astimezone(TEHRAN)
    return _("%(day)s ساعت %(time)s") % {"day": day_heading(local.date()), "time": clock(value)}


@register.filter
def day_param(value: datetime.date) -> str:
    """The day as the staff day page takes it in its address: ``1405/09/10``."""
    return to_ascii_digits(format_jalali_date(value))


@register.filter
def week_summary(calendar: Calendar) -> list[tuple[str, str]]:
    """Open days with their hours, days in a row with the same hours together:
    [("شنبه تا چهارشنبه", "۰۸:۰۰ تا ۱۲:۰۰، ۱۴:۰۰ تا ۱۶:۰۰"), ("پنجشنبه", "۰۸:۰۰ تا ۱۰:۰۰")]. Uses the
    prefetched hours."""
    ranges: dict[int, list[str]] = {}
    for row in sorted(calendar.opening_hours.all(), key=lambda r: r.opens_at):
        hours = _("%(opens)s تا %(closes)s") % {"opens": f"{row.opens_at:%H:%M}", "closes": f"{row.closes_at:%H:%M}"}
        ranges.setdefault(row.weekday, []).append(hours)
    groups: list[tuple[list[int], str]] = []
    for weekday in Weekday.values:
        hours = "، ".join(ranges.get(weekday, []))
        if hours and groups and groups[-1][1] == hours and _follows(groups[-1][0][-1], weekday):
            groups[-1][0].append(weekday)
        elif hours:
            groups.append(([weekday], hours))
    return [(_days_label(days), to_persian_digits(hours)) for days, hours in groups]


def _follows(before: int, weekday: int) -> bool:
    order = Weekday.values
    return order.index(weekday) == order.index(before) + 1


def _days_label(days: list[int]) -> str:
    if len(days) == 1:
        return str(Weekday(days[0]).label)
    return _("%(first)s تا %(last)s") % {"first": Weekday(days[0]).label, "last": Weekday(days[-1]).label}


@register.filter
def national_id_for(value: str, full: bool) -> str:
    """The national ID for staff, in Persian digits: whole for the desk, masked for everyone else."""
    return to_persian_digits(value if full else mask_national_id(value))


@register.filter
def mobile_for(value: str, full: bool) -> str:
    return to_persian_digits(value if full else mask_mobile(value))
