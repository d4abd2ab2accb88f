"""The citizen's path in a real browser: send a letter on a phone, get the code, track it.

Headless Chromium (Debian's) against ``live_server``; see ``mokatebat.testing.browser``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from mokatebat.core.identifiers import generate_national_id
from mokatebat.core.persian import normalize_text, persian_text_digits, to_persian_digits
from mokatebat.core.tracking import format_tracking_code, new_tracking_code
from mokatebat.correspondence.models import Item
from mokatebat.organization.models import Organization, Unit
from mokatebat.testing.browser import (
    accessibility_problems,
    assert_accessible,
    assert_no_horizontal_scroll,
    open_menu,
    screenshot,
)

# Until src/conftest.py loads the plugin for every suite; registering a plugin twice is harmless.

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARABIC_YEH = "\u064a"  # ي, what Arabic keyboards type for ی
ARABIC_KAF = "\u0643"  # ك, what Arabic keyboards type for ک
SUBJECT = f"تأخ{ARABIC_YEH}ر در صدور {ARABIC_KAF}ارت سلامت"
BODY = f"با سلام\nدرخواست {ARABIC_KAF}ارت اینجانب از ۳ ماه پ{ARABIC_YEH}ش ب{ARABIC_YEH}‌پاسخ مانده است."
FULL_NAME = f"عل{ARABIC_YEH} {ARABIC_KAF}ر{ARABIC_YEH}می"
MOBILE = "+98 912 123 4567"
SEND_BUTTON = "ارسال نامه و دریافت کد رهگیری"
TRACK_BUTTON = "نمایش وضعیت"


@dataclass(frozen=True)
class Letter:
    """What the citizen types into the send form."""

    national_id: str
    kind: str = "complaint"
    subject: str = SUBJECT
    body: str = BODY
    full_name: str = FULL_NAME
    mobile: str = MOBILE


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Tracking is rate limited per client; every browser test comes from 127.0.0.1."""
    cache.clear()


@pytest.fixture
def national_id() -> str:
    return generate_national_id(random.Random(1404))


def persian(value: str) -> str:
    return to_persian_digits(value)


def mistyped(national_id: str) -> str:
    """The same ID with a wrong check digit: the kind of typo the form must catch."""
    return national_id[:-1] + str((int(national_id[-1]) + 1) % 10)


def visit(page: Page, url: str) -> None:
    page.goto(url)
    assert_no_horizontal_scroll(page)


def on_new_page(page: Page, action: Callable[[], Any], url_pattern: str) -> None:
    """Do something that navigates (a click, a submit) and wait for the page it leads to."""
    with page.expect_navigation(url=re.compile(url_pattern)):
        action()
    assert_no_horizontal_scroll(page)


def choose_unit(page: Page, unit: Unit, search_word: str) -> None:
    """Narrow the unit list with the HTMX search box, then pick the unit."""
    page.get_by_label("جست‌وجوی واحد").fill(search_word)
    page.locator(f"#id_unit option[value='{unit.public_id}']").wait_for(state="attached")
    page.locator("#id_unit").select_option(str(unit.public_id))


def fill_letter(page: Page, agency: Organization, letter: Letter, unit: Unit | None = None) -> None:
    page.locator("#id_agency").select_option(agency.code)
    if unit is not None:
        choose_unit(page, unit, search_word="نظارت")
    page.locator(f"input[name=kind][value={letter.kind}]").check()
    page.get_by_label("موضوع").fill(letter.subject)
    page.get_by_label("متن نامه").fill(letter.body)
    page.get_by_label("نام و نام خانوادگی").fill(letter.full_name)
    page.get_by_label("کد ملی").press_sequentially(persian(letter.national_id))
    page.get_by_label("شماره تلفن همراه").press_sequentially(letter.mobile)


def send_letter(page: Page, base_url: str, agency: Organization, letter: Letter) -> str:
    """Send a letter through the form; return the tracking code shown on the receipt."""
    visit(page, f"{base_url}/letters/new/")
    fill_letter(page, agency, letter)
    on_new_page(page, page.get_by_role("button", name=SEND_BUTTON).click, r"/letters/receipt/[0-9a-f-]+/$")
    return read_tracking_code(page)


def read_tracking_code(page: Page) -> str:
    code = page.locator("[data-tracking-code]").get_attribute("data-tracking-code")
    assert code is not None
    assert re.fullmatch(r"[0-9]{13}", code), code
    return code


