"""Jalali dates in Tehran time, as shown on letters and typed by staff."""

from datetime import UTC, date, datetime, timedelta

import jdatetime
import pytest

from mokatebat.core.jalali import (
    TEHRAN,
    format_jalali_date,
    format_jalali_datetime,
    jalali_year,
    parse_jalali_date,
    to_jalali,
)


def test_tehran_is_three_and_a_half_hours_ahead_in_summer_without_dst() -> None:
    summer = datetime(2026, 7, 15, 12, 0, tzinfo=TEHRAN)
    winter = datetime(2026, 1, 15, 12, 0, tzinfo=TEHRAN)
    assert summer.utcoffset() == timedelta(hours=3, minutes=30)
    assert winter.utcoffset() == timedelta(hours=3, minutes=30)


def test_first_of_farvardin_1405_is_21_march_2026() -> None:
    assert parse_jalali_date("1405/01/01") == date(2026, 3, 21)
    assert to_jalali(date(2026, 3, 21)) == jdatetime.date(1405, 1, 1)


def test_aware_datetimes_are_converted_to_tehran_before_taking_the_date() -> None:
    late_utc = datetime(2026, 3, 20, 21, 0, tzinfo=UTC)  # 00:30 next day in Tehran
    assert format_jalali_date(late_utc) == "۱۴۰۵/۰۱/۰۱"
    assert jalali_year(late_utc) == 1405


def test_naive_datetimes_are_taken_as_tehran_wall_clock_time() -> None:
    naive = datetime(2026, 3, 20, 23, 59)  # noqa: DTZ001 - naive input is the point
    assert format_jalali_datetime(naive) == ("۱۴۰۴/۱۲/۲۹ ساعت ۲۳:۵۹")


def test_dates_are_formatted_with_persian_digits_and_zero_padding() -> None:
    assert format_jalali_date(date(2026, 11, 23)) == "۱۴۰۵/۰۹/۰۲"


def test_datetimes_show_tehran_time_after_the_word_saat() -> None:
    moment = datetime(2026, 11, 23, 10, 35, tzinfo=UTC)
    assert format_jalali_datetime(moment) == "۱۴۰۵/۰۹/۰۲ ساعت ۱۴:۰۵"


def test_jalali_year_of_a_plain_date() -> None:
    assert jalali_year(date(2026, 3, 20)) == 1404
    assert jalali_year(date(2026, 3, 21)) == 1405


@pytest.mark.parametrize(
    "typed",
    ["1405/09/02", "۱۴۰۵-۹-۲", "١٤٠٥/٠٩/٠٢", " 1405 / 9 / 2 ", "1405.09.02"],
)
def test_typed_jalali_dates_in_common_spellings_are_parsed(typed: str) -> None:
    assert parse_jalali_date(typed) == date(2026, 11, 23)


def test_leap_day_exists_only_in_leap_years() -> None:
    assert parse_jalali_date("1403/12/30") == date(2025, 3, 20)
    with pytest.raises(ValueError, match="no such Jalali date"):
        parse_jalali_date("1404/12/30")


@pytest.mark.parametrize(
    "typed",
    ["", "1405", "1405/13/01", "1405/07/31", "1405/00/10", "1405/9-2", "14050902", "x"],
)
def test_malformed_or_nonexistent_dates_raise_value_error(typed: str) -> None:
    with pytest.raises(ValueError, match="Jalali date"):
        parse_jalali_date(typed)


def test_round_trip_of_every_day_in_a_jalali_year() -> None:
    day = date(2026, 3, 21)
    while day < date(2027, 3, 21):
        jalali = to_jalali(day)
        assert parse_jalali_date(f"{jalali.year}/{jalali.month}/{jalali.day}") == day
        day += timedelta(days=1)
