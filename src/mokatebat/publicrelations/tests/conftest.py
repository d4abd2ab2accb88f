"""The PR cast: a PR expert, a phone operator, the head, an auditor, a unit clerk and a secretariat
clerk of one agency, and a citizen whose complaint carries their identifiers in the text."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from typing import Any

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from mokatebat.core.identifiers import generate_national_id
from mokatebat.correspondence.models import Item
from mokatebat.correspondence.workflow import CheckedUpload, RequesterDetails, item_submit
from mokatebat.organization.models import Membership, Organization, Role, Unit, User
from mokatebat.testing.staff import login_verified

NATIONAL_ID = generate_national_id(random.Random(2026))
MOBILE = "09123456789"
EMAIL = "maryam.rezaei@example.ir"
FULL_NAME = "مریم رضایی‌نژاد"
ADDRESS = "تهران، خیابان آزادی، کوچه نسترن، پلاک ۴۲"


def member(agency: Organization, username: str, role: str, *units: Unit) -> User:
    user = User.objects.create_user(username, password="a-long-test-password", first_name="کاربر", last_name=username)
    membership = Membership.objects.create(user=user, organization=agency, role=role)
    if units:
        membership.units.set(units)
    return user


@pytest.fixture
def pr_expert(agency: Organization) -> User:
    return member(agency, "pr.expert", Role.PR_EXPERT)


@pytest.fixture
def phone_operator(agency: Organization) -> User:
    return member(agency, "phone.operator", Role.PHONE_OPERATOR)


@pytest.fixture
def head(agency: Organization) -> User:
    return member(agency, "head", Role.HEAD)


@pytest.fixture
def auditor(agency: Organization) -> User:
    return member(agency, "auditor", Role.AUDITOR)


@pytest.fixture
def deputy(agency: Organization) -> User:
    return member(agency, "deputy", Role.DEPUTY)


@pytest.fixture
def unit_clerk(agency: Organization, unit: Unit) -> User:
    return member(agency, "unit.clerk", Role.UNIT_STAFF, unit)


@pytest.fixture
def complainant() -> RequesterDetails:
    return RequesterDetails(
        kind="natural", full_name=FULL_NAME, national_id=NATIONAL_ID, mobile=MOBILE, email=EMAIL, address=ADDRESS
    )


def identifying_pdf() -> bytes:
    """A complaint's PDF as office software writes it: the author's name and mobile in the document
    info and the XMP metadata (issue 18: they reached the unit unchanged)."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Author"] = FULL_NAME
    pdf.docinfo["/Title"] = f"شکایت {FULL_NAME} {MOBILE}"
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = [FULL_NAME]
        meta["dc:title"] = f"شکایت {MOBILE}"
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def complaint_body() -> str:
    """The identifiers as citizens write them: Persian digits, Arabic letters, +98, spaced."""
    persian_id = NATIONAL_ID.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    return (
        f"با سلام، اینجانب مريم رضائي نژاد به کد ملی {persian_id} از برخورد کارمند پذیرش شکایت دارم. "
        f"شماره تماس من +98 912 345 6789 و رایانامه {EMAIL} است. نشانی: {ADDRESS}. "
        "لطفا رسیدگی شود."
    )


@pytest.fixture
def submit_complaint(agency: Organization, complainant: RequesterDetails) -> Callable[..., Item]:
    def _submit(**overrides: Any) -> Item:
        pdf = SimpleUploadedFile("x.pdf", identifying_pdf(), content_type="application/pdf")
        upload = CheckedUpload(
            file=pdf, safe_name=f"شکایت-رضایی‌نژاد-{MOBILE}.pdf", content_type="application/pdf", sha256="0" * 64
        )
        fields: dict[str, Any] = {
            "agency": agency,
            "unit": None,
            "kind": "complaint",
            "subject": "شکایت مريم رضایی‌نژاد از واحد پذیرش",
            "body": complaint_body(),
            "requester": complainant,
            "uploads": [upload],
        }
        fields.update(overrides)
        item, _created = item_submit(**fields)
        return item

    return _submit


def signed_in(user: User) -> Client:
    client = Client()
    login_verified(client, user)
    return client
