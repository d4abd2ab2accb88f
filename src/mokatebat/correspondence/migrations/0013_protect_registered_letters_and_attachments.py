"""A registered letter's text and number, and the files and hashes attached to any letter, cannot be
changed or deleted in the database itself (issue 18: records that must not change)."""

from django.db import migrations

from mokatebat.core.migration_helpers import FUNCTION_SQL, frozen_columns, protect_rows

ITEM = "correspondence_item"
ATTACHMENT = "correspondence_attachment"
REGISTERED = "OLD.registration_number <> ''"


class Migration(migrations.Migration):
    dependencies = [("correspondence", "0012_item_idempotency_fingerprint")]

    operations = [
        # The function learns to say why (its optional argument); the old triggers keep their message.
        migrations.RunSQL(FUNCTION_SQL, migrations.RunSQL.noop),
        frozen_columns(ITEM, ["subject", "body", "tracking_code", "requester_id", "submitted_at"], once=REGISTERED),
        # Forwarding to another agency clears the number (the Forwarding row keeps it); within one
        # agency a number and its date are never rewritten: the register stays gapless and true.
        protect_rows(
            ITEM,
            on="UPDATE",
            when=f"{REGISTERED} AND NEW.agency_id = OLD.agency_id AND "
            "(NEW.registration_number, NEW.registered_at) IS DISTINCT FROM (OLD.registration_number, OLD.registered_at)",
            name=f"{ITEM}_number_kept",
            reason="a registration number is never rewritten",
        ),
        protect_rows(
            ITEM, on="DELETE", when=REGISTERED, name=f"{ITEM}_registered_no_delete", reason="a registered letter is kept"
        ),
        frozen_columns(ATTACHMENT, ["item_id", "file", "size", "sha256"]),
        protect_rows(ATTACHMENT, on="DELETE", name=f"{ATTACHMENT}_no_delete", reason="attachments are kept"),
    ]
