from django.db import migrations

from mokatebat.core.migration_helpers import append_only

TABLES = ("services_servicecardversion", "services_formversion")


class Migration(migrations.Migration):
    """Card and form versions are records: the database refuses to change or delete them, as it
    does for the items' timeline (``mokatebat_forbid_change`` comes from correspondence 0003)."""

    dependencies = [("services", "0001_initial"), ("correspondence", "0003_append_only_records")]

    operations = [append_only(table) for table in TABLES]
