"""R5–R8, R11 in a real browser: a service owner builds a service, its form and a declared inquiry on
a desktop; a citizen on a 360-px phone finds it in the catalogue, reads the card, fills the form with a
document (the conditional field appears when needed, a mistake keeps the upload) and gets a tracking
code; the other agency answers the inquiry; the unit issues the document; the citizen downloads it and
answers the survey from the SMS link."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from mokatebat.correspondence.models import Item, Status
from mokatebat.inquiries.models import Adapter, Inquiry, InquiryState, InquiryType, SharedField
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Organization, Role, Unit, User
from mokatebat.services.models import ServiceRequest
from mokatebat.surveys.models import Survey
from mokatebat.testing.browser import assert_accessible, assert_no_horizontal_scroll, screenshot

from .conftest import PASSWORD, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def current_code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def sign_in(page: Page, base: str, user: User, path: str) -> None:
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.goto(f"{base}{path}")
    page.wait_for_url(re.compile(r"/staff/login/"))
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/staff/login/code/"))
    page.locator("#id_code").fill(current_code(user))
    page.locator("#id_code").press("Enter")
    page.wait_for_url(re.compile(re.escape(path) + "$"))


def add_field(page: Page, label: str, kind: str, **extra: Any) -> None:
    page.locator("#id_label").fill(label)
    page.locator("#id_type").select_option(kind)
    if "options" in extra:
        page.locator("#id_options").fill(extra["options"])
    if "show_if" in extra:
        page.locator("#id_show_if_field").select_option(label=extra["show_if"][0])
        page.locator("#id_show_if_value").fill(extra["show_if"][1])
    if "types" in extra:
        for value in ("pdf", "jpg", "png"):
            box = page.locator(f"input[name=file_types][value={value}]")
            box.set_checked(value in extra["types"])
        page.locator("#id_max_mb").fill("1")
    page.get_by_role("button", name="افزودن به فرم").click()
    expect(page.locator(".alert-success")).to_contain_text("فیلد به فرم افزوده شد")


def build_service_as_owner(page: Page, base: str, owner: User, unit: Unit, inquiry: InquiryType) -> None:
    sign_in(page, base, owner, "/staff/services/")
    page.get_by_role("link", name=re.compile("خدمت تازه")).click()
    page.locator("#id_code").fill("clinic-license")
    page.locator("#id_title").fill("صدور مجوز تأسیس مطب")
    page.locator("#id_category").fill("مجوزها")
    page.locator("#id_description").fill("صدور پروانه تأسیس مطب برای پزشکان دارای پروانه اشتغال.")
    page.locator("#id_steps").fill("ثبت درخواست و بارگذاری مدارک\nبررسی مدارک\nبازدید کارشناس\nصدور پروانه")
    page.locator("#id_required_documents").fill("تصویر پروانه اشتغال\nاجاره‌نامه محل مطب")
    page.locator("#id_laws").fill("قانون مقررات امور پزشکی | https://rc.majlis.ir/fa/law/show/97051")
    page.locator("#id_faq").fill("آیا بازدید لازم است؟ | بله، یک بار پیش از صدور پروانه.")
    page.locator("#id_expected_duration").fill("۱۵ روز کاری")
    page.locator("#id_fees").fill("۲٬۵۰۰٬۰۰۰ ریال")
    page.locator("#id_complaint_procedure").fill("از طریق سامانه مکاتبات مردمی یا تلفن ۱۹۰.")
    page.locator("#id_responsible_title").fill("رئیس اداره نظارت بر مؤسسات پزشکی")
    page.locator("#id_responsible_unit").select_option(str(unit.public_id))
    page.locator("input[name=channels][value=in_person]").check()
    page.get_by_label(inquiry.name).check()  # asked of the other agency with every request (R7)
    page.locator("#id_is_published").check()
    assert_accessible(page, "service card editor")
    screenshot(page, "services-card-edit-desktop")
    page.get_by_role("button", name="ذخیره نسخه تازه").click()
    page.wait_for_url(re.compile(r"/form/$"))
    add_field(page, "نام مطب", "text")
    add_field(page, "نوع مطب", "choice", options="عمومی\nتخصصی")
    add_field(page, "رشته تخصصی", "text", show_if=("نوع مطب", "تخصصی"))
    add_field(page, "پروانه اشتغال", "file", types=("pdf",))
    expect(page.locator("#id_options")).to_be_hidden()  # settings of other field types fold away
    page.get_by_role("link", name="پیش‌نمایش").click()
    expect(page.get_by_label("رشته تخصصی")).to_be_hidden()
    assert_accessible(page, "form preview")
    screenshot(page, "services-form-preview-desktop")
    page.go_back()
    page.get_by_role("button", name="انتشار فرم").click()
    expect(page.locator(".alert-success")).to_contain_text("فرم منتشر شد")
    assert_accessible(page, "form builder")
    screenshot(page, "services-form-builder-desktop")


def test_owner_builds_a_service_and_a_citizen_requests_it_on_a_phone(
    live_server: Any,
    desktop_page: Page,
    phone_page: Page,
    owner: User,
    unit: Unit,
    unit_staff: User,
    applicant_id: str,
    tmp_path: Path,
    other_agency: Organization,
) -> None:
    base = live_server.url
    inquiry_type = InquiryType.objects.create(
        agency=unit.organization,
        name="استعلام سابقه تخلف از استانداری",
        adapter=Adapter.NETWORK_AGENCY,
        target_agency=other_agency,
        shared_fields=[SharedField.FULL_NAME, SharedField.NATIONAL_ID],
    )
    other_clerk = member("province.clerk", other_agency, Role.SECRETARIAT_CLERK)
    build_service_as_owner(desktop_page, base, owner, unit, inquiry_type)

    phone = phone_page
    phone.goto(f"{base}/services/")
    phone.locator("#id_q").fill("تأسيس مطب")  # Arabic ي, as many keyboards type it
    phone.get_by_role("button", name="جست‌وجو").click()
    assert_accessible(phone, "catalogue (phone)")
    assert_no_horizontal_scroll(phone)
    screenshot(phone, "services-catalogue-phone")
    phone.get_by_role("link", name="صدور مجوز تأسیس مطب").click()
    expect(phone.locator("h1")).to_have_text("صدور مجوز تأسیس مطب")
    assert_accessible(phone, "service card (phone)")
    assert_no_horizontal_scroll(phone)
    screenshot(phone, "services-card-phone")

    phone.get_by_role("link", name="درخواست خدمت").click()
    specialty = phone.get_by_label("رشته تخصصی")
    expect(specialty).to_be_hidden()
    phone.get_by_label("تخصصی", exact=True).check()
    expect(specialty).to_be_visible()
    assert_accessible(phone, "request form (phone)")
    assert_no_horizontal_scroll(phone)
    document = tmp_path / "parvaneh.pdf"
    document.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\n" + b"0" * 2000 + b"\n%%EOF\n")
    phone.get_by_label("پروانه اشتغال").set_input_files(str(document))
    phone.locator("#id_full_name").fill("مریم رضایی")
    phone.locator("#id_national_id").fill(applicant_id)
    phone.locator("#id_mobile").fill("۰۹۱۲۱۲۳۴۵۶۷")
    screenshot(phone, "services-request-phone")
    phone.get_by_role("button", name="ثبت درخواست و دریافت کد رهگیری").click()

    # Forgot the clinic's name and the specialty: both named, the document kept.
    expect(phone.locator("#form-errors")).to_be_visible()
    expect(phone.locator("#id_f1_error")).to_have_text("«نام مطب» را وارد کنید.")
    expect(phone.locator("#id_f3_error")).to_have_text("«رشته تخصصی» را وارد کنید.")
    expect(phone.get_by_label(re.compile("«parvaneh.pdf» پیش‌تر بارگذاری شده"))).to_be_checked()
    assert_accessible(phone, "request form with errors (phone)")
    screenshot(phone, "services-request-errors-phone")
    phone.locator("#id_f1").fill("مطب دکتر رضایی")
    phone.locator("#id_f3").fill("قلب و عروق")
    phone.get_by_role("button", name="ثبت درخواست و دریافت کد رهگیری").click()

    phone.wait_for_url(re.compile(r"/services/receipt/"))
    item = Item.objects.get()
    expect(phone.locator("[data-tracking-code]")).to_have_attribute("data-tracking-code", item.tracking_code)
    assert_accessible(phone, "request receipt (phone)")
    screenshot(phone, "services-receipt-phone")
    request = ServiceRequest.objects.get(item=item)
    assert request.answers["f3"] == "قلب و عروق"
    assert request.answers["f4"]["name"] == "parvaneh.pdf"
    assert item.status == Status.REFERRED

    # The declared inquiry went to the other agency at once; its clerk answers it (R7).
    inquiry = Inquiry.objects.get(item=item)
    desktop_page.context.clear_cookies()
    sign_in(desktop_page, base, other_clerk, f"/staff/inquiries/received/{inquiry.public_id}/")
    desktop_page.locator("#id_text").fill("متقاضی سابقه تخلف ندارد.")
    desktop_page.get_by_role("button", name="فرستادن پاسخ").click()
    expect(desktop_page.get_by_text("متقاضی سابقه تخلف ندارد.").first).to_be_visible()
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.ANSWERED

    # The unit issues the licence on the staff item page; the citizen downloads it on the phone.
    desktop_page.context.clear_cookies()
    sign_in(desktop_page, base, unit_staff, f"/staff/items/{item.public_id}/")
    expect(desktop_page.locator("#service-heading")).to_contain_text("صدور مجوز تأسیس مطب")
    expect(desktop_page.locator(".answers")).to_contain_text("قلب و عروق")
    expect(desktop_page.get_by_text("متقاضی سابقه تخلف ندارد.").first).to_be_visible()  # the inquiry's answer
    desktop_page.locator("summary", has_text="صدور سند/تصمیم").click()
    desktop_page.locator("#id_outcome-text").fill("پروانه تأسیس مطب تخصصی قلب و عروق به نام متقاضی صادر شد.")
    assert_accessible(desktop_page, "staff item with service request")
    screenshot(desktop_page, "services-staff-item-desktop")
    desktop_page.get_by_role("button", name="صدور و اطلاع به متقاضی").click()
    expect(desktop_page.locator(".alert-success").first).to_contain_text("سند/تصمیم صادر شد")
    phone.get_by_role("link", name="مشاهده وضعیت").click()
    expect(phone.locator(".response-letter")).to_contain_text("پروانه تأسیس مطب")
    assert_accessible(phone, "tracking page with the issued document (phone)")
    screenshot(phone, "services-track-phone")
    with phone.expect_download() as download:
        phone.get_by_role("link", name=re.compile("PDF")).click()
    assert download.value.suggested_filename.endswith(".pdf")

    # The SMS that came with the document carries the survey link; one tap rates the service (R11).
    invitation = OutboxMessage.objects.get(item=item, template="survey_invite")
    link = re.search(r"/s/\S+", invitation.body)
    assert link is not None
    phone.goto(f"{base}{link.group(0)}")
    assert_accessible(phone, "survey (phone)")
    phone.locator("button[name=rating][value='5']").click()
    expect(phone.locator("h1")).to_be_visible()
    survey = Survey.objects.get(item=item)
    assert survey.rating == 5
    assert survey.service_code == "clinic-license"

    # The same public pages at desktop width.
    desktop_page.goto(f"{base}/services/")
    assert_accessible(desktop_page, "catalogue")
    screenshot(desktop_page, "services-catalogue-desktop")
    desktop_page.goto(f"{base}/services/moh/clinic-license/")
    assert_accessible(desktop_page, "service card")
    screenshot(desktop_page, "services-card-desktop")
    desktop_page.emulate_media(media="print")
    screenshot(desktop_page, "services-card-print")
