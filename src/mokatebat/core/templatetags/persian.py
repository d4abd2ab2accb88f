"""Template filters that present stored values the way Iranian readers expect.

Values are stored with ASCII digits and UTC datetimes; these filters turn them
into Persian digits and Jalali Tehran-time dates at render time. They return
plain strings so autoescaping still applies.
"""

from datetime import date, datetime

from django import template

from mokatebat.core.i18n import for_page
from mokatebat.core.jalali import format_jalali_date, format_jalali_datetime
from mokatebat.core.persian import to_persian_digits
from mokatebat.core.tracking import format_tracking_code

register = template.Library()


@register.filter
def fa_digits(value: object) -> str:
    """Show any value with Persian digits; None renders as empty."""
    return "" if value is None else for_page(to_persian_digits(value))


@register.filter
def jdate(value: date | datetime | None) -> str:
    """Show a date or datetime as a Jalali date such as ۱۴۰۵/۰۹/۰۲."""
    return "" if value is None else for_page(format_jalali_date(value))


@register.filter(name="jdatetime")
def jdatetime_filter(value: datetime | None) -> str:
    """Show a datetime as Jalali date and Tehran time."""
    return "" if value is None else for_page(format_jalali_datetime(value))


@register.filter
def tracking_code(value: str | None) -> str:
    """Show a tracking code grouped and in Persian digits."""
    return "" if not value else for_page(to_persian_digits(format_tracking_code(value)))
