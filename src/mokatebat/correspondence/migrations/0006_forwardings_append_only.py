from django.db import migrations

from mokatebat.core.migration_helpers import append_only


class Migration(migrations.Migration):
    dependencies = [("correspondence", "0005_secretariat_and_units")]

    operations = [append_only("correspondence_forwarding")]
