"""Daily roll-ups the reports and public statistics read, so no report scans the item table.

They are derived data: `rollup.rebuild_days` recomputes any range of days from the records, and the
worker's periodic loop keeps the recent days current. Nothing here is a record of its own.
"""

from __future__ import annotations

from django.db import models

from mokatebat.correspondence.models import Channel, Kind, SubjectCategory
from mokatebat.organization.models import Organization


class IntakeDay(models.Model):
    """Items received on one Tehran day, by agency, kind, channel and subject category."""

    day = models.DateField()
    agency = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    category = models.ForeignKey(SubjectCategory, null=True, on_delete=models.PROTECT, related_name="+")
    received = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "agency", "kind", "channel", "category"], nulls_distinct=False, name="intake_day_once"
            )
        ]
        indexes = [models.Index(fields=["agency", "day"], name="intake_day_agency")]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id} {self.kind}/{self.channel}: {self.received}"


class AnswerDay(models.Model):
    """Items whose first answer was issued on one Tehran day, by how many working days it took."""

    day = models.DateField()
    agency = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    working_days = models.PositiveIntegerField()
    answered = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "agency", "kind", "working_days"], name="answer_day_once")
        ]
        indexes = [models.Index(fields=["agency", "day"], name="answer_day_agency")]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id} {self.kind} in {self.working_days} days: {self.answered}"


class SatisfactionDay(models.Model):
    """Survey answers given on one Tehran day: how many, and the sum of their overall ratings (1–5)."""

    day = models.DateField()
    agency = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    answered = models.PositiveIntegerField()
    rating_sum = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "agency"], name="satisfaction_day_once")]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id}: {self.answered} ratings"
