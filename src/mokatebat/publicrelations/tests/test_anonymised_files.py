"""Issue 18, point 4: identity leaked through an anonymised complaint's files. The unit now receives
a cleaned copy — a neutral name, no PDF info or XMP, no EXIF, the regions the expert covered painted
black — and only of files the expert looked at (their preview) and confirmed."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pikepdf
import pypdfium2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from mokatebat.correspondence.models import Item, Status
from mokatebat.correspondence.workflow import CheckedUpload
from mokatebat.organization.models import Unit, User
from mokatebat.publicrelations.models import RedactedCopy

from .conftest import FULL_NAME, MOBILE, signed_in

pytestmark = pytest.mark.django_db


def photo_with_exif() -> bytes:
    """A phone photo of a document: white page, the complainant's name in the EXIF."""
    image = Image.new("RGB", (200, 100), "white")
    exif = Image.Exif()
    exif[0x013B] = FULL_NAME.encode("utf-8").decode("latin-1")  # Artist
    exif[0x010E] = f"mobile {MOBILE}"  # ImageDescription
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, quality=95)
    return out.getvalue()


def jpeg_upload() -> CheckedUpload:
    data = photo_with_exif()
    return CheckedUpload(
        file=SimpleUploadedFile("x.jpg", data, content_type="image/jpeg"),
        safe_name=f"عکس-{MOBILE}.jpg",
        content_type="image/jpeg",
        sha256="0" * 64,
    )


def refer(client: Client, item: Item, unit: Unit, *, preview: bool = True, regions: str = "") -> Any:
    page = client.get(reverse("pr-item", args=[item.public_id]))
    form = page.context["refer_form"]
    attachment = item.attachments.get()
    if preview:
        assert (
            client.get(reverse("pr-attachment-preview", args=[item.public_id, attachment.public_id, 1])).status_code
            == 200
        )
    return client.post(
        reverse("pr-item-refer", args=[item.public_id]),
        {
            "version": form.initial["version"],
            "unit": str(unit.public_id),
            "subject": form.initial["subject"],
            "body": form.initial["body"],
            "attachments": [str(attachment.public_id)],
            form.regions_field(attachment): regions,
        },
    )


def unit_download(unit_clerk: User, item: Item) -> bytes:
    shared = RedactedCopy.objects.get(item=item).attachments.get()
    response = signed_in(unit_clerk).get(reverse("pr-anonymised-attachment", args=[item.public_id, shared.public_id]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_unit_gets_a_pdf_without_the_authors_name_and_mobile_under_a_neutral_name(
    submit_complaint: Callable[..., Item], pr_expert: User, unit: Unit, unit_clerk: User
) -> None:
    item = submit_complaint()
    with item.attachments.get().file.open("rb") as original:
        assert MOBILE.encode() in original.read()  # the original does carry it

    assert refer(signed_in(pr_expert), item, unit).status_code == 302

    shared = RedactedCopy.objects.get(item=item).attachments.get()
    assert shared.display_name == "پیوست ۱.pdf"
    assert shared.reviewed_by == pr_expert
    data = unit_download(unit_clerk, item)
    assert MOBILE.encode() not in data
    assert FULL_NAME.encode("utf-16-be") not in data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/Author" not in pdf.docinfo
        assert "/Title" not in pdf.docinfo
        assert "/Metadata" not in pdf.Root
        assert len(pdf.pages) == 1


def test_a_file_the_expert_did_not_preview_is_not_sent_and_nothing_is_referred(
    submit_complaint: Callable[..., Item], pr_expert: User, unit: Unit
) -> None:
    item = submit_complaint()

    response = refer(signed_in(pr_expert), item, unit, preview=False)

    assert response.status_code == 400
    assert "پیش‌نمایش آن را ببینید" in response.content.decode()
    item.refresh_from_db()
    assert item.status != Status.REFERRED
    assert not RedactedCopy.objects.filter(item=item).exists()


def test_a_photo_loses_its_exif_and_the_covered_region_is_black_in_the_units_copy(
    submit_complaint: Callable[..., Item], pr_expert: User, unit: Unit, unit_clerk: User
) -> None:
    item = submit_complaint(uploads=[jpeg_upload()])

    # Persian digits and the Persian comma, as an expert types them; the left half of the photo.
    assert refer(signed_in(pr_expert), item, unit, regions="۱: ۰، ۰، ۵۰، ۱۰۰").status_code == 302

    data = unit_download(unit_clerk, item)
    assert MOBILE.encode() not in data
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif()
        assert image.getpixel((20, 50)) == pytest.approx((0, 0, 0), abs=8)
        assert image.getpixel((180, 50)) == pytest.approx((255, 255, 255), abs=8)
    assert RedactedCopy.objects.get(item=item).attachments.get().covered_regions == [
        {"page": 1, "x": 0.0, "y": 0.0, "width": 50.0, "height": 100.0}
    ]


def test_a_covered_region_of_a_pdf_page_is_black_and_its_text_layer_is_gone(
    submit_complaint: Callable[..., Item], pr_expert: User, unit: Unit, unit_clerk: User
) -> None:
    item = submit_complaint()

    assert refer(signed_in(pr_expert), item, unit, regions="1: 0 0 100 30").status_code == 302

    document = pypdfium2.PdfDocument(unit_download(unit_clerk, item))
    page = document[0].render(scale=0.5).to_pil().convert("RGB")
    width, height = page.size
    assert page.getpixel((width // 2, int(height * 0.1))) == pytest.approx((0, 0, 0), abs=8)
    assert page.getpixel((width // 2, int(height * 0.8))) == pytest.approx((255, 255, 255), abs=8)
    document.close()


def test_regions_that_cannot_be_read_are_refused_with_a_persian_message(
    submit_complaint: Callable[..., Item], pr_expert: User, unit: Unit
) -> None:
    item = submit_complaint()

    response = refer(signed_in(pr_expert), item, unit, regions="بالای صفحه")

    assert response.status_code == 400
    assert "صفحه: x y پهنا بلندی" in response.content.decode()
    assert not RedactedCopy.objects.filter(item=item).exists()


def test_only_the_pr_desk_can_preview_a_citizens_file(submit_complaint: Callable[..., Item], unit_clerk: User) -> None:
    item = submit_complaint()
    attachment = item.attachments.get()

    response = signed_in(unit_clerk).get(
        reverse("pr-attachment-preview", args=[item.public_id, attachment.public_id, 1])
    )

    assert response.status_code in (403, 404)