def ask_for_status(page: Page, national_id: str, tracking_code: str) -> None:
    """Fill the track form as a citizen would: Persian digits, the code grouped with hyphens."""
    page.get_by_label("کد ملی یا شناسه ملی").press_sequentially(persian(national_id))
    page.get_by_label("کد رهگیری").press_sequentially(persian(format_tracking_code(tracking_code)))
    page.get_by_role("button", name=TRACK_BUTTON).click()


# (a) The citizen's path on a 360-px phone.


def test_a_citizen_sends_a_letter_from_a_phone_and_tracks_it_with_persian_digits(
    live_server: Any, phone_page: Page, agency: Organization, unit: Unit, national_id: str
) -> None:
    page = phone_page
    visit(page, f"{live_server.url}/")
    on_new_page(page, page.get_by_role("link", name="نوشتن نامه").click, r"/letters/new/$")

    fill_letter(page, agency, Letter(national_id=national_id), unit=unit)
    assert_no_horizontal_scroll(page)
    on_new_page(page, page.get_by_role("button", name=SEND_BUTTON).click, r"/letters/receipt/[0-9a-f-]+/$")

    code = read_tracking_code(page)
    expect(page.locator(".tracking-code")).to_have_text(persian(format_tracking_code(code)))
    item = Item.objects.select_related("requester").get(tracking_code=code)
    assert item.agency == agency
    assert item.addressed_unit == unit
    assert item.kind == "complaint"
    assert item.subject == "تأخیر در صدور کارت سلامت"  # Arabic ي/ك stored as Persian ی/ک
    assert item.body == normalize_text(BODY)
    assert item.requester.national_id == national_id  # typed in Persian digits, stored in ASCII
    assert item.requester.mobile == "09121234567"  # typed as +98…

    open_menu(page)
    on_new_page(page, page.get_by_role("link", name="پیگیری", exact=True).click, r"/track/$")
    ask_for_status(page, national_id, code)
    page.wait_for_url(re.compile(rf"/track/{item.public_id}/$"))
    assert_no_horizontal_scroll(page)
    expect(page.get_by_role("heading", name="وضعیت نامه")).to_be_visible()
    expect(page.locator(".timeline li").first).to_be_visible()
    expect(page.get_by_text(item.subject)).to_be_visible()


def test_double_tapping_send_creates_exactly_one_letter(
    live_server: Any, phone_page: Page, agency: Organization, national_id: str
) -> None:
    page = phone_page
    visit(page, f"{live_server.url}/letters/new/")
    fill_letter(page, agency, Letter(national_id=national_id))

    on_new_page(page, page.get_by_role("button", name=SEND_BUTTON).dblclick, r"/letters/receipt/[0-9a-f-]+/$")
    page.wait_for_load_state("networkidle")

    code = read_tracking_code(page)
    assert list(Item.objects.values_list("tracking_code", flat=True)) == [code]


def test_a_mistyped_national_id_shows_a_persian_error_beside_the_field_and_keeps_the_text(
    live_server: Any, phone_page: Page, agency: Organization, national_id: str
) -> None:
    page = phone_page
    visit(page, f"{live_server.url}/letters/new/")
    fill_letter(page, agency, Letter(national_id=mistyped(national_id)))
    page.get_by_role("button", name=SEND_BUTTON).click()

    expect(page.locator("#form-errors")).to_contain_text("نامه هنوز ارسال نشده است")
    assert_no_horizontal_scroll(page)
    field = page.locator("#id_national_id")
    error = page.locator(".has-error", has=field).locator(".errorlist")
    expect(error).to_have_text("کد ملی باید ۱۰ رقم و معتبر باشد؛ لطفاً دوباره بررسی کنید.")
    field_box, error_box = field.bounding_box(), error.bounding_box()
    assert field_box is not None
    assert error_box is not None
    assert 0 <= error_box["y"] - (field_box["y"] + field_box["height"]) < 40, "the error is not next to the field"

    expect(field).to_have_value(mistyped(national_id))  # kept, in the normalised ASCII digits
    expect(page.get_by_label("موضوع")).to_have_value(normalize_text(SUBJECT, multiline=False))
    # Normalised (ی/ک), with the digits the citizen typed in Persian given back in Persian (issue 16).
    expect(page.get_by_label("متن نامه")).to_have_value(persian_text_digits(normalize_text(BODY)))
    expect(page.locator("#id_agency")).to_have_value(agency.code)
    expect(page.locator("input[name=kind][value=complaint]")).to_be_checked()
    assert not Item.objects.exists()


