"""Registered records are append-only in the database itself, whatever the code path (ISO 15489)."""

from django.db import migrations

FORBID = """
CREATE OR REPLACE FUNCTION mokatebat_forbid_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% on % is not allowed: records are append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""

TABLES = ["correspondence_itemevent", "correspondence_response"]


def trigger_sql(table: str) -> str:
    return (
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION mokatebat_forbid_change();"
    )


class Migration(migrations.Migration):
    dependencies = [("correspondence", "0002_initial")]

    operations = [
        migrations.RunSQL(FORBID, "DROP FUNCTION IF EXISTS mokatebat_forbid_change();"),
        *[
            migrations.RunSQL(trigger_sql(table), f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
            for table in TABLES
        ],
    ]
