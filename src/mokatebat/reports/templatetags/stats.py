"""Filters for published statistics: suppressed small counts and Jalali month labels."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from mokatebat.core.i18n import for_page
from mokatebat.core.persian import to_persian_digits

register = template.Library()

MONTH_NAMES = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"]


@register.filter
def stat_count(value: int | str) -> str:
    """A published count: the number in Persian digits, or «fewer than 5» for a suppressed one."""
    if isinstance(value, str):
        return _("کمتر از ۵")
    return for_page(to_persian_digits(f"{value:,}".replace(",", "٬")))


@register.filter
def jmonth(value: str) -> str:
    """A Jalali month key such as ``1405-09`` as «آذر ۱۴۰۵»."""
    year, month = (int(part) for part in value.split("-"))
    return for_page(to_persian_digits(f"{_(MONTH_NAMES[month - 1])} {year}"))
