"""Jalali (Solar Hijri) dates as Iranian citizens and staff read and type them.

Calendar arithmetic is delegated to jdatetime; this module only fixes the
time zone, the display format and the accepted input spellings.
"""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import jdatetime

from mokatebat.core.persian import normalize_text, to_persian_digits

TEHRAN = ZoneInfo("Asia/Tehran")

_DATE_INPUT = re.compile(r"([0-9]{4})\s*([/\-.])\s*([0-9]{1,2})\s*\2\s*([0-9]{1,2})")


def to_jalali(value: datetime | date) -> jdatetime.datetime | jdatetime.date:
    """Convert to the Jalali calendar; aware datetimes are shown in Tehran time.

    Naive datetimes are taken to be Tehran wall-clock time already.
    """
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(TEHRAN)
        return jdatetime.datetime.fromgregorian(datetime=value)
    return jdatetime.date.fromgregorian(date=value)


def format_jalali_date(value: datetime | date) -> str:
    """Render as ``۱۴۰۵/۰۹/۰۲``, the form used on Iranian official letters."""
    jalali = to_jalali(value)
    return to_persian_digits(f"{jalali.year:04d}/{jalali.month:02d}/{jalali.day:02d}")


def format_jalali_datetime(value: datetime) -> str:
    """Render as ``۱۴۰۵/۰۹/۰۲ ساعت ۱۴:۰۵`` in Tehran time."""
    local = value.astimezone(TEHRAN) if value.tzinfo is not None else value
    clock = to_persian_digits(f"{local.hour:02d}:{local.minute:02d}")
    return f"{format_jalali_date(local)} ساعت {clock}"


def jalali_year(value: datetime | date) -> int:
    """Jalali year of ``value``, e.g. for yearly letter numbering."""
    return int(to_jalali(value).year)


def parse_jalali_date(text: str) -> date:
    """Parse a typed Jalali date such as ``1405/09/02`` or ``۱۴۰۵-۹-۲``.

    Separators may be ``/``, ``-`` or ``.`` but must be consistent.
    Raises ValueError for malformed text or dates that do not exist.
    """
    match = _DATE_INPUT.fullmatch(normalize_text(text, multiline=False))
    if match is None:
        raise ValueError(f"not a Jalali date: {text!r}")
    year, _, month, day = match.groups()
    try:
        jalali = jdatetime.date(int(year), int(month), int(day))
    except ValueError as error:
        raise ValueError(f"no such Jalali date: {text!r}") from error
    gregorian: date = jalali.togregorian()
    return gregorian
