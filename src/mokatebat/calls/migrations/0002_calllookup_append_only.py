"""The lookup log is append-only in the database itself: it answers "who read out whose letter"."""

from django.db import migrations

from mokatebat.core.migration_helpers import append_only

TABLE = "calls_calllookup"


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0001_initial"),
        ("correspondence", "0003_append_only_records"),  # defines mokatebat_forbid_change()
    ]

    operations = [append_only(TABLE)]
