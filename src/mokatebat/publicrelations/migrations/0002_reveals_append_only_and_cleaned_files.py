"""Who saw an anonymised complainant's identity, when and why, is an audit record: never changed or deleted."""

from django.db import migrations

from mokatebat.core.migration_helpers import append_only


class Migration(migrations.Migration):
    dependencies = [
        ("publicrelations", "0001_initial"),
        ("correspondence", "0011_protect_registered_letters_and_attachments"),  # the function's reason argument
    ]

    operations = [append_only("publicrelations_identityreveal")]
