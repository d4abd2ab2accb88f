"""A starting network-wide tariff so every receipt shows an official fee from day one.

PLACEHOLDER AMOUNTS: believable, not official. The real tariff is set by the responsible authority
and entered in the admin (تعرفه‌های خدمات پیشخوان) as new rows with their own «valid from» date;
an office-specific row overrides the network-wide one for that office.
"""

import datetime

from django.db import migrations

DEFAULTS = {
    "letter_registration": 450_000,  # rials
    "response_printout": 150_000,  # rials
}
VALID_FROM = datetime.date(2025, 3, 21)  # 1404/01/01


def add_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    CounterFee = apps.get_model("counters", "CounterFee")
    for service, amount in DEFAULTS.items():
        CounterFee.objects.get_or_create(
            office=None, service=service, valid_from=VALID_FROM, defaults={"amount": amount}
        )


def remove_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    CounterFee = apps.get_model("counters", "CounterFee")
    CounterFee.objects.filter(office=None, valid_from=VALID_FROM, service__in=list(DEFAULTS)).delete()


class Migration(migrations.Migration):
    dependencies = [("counters", "0002_countervisit_append_only")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
