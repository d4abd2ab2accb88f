"""Sign-in codes are the record of who signed in when: rows are updated (attempts, use), never deleted."""

from django.db import migrations

from mokatebat.core.migration_helpers import no_delete

TABLE = "accounts_signincode"


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("correspondence", "0003_append_only_records"),  # defines mokatebat_forbid_change()
    ]

    operations = [no_delete(TABLE)]
