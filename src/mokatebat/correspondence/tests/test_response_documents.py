"""R3, R8: the citizen's PDF of a response and the public page its QR code leads to.

The PDF is one more rendering of the response, so it obeys the tracking page's rule (RELIABILITY,
the "Froide" row). Persian text in the PDF is shaped into glyphs and cannot be searched for in the
bytes, so the tests check what survives as plain structure: metadata, link annotations, images,
page count.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from playwright.sync_api import Page, expect

from mokatebat.core.html import sanitize_letter_html
from mokatebat.core.persian import to_persian_digits
from mokatebat.correspondence.letters_pdf import body_blocks, escape_markdown, render_response_pdf, verification_url
from mokatebat.correspondence.models import Item, Response
from mokatebat.correspondence.workflow import RequesterDetails, item_register, response_issue
from mokatebat.organization.models import Unit, User
from mokatebat.testing.browser import SCREENSHOT_DIR, assert_accessible, screenshot

pytestmark = pytest.mark.django_db

ISSUED_AT = datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.UTC)
BODY = (
    "<p>با سلام و احترام،<br>عطف به نامه شماره ۱۴۰۵/۱۲۳۴۵ در خصوص <strong>پرونده درمانی</strong> شما، "
    "موضوع در سامانه HIS بیمارستان بررسی شد.</p>"
    "<ul><li>پرونده در تاریخ ۱۴۰۵/۰۱/۱۵ تکمیل شد.</li><li>هزینه‌ها <em>بازپرداخت</em> می‌شود.</li></ul>"
    "<ol><li>مراجعه به واحد مالی</li><li>ارائه کارت ملی</li></ol>"
    "<blockquote>این پاسخ جایگزین مکاتبات قبلی است.</blockquote>"
)


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def answered(submit: Callable[..., Item], clerk: User, unit: Unit) -> Response:
    clerk.first_name, clerk.last_name = "علی", "محمدی"
    clerk.save()
    item = submit()
    item_register(item=item, actor=clerk)
    return response_issue(item=item, actor=clerk, body=BODY, at=ISSUED_AT, unit=unit, signer_title="مدیرکل")


def tracked_client(item: Item) -> Client:
    """A browser session that looked the item up with national ID + tracking code."""
    client = Client()
    client.post("/track/", {"national_id": item.requester.national_id, "tracking_code": item.tracking_code})
    return client


def pdf_url(item: Item, response: Response) -> str:
    return f"/track/{item.public_id}/responses/{response.public_id}/pdf/"


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


# --- the PDF itself ---------------------------------------------------------------------------------


def test_the_pdf_is_an_a4_letter_with_the_number_in_its_metadata(answered: Response) -> None:
    pdf = render_response_pdf(answered)

    assert pdf.startswith(b"%PDF")
    assert b"/MediaBox [0 0 595.28 841.89]" in pdf
    # The title is stored as UTF-16 hex; the outgoing number is in it with Persian digits.
    title = f"نامه شماره {to_persian_digits(answered.outgoing_number)}".encode("utf-16-be").hex().upper()
    assert title.encode() in pdf.upper()
    assert b"/Lang (fa-IR)" in pdf


def test_the_pdf_links_to_the_verification_page_and_embeds_the_qr_image(answered: Response) -> None:
    pdf = render_response_pdf(answered)

    url = verification_url(answered)
    assert url == f"{settings.PUBLIC_SITE_URL}/verify/{answered.verification_code}/"
    assert f"/URI ({url})".encode() in pdf
    assert b"/Subtype /Image" in pdf


def test_a_long_body_flows_onto_more_pages_with_the_qr_on_each(
    answered: Response, submit: Callable[..., Item], clerk: User
) -> None:
    paragraph = "<p>" + "این بند برای آزمون جریان متن بلند در چند صفحه نوشته شده است. " * 12 + "</p>"
    long_answer = response_issue(item=submit(subject="نامه بلند"), actor=clerk, body=paragraph * 12)

    short, long = render_response_pdf(answered), render_response_pdf(long_answer)

    assert page_count(short) == 1
    assert page_count(long) >= 3
    # Every page links the QR image and the printed address to the verification page.
    assert long.count(f"/URI ({verification_url(long_answer)})".encode()) == 2 * page_count(long)


def test_the_same_response_renders_to_the_same_bytes(answered: Response) -> None:
    assert render_response_pdf(answered) == render_response_pdf(Response.objects.get(pk=answered.pk))


def test_a_legal_person_is_addressed_by_the_company_name(
    submit: Callable[..., Item], citizen: RequesterDetails, clerk: User
) -> None:
    company = replace(citizen, kind="legal", legal_name="شرکت داروسازی البرز", legal_national_id="10101234567")
    item = submit(requester=company)

    assert render_response_pdf(response_issue(item=item, actor=clerk, body="<p>پاسخ</p>")).startswith(b"%PDF")


def test_the_body_walker_keeps_paragraphs_lists_and_emphasis() -> None:
    blocks = body_blocks(BODY)

    assert [block.marker for block in blocks] == ["", "•", "•", "۱.", "۲.", ""]
    assert "\n" in blocks[0].text
    assert "**پرونده درمانی**" in blocks[0].text
    assert "__بازپرداخت__" in blocks[2].text
    assert blocks[-1].quote


def test_a_letters_own_markdown_like_text_stays_text() -> None:
    assert escape_markdown("a**b -- [x](y)") == "a\\**b \\-- [x]\u200c(y)"


def test_a_sample_letter_is_written_for_review(answered: Response) -> None:
    """Not an assertion on looks: `pdftoppm -png -r 80` turns it into an image to look at."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = Path(SCREENSHOT_DIR) / "response-letter.pdf"
    path.write_bytes(render_response_pdf(answered))

    assert path.stat().st_size > 1000


