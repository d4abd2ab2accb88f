"""Seed the network's official holidays from the maintained ``holidays`` package (Iran).

Solar holidays are fixed; lunar ones follow the moon and the package marks its estimates, which the
network admin checks against the official calendar (شورای فرهنگ عمومی) and corrects in the admin by
removing the estimate and adding the right day. A Jalali year is seeded once: seeding again never
puts back an estimate the admin removed. Each seeded row carries a ``seed_key`` (Jalali year + the
occasion's English name).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import holidays
from django.db import IntegrityError, transaction

from .jalali import jalali_year
from .models import Holiday

ESTIMATED = "(estimated)"


@dataclass(frozen=True)
class NationalHoliday:
    date: datetime.date
    name: str  # Persian, as the official calendar words it
    key: str
    is_estimated: bool


def national_holidays(jalali_years: list[int]) -> list[NationalHoliday]:
    """Iran's official holidays of the given Jalali years, one per date (occasions of one day joined)."""
    years = sorted({y + 621 for y in jalali_years} | {y + 622 for y in jalali_years})
    english = holidays.country_holidays("IR", years=years, language="en_US")
    persian = holidays.country_holidays("IR", years=years, language="fa_IR")
    rows = []
    for day in sorted(english):
        if jalali_year(day) not in jalali_years:
            continue
        name_en = english[day]
        key = f"{jalali_year(day)}:{name_en.replace(ESTIMATED, '').strip()}"[:120]
        rows.append(NationalHoliday(day, persian[day].replace("(تخمینی)", "").strip(), key, ESTIMATED in name_en))
    return rows


def seed_national_holidays(jalali_years: list[int]) -> int:
    """Add the official holidays of the Jalali years not seeded yet; returns how many were added."""
    added = 0
    seeded = {year for year in jalali_years if Holiday.objects.filter(seed_key__startswith=f"{year}:").exists()}
    for row in national_holidays([year for year in jalali_years if year not in seeded]):
        try:
            with transaction.atomic():
                Holiday.objects.create(
                    date=row.date, name=row.name[:200], agency=None, is_estimated=row.is_estimated, seed_key=row.key
                )
                added += 1
        except IntegrityError:
            # The day is already a holiday (entered by hand, or another occasion the same day).
            continue
    return added
