"""``manage.py backup FOLDER``: a consistent snapshot of the database and the uploaded files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mokatebat.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write the database (pg_dump custom format), the uploaded files and a manifest into a new folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="a new or empty folder for this backup")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["folder"]
        try:
            manifest = backup(folder, using=options["database"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest.tables.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup in {folder}: {len(manifest.tables)} tables, {rows} rows, {len(manifest.files)} files; "
                f"database.dump SHA-256 {manifest.database['sha256']}."
            )
        )
