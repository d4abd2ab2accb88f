"""The core app's only table: the rate limiter's windowed counters (see ratelimit.py)."""

from django.db import models


class RateCounter(models.Model):
    """One row per (limit group, hashed value): the attempts counted in its current window."""

    bucket = models.CharField(max_length=100, primary_key=True)
    window_end = models.BigIntegerField(db_index=True)  # Unix seconds; the sweep deletes ended windows
    count = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.bucket} ({self.count})"
