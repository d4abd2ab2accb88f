"""Recompute the daily roll-ups of the reports and public statistics (after an import or a restore)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from mokatebat.reports.rollup import rebuild_days


class Command(BaseCommand):
    help = "Rebuild the daily roll-ups of the last N days (default 400) from the records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=400)

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        rebuild_days(today - datetime.timedelta(days=options["days"]), today)
        self.stdout.write(f"roll-ups rebuilt for {options['days']} days up to {today.isoformat()}")
