"""Day headings and clock times for slot lists: Jalali, Persian digits, Tehran time."""

from __future__ import annotations

import datetime

from django import template
from django.utils.translation import gettext as _

from mokatebat.core.jalali import TEHRAN, format_jalali_date
from mokatebat.core.persian import to_persian_digits

from ..models import Weekday

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
