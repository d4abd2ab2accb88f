"""Inquiries and their types are never deleted, whatever the code path: asked questions and their
answers are part of the item's record. (Rows do change state, so only DELETE is refused.)"""

from django.db import migrations

TABLES = ["inquiries_inquiry", "inquiries_inquirytype"]


def trigger_sql(table: str) -> str:
    # mokatebat_forbid_change() comes from correspondence.0003_append_only_records.
    return (
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION mokatebat_forbid_change();"
    )


class Migration(migrations.Migration):
    dependencies = [("inquiries", "0001_initial"), ("correspondence", "0003_append_only_records")]

    operations = [
        migrations.RunSQL(trigger_sql(table), f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table};")
        for table in TABLES
    ]
