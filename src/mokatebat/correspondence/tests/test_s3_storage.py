"""Issue 14: uploaded files on S3-compatible storage (MEDIA_STORAGE=s3, django-storages), tested
against a real S3 server on 127.0.0.1 (moto in server mode). The objects are private; staff read
them only through the app's permission checks, as with files on disk; a backup reads them too."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pikepdf
import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from moto.server import ThreadedMotoServer

from mokatebat.core.backup import backup
from mokatebat.correspondence.models import Attachment
from mokatebat.organization.models import Membership, Organization, Role, User
from mokatebat.testing.staff import login_verified

from .test_submit_letter import letter_data

# Committed rows: the backup at the end reads them in a snapshot of its own.
pytestmark = pytest.mark.django_db(transaction=True)

BUCKET = "mokatebat-uploads"


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_media(s3_server: str, settings: Any) -> Iterator[Any]:
    """MEDIA_STORAGE=s3 as the settings build it from the environment, on a fresh private bucket."""
    client = boto3.client(
        "s3", endpoint_url=s3_server, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    client.create_bucket(Bucket=BUCKET)
    with pytest.MonkeyPatch.context() as env:
        for name, value in {
            "S3_BUCKET": BUCKET,
            "S3_ENDPOINT_URL": s3_server,
            "S3_ACCESS_KEY_ID": "test",
            "S3_SECRET_ACCESS_KEY": "test",
        }.items():
            env.setenv(name, value)
        from mokatebat.settings.base import s3_storage_options

        options = s3_storage_options()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
    }
    yield client
    for entry in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=entry["Key"])
    client.delete_bucket(Bucket=BUCKET)


def a_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_an_attachment_goes_to_the_bucket_privately_and_staff_read_it_through_the_permission_check(
    s3_media: Any, s3_server: str, agency: Organization, other_agency: Organization, clerk: User, tmp_path: Path
) -> None:
    content = a_pdf()
    response = Client().post(
        "/letters/new/", {**letter_data(agency), "attachments": [SimpleUploadedFile("نامه.pdf", content)]}
    )
    assert response.status_code == 302

    attachment = Attachment.objects.get()
    assert type(storages["default"]).__name__ == "S3Storage"
    stored = s3_media.get_object(Bucket=BUCKET, Key=attachment.file.name)["Body"].read()
    assert stored == content
    grants = s3_media.get_object_acl(Bucket=BUCKET, Key=attachment.file.name)["Grants"]
    assert all(grant["Grantee"].get("Type") == "CanonicalUser" for grant in grants)  # no AllUsers / public grant
    assert httpx.get(f"{s3_server}/{BUCKET}/{attachment.file.name}").status_code == 403  # not without the keys

    url = f"/staff/items/{attachment.item.public_id}/attachments/{attachment.public_id}/"
    staff = Client()
    login_verified(staff, clerk)
    download = staff.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    stranger = User.objects.create_user("other.clerk", password="a-long-test-password")
    Membership.objects.create(user=stranger, organization=other_agency, role=Role.SECRETARIAT_CLERK)
    outsider = Client()
    login_verified(outsider, stranger)
    assert outsider.get(url).status_code == 404

    # The backup reads the bucket through the same storage API.
    assert backup(tmp_path / "backup").files[0]["name"] == attachment.file.name
