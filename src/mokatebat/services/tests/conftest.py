"""The service cast: a service owner of the ministry, a published service with a form that has one
field of every type, a unit that handles it, and helpers to fill the form as a citizen would."""

from __future__ import annotations

import io
import random
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from mokatebat.core.identifiers import generate_legal_id, generate_national_id
from mokatebat.organization.models import Membership, Organization, Role, Unit, User
from mokatebat.services import workflow as sw
from mokatebat.services.models import Service
from mokatebat.testing.staff import login_verified

PASSWORD = "a-long-test-password"

CARD: dict[str, Any] = {
    "title": "صدور مجوز تأسیس مطب",
    "category": "مجوزها",
    "description": "صدور پروانه تأسیس مطب برای پزشکان عمومی و متخصص دارای پروانه اشتغال.",
    "steps": ["ثبت درخواست و بارگذاری مدارک", "بررسی مدارک در اداره نظارت", "بازدید کارشناس", "صدور پروانه"],
    "required_documents": ["تصویر پروانه اشتغال به کار پزشکی", "سند یا اجاره‌نامه محل مطب"],
    "laws": [{"title": "قانون مربوط به مقررات امور پزشکی و دارویی", "url": "https://rc.majlis.ir/fa/law/show/97051"}],
    "faq": [{"question": "آیا بازدید حضوری لازم است؟", "answer": "بله، یک بار پیش از صدور پروانه."}],
    "expected_duration": "۱۵ روز کاری",
    "fees": "۲٬۵۰۰٬۰۰۰ ریال",
    "complaint_procedure": "شکایت از طریق سامانه مکاتبات مردمی یا تلفن ۱۹۰.",
    "responsible_title": "رئیس اداره نظارت بر مؤسسات پزشکی",
    "responsible_unit": None,
    "channels": ["online", "in_person"],
    "appointment_required": False,
    "is_published": True,
}

# One field of every type; «رشته تخصصی» shows only for a specialist clinic.
FIELDS: list[dict[str, Any]] = [
    {"type": "text", "label": "نام مطب", "required": True},
    {"type": "long_text", "label": "شرح فعالیت", "required": False},
    {"type": "number", "label": "مساحت مطب (متر مربع)", "required": True},
    {"type": "jalali_date", "label": "تاریخ دانش‌آموختگی", "required": True},
    {"type": "choice", "label": "نوع مطب", "required": True, "options": ["عمومی", "تخصصی"]},
    {"type": "text", "label": "رشته تخصصی", "required": True, "show_if": {"field": "f5", "value": "تخصصی"}},
    {"type": "national_id", "label": "کد ملی پزشک", "required": True},
    {"type": "legal_id", "label": "شناسه ملی مؤسسه", "required": False},
    {"type": "mobile", "label": "تلفن همراه مطب", "required": False},
    {"type": "postal_code", "label": "کد پستی مطب", "required": True},
    {"type": "file", "label": "پروانه اشتغال", "required": True, "max_mb": 1, "file_types": ["pdf", "png"]},
]


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def member(username: str, agency: Organization, role: str, units: tuple[Unit, ...] = ()) -> User:
    user = User.objects.create_user(username, password=PASSWORD, first_name="مریم", last_name="جعفری")
    membership = Membership.objects.create(user=user, organization=agency, role=role)
    membership.units.set(units)
    return user


@pytest.fixture
def owner(agency: Organization) -> User:
    return member("owner", agency, Role.SERVICE_OWNER)


@pytest.fixture
def unit_staff(agency: Organization, unit: Unit) -> User:
    return member("unit.staff", agency, Role.UNIT_STAFF, (unit,))


def signed_in(user: User) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def build_service(agency: Organization, owner: User, unit: Unit | None, code: str = "clinic-license") -> Service:
    service = sw.service_create(agency=agency, code=code, card={**CARD, "responsible_unit": unit}, actor=owner)
    for spec in FIELDS:
        sw.form_field_save(service=service, spec=spec)
    sw.form_publish(service=service, actor=owner)
    service.refresh_from_db()
    return service


@pytest.fixture
def service(agency: Organization, owner: User, unit: Unit) -> Service:
    return build_service(agency, owner, unit)


@pytest.fixture
def doctor_id() -> str:
    return generate_national_id(random.Random(11))


@pytest.fixture
def applicant_id() -> str:
    return generate_national_id(random.Random(12))


def pdf_file(name: str = "parvaneh.pdf", size: int = 2000) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\n" + b"0" * size + b"\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def png_file(name: str = "scan.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def answers(doctor_id: str, applicant_id: str, **overrides: Any) -> dict[str, Any]:
    """A complete, valid request typed the way people type: Persian digits, Arabic ي/ك."""
    data: dict[str, Any] = {
        "nonce": f"nonce-{random.random()}",
        "f1": "مطب دكتر رضايي",
        "f2": "ویزیت عمومی و مشاوره",
        "f3": "۸۵",
        "f4": "۱۳۹۸/۰۶/۳۱",
        "f5": "عمومی",
        "f7": doctor_id.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")),
        "f8": "",
        "f9": "",
        "f10": "۱۹۳۹۵-۴۷۹۱۱",
        "requester_kind": "natural",
        "full_name": "مریم رضایی",
        "national_id": applicant_id,
        "mobile": "۰۹۱۲۱۲۳۴۵۶۷",
        "f11": pdf_file(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def a_legal_id() -> str:
    return generate_legal_id(random.Random(3))
