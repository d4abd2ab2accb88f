"""Queue tomorrow's meeting reminders (R20). Safe to run as often as wanted, e.g. every 15 minutes
from cron or the task scheduler: each appointment is reminded once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mokatebat.publicrelations.workflow import queue_meeting_reminders


class Command(BaseCommand):
    help = "Queue the reminder SMS for tomorrow's public meetings (each once)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = queue_meeting_reminders()
        self.stdout.write(f"{count} reminder(s) queued")
