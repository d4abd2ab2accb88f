"""Issue 18, point 4 in a real browser: the PR expert sees a complaint's photo on the review page,
covers the part that shows who wrote it by dragging a rectangle on the preview, confirms the file,
and refers; the unit gets «پیوست ۱» with that part black. Axe-checked, photographed at both widths."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from mokatebat.correspondence.models import Item, Status
from mokatebat.correspondence.workflow import CheckedUpload
from mokatebat.organization.models import Unit, User
from mokatebat.publicrelations.models import RedactedCopy
from mokatebat.testing.browser import assert_no_horizontal_scroll

from .test_browser_pr import check, go, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_letter_photo() -> CheckedUpload:
    """A photographed letter: text lines, and the complainant's signature block at the bottom right."""
    image = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(image)
    for y in range(80, 560, 40):
        draw.rectangle([60, y, 540, y + 12], fill=(90, 90, 90))
    draw.rectangle([330, 640, 560, 740], outline=(0, 0, 160), width=4)  # «signature and mobile»
    draw.line([350, 720, 540, 660], fill=(0, 0, 160), width=6)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92)
    data = out.getvalue()
    return CheckedUpload(
        file=SimpleUploadedFile("x.jpg", data, content_type="image/jpeg"),
        safe_name="نامه-امضاشده.jpg",
        content_type="image/jpeg",
        sha256="0" * 64,
    )


def test_the_expert_covers_the_signature_on_the_preview_and_the_unit_gets_the_covered_copy(
    browser: Any,
    live_server: Any,
    submit_complaint: Callable[..., Item],
    unit: Unit,
    pr_expert: User,
    unit_clerk: User,
) -> None:
    item = submit_complaint(uploads=[signed_letter_photo()])
    base = live_server.url
    problems: list[str] = []

    phone = browser.new_context(viewport={"width": 360, "height": 780}, is_mobile=True, locale="fa-IR")
    page = phone.new_page()
    sign_in(page, base, pr_expert)
    page.goto(f"{base}/staff/pr/items/{item.public_id}/")
    preview = page.locator("figure.cover-page img")
    preview.scroll_into_view_if_needed()  # previews load when the expert gets to them
    page.wait_for_function("() => document.querySelector('figure.cover-page img').naturalWidth > 0")
    assert_no_horizontal_scroll(page)
    check(page, "pr-file-review-phone", problems)
    phone.close()

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fa-IR")
    page = desk.new_page()
    sign_in(page, base, pr_expert)
    page.goto(f"{base}/staff/pr/")
    go(page, page.get_by_role("link", name=re.compile("شکایت")).first.click, r"/staff/pr/items/")
    preview = page.locator("figure.cover-page .cover-frame")
    preview.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('figure.cover-page img').naturalWidth > 0")
    box = preview.bounding_box()
    assert box is not None
    # Drag over the signature block: 52%–95% across, 78%–94% down the page.
    page.mouse.move(box["x"] + box["width"] * 0.52, box["y"] + box["height"] * 0.78)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.86, steps=5)
    page.mouse.move(box["x"] + box["width"] * 0.95, box["y"] + box["height"] * 0.94, steps=5)
    page.mouse.up()
    regions = page.locator("textarea[data-cover-regions]")
    expect(regions).to_have_value(re.compile(r"^1: 5\d(\.\d)? 7\d(\.\d)? 4\d(\.\d)? 1\d(\.\d)?$"))
    expect(page.locator(".cover-frame .cover-rect")).to_have_count(1)
    page.get_by_label(re.compile("پیش‌نمایش را دیدم")).check()
    page.locator("form[action$='/refer/'] #id_unit").select_option(str(unit.public_id))
    check(page, "pr-file-review-desktop", problems)
    go(page, page.get_by_role("button", name="ارجاع نسخه بی‌نام‌شده").click, r"/staff/pr/items/")
    expect(page.get_by_text("نسخه بی‌نام‌شده به واحد ارجاع شد")).to_be_visible()
    expect(page.get_by_role("link", name="پیوست ۱.jpg")).to_be_visible()
    check(page, "pr-file-referred-desktop", problems)
    assert Item.objects.get(pk=item.pk).status == Status.REFERRED

    shared = RedactedCopy.objects.get(item=item).attachments.get()
    [region] = shared.covered_regions
    assert 50 <= region["x"] <= 55
    with shared.file.open("rb") as handle, Image.open(handle) as cleaned:
        width, height = cleaned.size
        signature = cleaned.convert("RGB").getpixel((int(width * 0.75), int(height * 0.86)))
        assert max(signature) < 20, "the signature block is covered in the unit's copy"
        text = cleaned.convert("RGB").getpixel((int(width * 0.3), int(height * 0.5)))
        assert min(text) > 200 or max(text) < 120  # the rest of the page is as it was

    sign_in(page, base, unit_clerk)
    page.goto(f"{base}/staff/pr/anonymised/{item.public_id}/")
    expect(page.get_by_role("link", name=re.compile("پیوست ۱"))).to_be_visible()
    assert "امضاشده" not in page.locator("body").inner_text()
    check(page, "pr-file-unit-desktop", problems)
    desk.close()
    assert not problems, "\n".join(problems)
