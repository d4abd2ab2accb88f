"""The lookup log is append-only in the database itself: it answers "who read out whose letter"."""

from django.db import migrations

TABLE = "calls_calllookup"


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0001_initial"),
        ("correspondence", "0003_append_only_records"),  # defines mokatebat_forbid_change()
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION mokatebat_forbid_change();",
            f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};",
        ),
    ]
