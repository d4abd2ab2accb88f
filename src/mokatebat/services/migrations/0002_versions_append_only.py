from django.db import migrations

TABLES = ("services_servicecardversion", "services_formversion")


class Migration(migrations.Migration):
    """Card and form versions are records: the database refuses to change or delete them, as it
    does for the items' timeline (``mokatebat_forbid_change`` comes from correspondence 0003)."""

    dependencies = [("services", "0001_initial"), ("correspondence", "0003_append_only_records")]

    operations = [
        migrations.RunSQL(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION mokatebat_forbid_change();",
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
        )
        for table in TABLES
    ]
