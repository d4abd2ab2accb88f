"""Sign-in codes are the record of who signed in when: rows are updated (attempts, use), never deleted."""

from django.db import migrations

TABLE = "accounts_signincode"


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("correspondence", "0003_append_only_records"),  # defines mokatebat_forbid_change()
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION mokatebat_forbid_change();",
            f"DROP TRIGGER IF EXISTS {TABLE}_no_delete ON {TABLE};",
        ),
    ]