# --- who may download it -----------------------------------------------------------------------------


def test_the_citizen_who_tracked_the_item_downloads_the_pdf(answered: Response) -> None:
    download = tracked_client(answered.item).get(pdf_url(answered.item, answered))

    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")
    number = re.sub(r"[^A-Za-z0-9_-]+", "-", answered.outgoing_number).strip("-")
    assert download["Content-Disposition"] == f'attachment; filename="response-{number}.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Cache-Control"] == "private, no-store"
    assert download["X-Robots-Tag"] == "noindex"


def test_another_browser_session_gets_404(answered: Response) -> None:
    assert Client().get(pdf_url(answered.item, answered)).status_code == 404


def test_a_response_of_another_item_is_404_under_this_items_url(
    answered: Response, submit: Callable[..., Item], clerk: User
) -> None:
    other = response_issue(item=submit(subject="نامه دیگر"), actor=clerk, body="<p>پاسخ محرمانه دیگر</p>")

    assert tracked_client(answered.item).get(pdf_url(answered.item, other)).status_code == 404


# --- the public verification page ----------------------------------------------------------------------


def test_the_verify_page_vouches_for_number_date_agency_and_hash(answered: Response) -> None:
    page = Client().get(f"/verify/{answered.verification_code}/")

    html = page.content.decode()
    assert page.status_code == 200
    assert page["X-Robots-Tag"] == "noindex"
    for expected in [
        to_persian_digits(answered.outgoing_number),
        "۱۴۰۴/۱۲/۱۰",  # 1 March 2026, 13:00 in Tehran
        answered.item.agency.name,
        answered.unit_name,
        "علی محمدی",
        answered.content_sha256,
    ]:
        assert expected in html


def test_the_verify_page_shows_neither_the_requester_nor_the_text(answered: Response) -> None:
    html = Client().get(f"/verify/{answered.verification_code}/").content.decode()

    assert answered.item.requester.full_name not in html
    assert "پرونده درمانی" not in html
    assert answered.item.subject not in html


def test_an_unknown_code_is_a_persian_404(answered: Response) -> None:
    page = Client().get("/verify/not-a-real-code/")

    assert page.status_code == 404
    assert "نامه‌ای با این کد پیدا نشد" in page.content.decode()


def test_the_verify_page_is_rate_limited_per_client(answered: Response) -> None:
    client = Client()
    answers = [client.get(f"/verify/guess-{n}/").status_code for n in range(61)]

    assert answers[:60] == [404] * 60
    assert answers[60] == 429


# --- in a real browser -----------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_verify_page_is_accessible_on_desktop_and_phone(
    answered: Response, live_server: Any, desktop_page: Page, phone_page: Page
) -> None:
    url = f"{live_server.url}/verify/{answered.verification_code}/"
    for page, name in [(desktop_page, "verify-desktop"), (phone_page, "verify-phone")]:
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_have_text("این نامه را این دستگاه صادر کرده است")
        assert_accessible(page, name)
        screenshot(page, name)


def test_the_verify_address_without_a_code_is_a_page_to_type_one(answered: Response) -> None:
    page = Client().get("/verify/")

    assert page.status_code == 200
    assert "کد استعلام نامه" in page.content.decode()


@pytest.mark.parametrize("typed", ["{code}", " {code} ", "{site}/verify/{code}/", "{persian}"])
def test_a_code_typed_from_the_paper_letter_leads_to_the_verification(answered: Response, typed: str) -> None:
    code = answered.verification_code
    persian = code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    value = typed.format(code=code, site=settings.PUBLIC_SITE_URL, persian=persian)

    page = Client().get("/verify/", {"code": value}, follow=True)

    assert page.redirect_chain[-1][0] == f"/verify/{code}/"
    assert "این نامه را این دستگاه صادر کرده است" in page.content.decode()


def test_a_mistyped_code_is_explained_on_the_same_page() -> None:
    page = Client().get("/verify/", {"code": "کد غلط"})

    assert page.status_code == 400
    assert "این کد درست نیست" in page.content.decode()


def test_formatting_from_the_toolbar_keeps_the_typed_paragraphs_and_reaches_the_pdf() -> None:
    typed = (
        "با سلام\n\nپرونده <strong>بررسی شد</strong> و <em>نتیجه</em>:\n<ul>\n<li>مورد یک</li>\n<li>مورد دو</li>\n</ul>"
    )

    body = sanitize_letter_html(typed)

    assert body == (
        "<p>با سلام</p><p>پرونده <strong>بررسی شد</strong> و <em>نتیجه</em>:</p>"
        "<ul>\n<li>مورد یک</li>\n<li>مورد دو</li>\n</ul>"
    )
    blocks = body_blocks(body)
    assert [b.text for b in blocks] == ["با سلام", "پرونده **بررسی شد** و __نتیجه__:", "مورد یک", "مورد دو"]
    assert [b.marker for b in blocks[2:]] == ["•", "•"]
