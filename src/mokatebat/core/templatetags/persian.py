"""Template filters that present stored values the way Iranian readers expect.

Values are stored with ASCII digits and UTC datetimes; these filters turn them
into Persian digits and Jalali Tehran-time dates at render time. They return
plain strings so autoescaping still applies.
"""

from datetime import date, datetime

from django import template

from mokatebat.core.i18n import for_page, is_persian_page
from mokatebat.core.jalali import format_jalali_date, format_jalali_datetime
from mokatebat.core.persian import persian_html_digits, persian_text_digits, to_persian_digits
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


@register.filter
def fa_text(value: object) -> str:
    """Show what a person wrote (a subject, a letter, a note) with Persian digits in Persian words.

    Text is stored with ASCII digits so search finds «۱۲۳» and «123» alike; this is the one place
    it turns back. Returns a plain string, so autoescaping and ``linebreaks`` still apply after it."""
    if value is None:
        return ""
    return persian_text_digits(value) if is_persian_page() else str(value)


@register.filter(is_safe=True)
def fa_html(value: str | None) -> str:
    """``fa_text`` for sanitised letter HTML (a response body), to be marked ``|safe`` as before."""
    if value is None:
        return ""
    return persian_html_digits(value) if is_persian_page() else value
