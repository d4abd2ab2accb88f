"""The restore drill (issue 14): back up the demo network, restore it into a fresh database and an
empty media folder, and check what an auditor would: the same items, registers without a gap,
every attachment's checksum, and that an issued response still verifies on its public page."""

from __future__ import annotations

import hashlib
import io
import random
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.utils import load_backend
from django.test import Client, override_settings
from PIL import Image

from mokatebat.core.backup import BackupError, Manifest, restore
from mokatebat.core.identifiers import generate_national_id
from mokatebat.correspondence.models import Attachment, Forwarding, Item, RegisterCounter, Response
from mokatebat.correspondence.uploads import check_upload
from mokatebat.correspondence.workflow import RequesterDetails, item_submit, response_content_digest
from mokatebat.organization.models import Organization

RESTORED = "restored"


class ToRestored:
    """Sends every query of the views to the restored database, as a server started on it would."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        return RESTORED

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return RESTORED


@pytest.fixture
def fresh_database(transactional_db: Any) -> Iterator[str]:
    """An empty database beside the test database, reachable as the ``restored`` alias.

    A connection made here, not a configured alias, which Django's test guard allows as it allows any
    connection made at run time (a configured alias would get a test database of its own)."""
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    backend = load_backend(connection.settings_dict["ENGINE"])
    connections[RESTORED] = backend.DatabaseWrapper({**connection.settings_dict, "NAME": name}, RESTORED)
    try:
        yield name
    finally:
        connections[RESTORED].close()
        del connections[RESTORED]
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _letter_with_attachments(agency: Organization) -> Item:
    image = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(image, format="PNG")
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n%%EOF\n"
    uploads = [
        check_upload(SimpleUploadedFile("عکس.png", image.getvalue(), "image/png")),
        check_upload(SimpleUploadedFile("نامه.pdf", pdf, "application/pdf")),
    ]
    national_id = generate_national_id(random.Random(11))
    requester = RequesterDetails(kind="natural", full_name="سارا احمدی", national_id=national_id, mobile="09121112233")
    item, _created = item_submit(
        agency=agency, unit=None, kind="letter", subject="پیوست", body="متن", requester=requester, uploads=uploads
    )
    return item


def _numbers_in_use(using: str) -> dict[tuple[int, str], list[str]]:
    used: dict[tuple[int, str], list[str]] = defaultdict(list)
    for agency_id, number in (
        Item.objects.using(using).exclude(registration_number="").values_list("agency_id", "registration_number")
    ):
        used[agency_id, RegisterCounter.Register.INCOMING].append(number)
    for agency_id, number in (
        Forwarding.objects.using(using)
        .exclude(from_registration_number="")
        .values_list("from_agency_id", "from_registration_number")
    ):
        used[agency_id, RegisterCounter.Register.INCOMING].append(number)
    for agency_id, number in Response.objects.using(using).values_list("item__agency_id", "outgoing_number"):
        used[agency_id, RegisterCounter.Register.OUTGOING].append(number)
    return used


def _numbers_issued(using: str) -> dict[tuple[int, str], list[str]]:
    issued: dict[tuple[int, str], list[str]] = defaultdict(list)
    for counter in RegisterCounter.objects.using(using).select_related("organization"):
        fmt = counter.organization.registration_format
        issued[counter.organization_id, counter.register] += [
            fmt.format(year=counter.year, number=n) for n in range(1, counter.last_number + 1)
        ]
    return issued


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_the_demo_network_restores_into_a_fresh_database_with_everything_checkable(
    tmp_path: Path, fresh_database: str
) -> None:
    call_command("load_demo_data", stdout=io.StringIO())
    with_files = _letter_with_attachments(Organization.objects.get(code="moh"))
    items = Item.objects.count()
    issued = Response.objects.exclude(content_sha256="").select_related("item__agency").first()
    assert issued is not None, "the demo network has an issued response"
    assert Attachment.objects.filter(item=with_files).count() == 2

    out = io.StringIO()
    call_command("backup", str(tmp_path / "backup"), stdout=out)
    assert "2 files" in out.getvalue()
    manifest = Manifest.read(tmp_path / "backup")
    assert manifest.tables["correspondence_item"] == items
    assert (tmp_path / "backup" / "database.dump").stat().st_mode & 0o077 == 0  # personal data: owner only

    restored_media = tmp_path / "restored-media"
    media = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(restored_media)}}
    with override_settings(STORAGES={**settings.STORAGES, "default": media}):
        call_command("restore", str(tmp_path / "backup"), database=RESTORED, stdout=out)
    assert "all matching the manifest" in out.getvalue()

    # The same items, and registers without a gap: every number a counter gave out is on a letter.
    assert Item.objects.using(RESTORED).count() == items
    used, expected = _numbers_in_use(RESTORED), _numbers_issued(RESTORED)
    assert used, "the demo network has registered letters"
    assert {key: sorted(numbers) for key, numbers in used.items()} == {
        key: sorted(numbers) for key, numbers in expected.items()
    }
    # Every attachment's file is there, with the checksum its row recorded.
    for attachment in Attachment.objects.using(RESTORED):
        content = (restored_media / attachment.file.name).read_bytes()
        assert hashlib.sha256(content).hexdigest() == attachment.sha256
    assert Attachment.objects.using(RESTORED).count() == 2
    # The issued response still verifies: its text hashes to what the paper letter's QR page shows.
    copy = Response.objects.using(RESTORED).select_related("item__agency").get(pk=issued.pk)
    assert response_content_digest(copy, copy.item.agency.name) == issued.content_sha256
    with override_settings(DATABASE_ROUTERS=[ToRestored()]):
        page = Client().get(f"/verify/{issued.verification_code}/")
    assert page.status_code == 200
    assert f'data-digest="{issued.content_sha256}"' in page.content.decode()
    # The restored copy is protected like the original: its records cannot be changed.
    with connections[RESTORED].cursor() as cursor, pytest.raises(Exception, match="append-only"):
        cursor.execute("DELETE FROM correspondence_response WHERE id = %s", [issued.pk])


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty_and_a_damaged_backup(tmp_path: Path) -> None:
    _letter_with_attachments(Organization.objects.create(name="دستگاه", short_name="دستگاه", code="d1"))
    call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(tmp_path / "b"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    victim = next(p for p in (tmp_path / "b" / "media").rglob("*") if p.is_file())
    victim.write_bytes(b"changed")
    with pytest.raises(BackupError, match="damaged"):
        restore(tmp_path / "b")


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_media_folder_that_is_not_empty(tmp_path: Path, fresh_database: str) -> None:
    _letter_with_attachments(Organization.objects.create(name="دستگاه", short_name="دستگاه", code="d2"))
    call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    used = tmp_path / "used-media"
    used.mkdir()
    (used / "someone-elses-file").write_bytes(b"live data")
    media = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(used)}}

    with (
        override_settings(STORAGES={**settings.STORAGES, "default": media}),
        pytest.raises(CommandError, match="media storage is not empty"),
    ):
        call_command("restore", str(tmp_path / "b"), database=RESTORED, stdout=io.StringIO())

    with connections[RESTORED].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert cursor.fetchone() == (0,)  # refused before anything was written
    assert (used / "someone-elses-file").read_bytes() == b"live data"
