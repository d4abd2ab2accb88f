"""Registered records are append-only in the database itself, whatever the code path (ISO 15489)."""

from django.db import migrations

from mokatebat.core.migration_helpers import FUNCTION, FUNCTION_SQL, append_only

TABLES = ["correspondence_itemevent", "correspondence_response"]


class Migration(migrations.Migration):
    dependencies = [("correspondence", "0002_initial")]

    operations = [
        migrations.RunSQL(FUNCTION_SQL, f"DROP FUNCTION IF EXISTS {FUNCTION}();"),
        *[append_only(table) for table in TABLES],
    ]
