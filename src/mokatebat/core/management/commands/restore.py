"""``manage.py restore FOLDER``: load a backup into an empty database and media storage, then verify."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mokatebat.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an EMPTY database and media storage (run it as the "
        "owner: DATABASE_OWNER_URL, or MOKATEBAT_DB_ROLE=owner with the embedded server), and check the result "
        "against the backup's manifest: row counts and every file's SHA-256."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = restore(options["folder"], using=options["database"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest.created_at}: {sum(manifest.tables.values())} rows in "
                f"{len(manifest.tables)} tables and {len(manifest.files)} files, all matching the manifest."
            )
        )
