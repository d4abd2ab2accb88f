"""Inquiries and their types are never deleted, whatever the code path: asked questions and their
answers are part of the item's record. (Rows do change state, so only DELETE is refused.)"""

from django.db import migrations

from mokatebat.core.migration_helpers import no_delete

TABLES = ["inquiries_inquiry", "inquiries_inquirytype"]


class Migration(migrations.Migration):
    dependencies = [("inquiries", "0001_initial"), ("correspondence", "0003_append_only_records")]

    operations = [no_delete(table) for table in TABLES]
