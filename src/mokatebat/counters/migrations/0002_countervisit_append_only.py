"""The counter log is append-only in the database itself: fee disputes are settled against it."""

from django.db import migrations

from mokatebat.core.migration_helpers import append_only

TABLE = "counters_countervisit"


class Migration(migrations.Migration):
    dependencies = [
        ("counters", "0001_initial"),
        ("correspondence", "0003_append_only_records"),  # defines mokatebat_forbid_change()
    ]

    operations = [append_only(TABLE)]
