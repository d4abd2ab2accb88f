"""`manage.py queue_booking_reminders`: queue tomorrow's reminder SMS now (the worker also does it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mokatebat.bookings.workflow import reminders_queue


class Command(BaseCommand):
    help = "Queue the day-before reminder SMS for tomorrow's appointments; each booking gets one."

    def handle(self, *args: Any, **options: Any) -> None:
        queued = reminders_queue()
        self.stdout.write(f"{queued} reminder(s) queued")
