from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Role home pages: what waits for each person, counted and linked to the list behind it."""

    name = "mokatebat.reports"
    verbose_name = "گزارش‌ها"
