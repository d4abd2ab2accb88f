"""The counter log is append-only in the database itself: fee disputes are settled against it."""

from django.db import migrations

TABLE = "counters_countervisit"


class Migration(migrations.Migration):
    dependencies = [
        ("counters", "0001_initial"),
        ("correspondence", "0003_append_only_records"),  # defines mokatebat_forbid_change()
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION mokatebat_forbid_change();",
            f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};",
        ),
    ]
