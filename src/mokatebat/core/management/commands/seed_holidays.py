"""`manage.py seed_holidays [1405 1406 …]`: add Iran's official holidays of these Jalali years (default:
this year and the next two) to the network's working calendar. Years already seeded are left alone,
so lunar dates the admin corrected stay corrected. Run it once a year (cron) or after an upgrade of
the ``holidays`` package; check the estimated lunar dates in the admin against the official calendar."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from mokatebat.core.jalali import jalali_year
from mokatebat.core.national_holidays import seed_national_holidays


class Command(BaseCommand):
    help = "Seed Iran's official holidays of the given Jalali years (default: this year and the next two)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("years", nargs="*", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        this_year = jalali_year(timezone.now())
        years = options["years"] or [this_year, this_year + 1, this_year + 2]
        added = seed_national_holidays(years)
        self.stdout.write(f"{added} official holidays added for {', '.join(map(str, years))}")