def test_a_screen_reader_hears_the_national_id_error_with_the_field(
    live_server: Any, phone_page: Page, agency: Organization, national_id: str
) -> None:
    page = phone_page
    visit(page, f"{live_server.url}/letters/new/")
    fill_letter(page, agency, Letter(national_id=mistyped(national_id)))
    page.get_by_role("button", name=SEND_BUTTON).click()

    field = page.locator("#id_national_id")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile("کد ملی باید ۱۰ رقم"), timeout=1_000)


def test_choosing_the_agency_lists_its_units_without_a_search_word(
    live_server: Any, phone_page: Page, agency: Organization, unit: Unit
) -> None:
    page = phone_page
    visit(page, f"{live_server.url}/letters/new/")
    page.locator("#id_agency").select_option(agency.code)
    expect(page.locator(f"#id_unit option[value='{unit.public_id}']")).to_have_count(1, timeout=2_000)


# (b) axe and (d) screenshots of every citizen page, at phone and desktop width.


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_every_citizen_page_has_no_serious_accessibility_violations(
    request: pytest.FixtureRequest, live_server: Any, agency: Organization, national_id: str, screen: str
) -> None:
    """Walk home → send → send with errors → receipt → track result → track → track not found.

    Each page is photographed (``var/screenshots/<screen>-<page>.png``) before axe runs, and every
    page is checked before the test fails, so one run lists all the violations.
    """
    page: Page = request.getfixturevalue(f"{screen}_page")
    problems: list[str] = []

    def check(page_name: str) -> None:
        if screen == "phone":
            assert_no_horizontal_scroll(page)
        screenshot(page, f"{screen}-{page_name}")
        problems.extend(accessibility_problems(page, f"{page_name} ({screen})"))

    visit(page, f"{live_server.url}/")
    check("home")

    open_menu(page)
    on_new_page(page, page.get_by_role("link", name="ارسال نامه", exact=True).click, r"/letters/new/$")
    check("send")

    fill_letter(page, agency, Letter(national_id=mistyped(national_id)))
    page.get_by_role("button", name=SEND_BUTTON).click()
    expect(page.locator("#form-errors")).to_be_visible()
    check("send-errors")

    page.get_by_label("کد ملی").fill(persian(national_id))
    on_new_page(page, page.get_by_role("button", name=SEND_BUTTON).click, r"/letters/receipt/[0-9a-f-]+/$")
    check("receipt")

    on_new_page(page, page.get_by_role("link", name="مشاهده وضعیت").click, r"/track/[0-9a-f-]+/$")
    expect(page.locator(".timeline li").first).to_be_visible()
    check("track-result")

    open_menu(page)
    on_new_page(page, page.get_by_role("link", name="پیگیری", exact=True).click, r"/track/$")
    check("track")

    ask_for_status(page, national_id, new_tracking_code())
    expect(page.get_by_role("alert")).to_contain_text("پیدا نشد")
    check("track-not-found")

    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.mark.django_db(transaction=False)
def test_the_accessibility_check_reports_serious_violations(desktop_page: Page) -> None:
    """The axe wiring itself: an image without alt text and an unlabelled field must be caught."""
    desktop_page.set_content(
        '<html lang="fa" dir="rtl"><head><title>t</title></head>'
        '<body><main><img src="data:,"><input type="text"></main></body></html>'
    )
    problems = "\n".join(accessibility_problems(desktop_page, "fixture page"))
    assert "image-alt (critical)" in problems
    assert "label (critical)" in problems
    with pytest.raises(pytest.fail.Exception, match="image-alt"):
        assert_accessible(desktop_page, "fixture page")


# (c) Keyboard.


def test_the_first_tab_on_the_send_page_reaches_the_skip_link_which_moves_focus_to_main(
    live_server: Any, desktop_page: Page
) -> None:
    page = desktop_page
    visit(page, f"{live_server.url}/letters/new/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="رفتن به محتوای اصلی")
    expect(skip_link).to_be_focused()
    box = skip_link.bounding_box()
    assert box is not None
    assert box["width"] > 20, "the focused skip link should become visible"

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#id_agency")).to_be_focused()  # the first field of the form, not the header


# (e) Language switch.


def test_the_language_button_turns_the_page_english_and_back_to_persian(live_server: Any, phone_page: Page) -> None:
    page = phone_page
    visit(page, f"{live_server.url}/track/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "fa")
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text("پیگیری نامه")

    open_menu(page)
    on_new_page(page, page.get_by_role("button", name="English").click, r"/track/$")
    expect(html).to_have_attribute("lang", "en")
    expect(html).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Track a letter")

    open_menu(page)
    on_new_page(page, page.get_by_role("button", name="فارسی").click, r"/track/$")
    expect(html).to_have_attribute("lang", "fa")
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text("پیگیری نامه")
