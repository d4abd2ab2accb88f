"""Demo inquiry types: for each demo agency one question to another agency on the network and one
to the civil registry over HTTP (which stays unavailable until INQUIRY_REGISTRY_URL is set), plus
one open network inquiry so the answering secretariat has something in its inbox. Idempotent."""

from __future__ import annotations

from mokatebat.correspondence.models import Item, Status
from mokatebat.organization.models import Organization, User

from .models import Adapter, Inquiry, InquiryType, SharedField
from .workflow import inquiry_ask

# (asking agency, answering agency, name, shared fields)
NETWORK_TYPES = (
    ("moh", "hormozgan", "استعلام سابقه پرونده از استانداری هرمزگان", [SharedField.FULL_NAME, SharedField.NATIONAL_ID]),
    ("hormozgan", "hz-roads", "استعلام وضعیت زمین از راه و شهرسازی", [SharedField.FULL_NAME, SharedField.ADDRESS]),
    ("hz-edu", "moh", "استعلام گواهی سلامت از وزارت بهداشت", [SharedField.FULL_NAME, SharedField.NATIONAL_ID]),
    ("hz-roads", "hz-agri", "استعلام کاربری اراضی از جهاد کشاورزی", [SharedField.ADDRESS, SharedField.SUBJECT]),
    ("hz-agri", "hormozgan", "استعلام مجوز از استانداری هرمزگان", [SharedField.FULL_NAME, SharedField.SUBJECT]),
)
REGISTRY_TYPE_NAME = "استعلام هویت از ثبت احوال"


def load_demo() -> int:
    """Create what is missing; returns how many types were created."""
    agencies = {o.code: o for o in Organization.objects.filter(code__in={c for row in NETWORK_TYPES for c in row[:2]})}
    created = 0
    for asking, answering, name, fields in NETWORK_TYPES:
        if asking not in agencies or answering not in agencies:
            continue
        _type, made = InquiryType.objects.get_or_create(
            agency=agencies[asking],
            name=name,
            defaults={"adapter": Adapter.NETWORK_AGENCY, "target_agency": agencies[answering], "shared_fields": fields},
        )
        created += made
        _type, made = InquiryType.objects.get_or_create(
            agency=agencies[asking],
            name=REGISTRY_TYPE_NAME,
            defaults={
                "adapter": Adapter.HTTP_REGISTRY,
                "registry_code": "civil-registry-identity",
                "timeout_seconds": 10,
                "max_attempts": 5,
                "shared_fields": [SharedField.FULL_NAME, SharedField.NATIONAL_ID],
            },
        )
        created += made
    _open_one_network_inquiry()
    return created


def _open_one_network_inquiry() -> None:
    """moh asks hormozgan about one registered letter, once."""
    inquiry_type = InquiryType.objects.filter(agency__code="moh", adapter=Adapter.NETWORK_AGENCY).first()
    asker = User.objects.filter(username="moh.clerk").first()
    if inquiry_type is None or asker is None or Inquiry.objects.filter(inquiry_type=inquiry_type).exists():
        return
    item = (
        Item.objects.filter(agency=inquiry_type.agency, status__in=[Status.REGISTERED, Status.REFERRED])
        .order_by("submitted_at", "pk")
        .first()
    )
    if item is not None:
        inquiry_ask(
            item=item,
            inquiry_type=inquiry_type,
            asked_by=asker,
            question="آیا پرونده‌ای به نام این متقاضی در استانداری در جریان است؟",
        )
