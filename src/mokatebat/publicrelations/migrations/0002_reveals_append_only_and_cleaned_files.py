"""Who saw an anonymised complainant's identity, when and why, is an audit record: never changed or
deleted. A file passed on with an anonymised copy is a cleaned copy the expert reviewed (issue 18)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import mokatebat.publicrelations.models
from mokatebat.core.migration_helpers import append_only


class Migration(migrations.Migration):
    dependencies = [
        ("publicrelations", "0001_initial"),
        ("correspondence", "0013_protect_registered_letters_and_attachments"),  # the function's reason argument
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        append_only("publicrelations_identityreveal"),
        migrations.AddField(
            model_name="redactedattachment",
            name="content_type",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="redactedattachment",
            name="covered_regions",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="redactedattachment",
            name="file",
            field=models.FileField(
                blank=True, max_length=200, upload_to=mokatebat.publicrelations.models.cleaned_file_path
            ),
        ),
        migrations.AddField(
            model_name="redactedattachment",
            name="reviewed_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name="redactedattachment",
            name="reviewed_by",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="redactedattachment",
            name="sha256",
            field=models.CharField(blank=True, max_length=64),
        ),
    ]
