"""R5: service cards are edited by the agency's service owners, every save is a new immutable
version, and the public catalogue shows the newest published one, searchable in Persian."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse

from mokatebat.organization.models import Organization, Role, Unit, User
from mokatebat.services import workflow as sw
from mokatebat.services.models import FormVersion, Service, ServiceCardVersion

from .conftest import CARD, build_service, member, signed_in

pytestmark = pytest.mark.django_db


def card_post(unit: Unit | None = None, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "استعلام سوابق بیمه",
        "category": "استعلام‌ها",
        "description": "گواهی سوابق پرداخت حق بیمه برای ارائه به دستگاه‌ها.",
        "steps": "ثبت درخواست\nبررسی سوابق\nصدور گواهی",
        "required_documents": "تصویر کارت ملی",
        "laws": "قانون تأمین اجتماعی | https://example.ir/law/1",
        "faq": "گواهی چقدر اعتبار دارد؟ | سه ماه",
        "expected_duration": "۳ روز کاری",
        "fees": "رایگان",
        "complaint_procedure": "از طریق سامانه مکاتبات مردمی",
        "responsible_title": "مدیر امور بیمه‌شدگان",
        "responsible_unit": str(unit.public_id) if unit else "",
        "channels": ["online", "counter_office"],
        "is_published": "on",
    }
    data.update(overrides)
    return data


def test_an_owner_creates_a_service_with_every_card_field(agency: Organization, owner: User, unit: Unit) -> None:
    page = signed_in(owner).post(
        reverse("staff-service-new") + "?agency=moh", {**card_post(unit), "code": "insurance-record"}
    )

    service = Service.objects.get(code="insurance-record")
    assert page["Location"] == reverse("staff-service-form", args=[service.public_id])
    card = service.current_version
    assert card is not None
    assert card == service.published_version
    assert card.number == 1
    assert card.steps == ["ثبت درخواست", "بررسی سوابق", "صدور گواهی"]
    assert card.laws == [{"title": "قانون تأمین اجتماعی", "url": "https://example.ir/law/1"}]
    assert card.faq == [{"question": "گواهی چقدر اعتبار دارد؟", "answer": "سه ماه"}]
    assert card.channels == ["online", "counter_office"]
    assert card.responsible_unit == unit
    assert card.created_by == owner


def test_bad_card_lines_get_persian_messages_and_keep_the_text(agency: Organization, owner: User) -> None:
    data = {**card_post(), "code": "x", "laws": "قانون بدون نشانی", "faq": "پرسش | ", "channels": []}
    page = signed_in(owner).post(reverse("staff-service-new"), data)

    assert page.status_code == 400
    errors = page.context["form"].errors
    assert errors["laws"] == ["سطر «قانون بدون نشانی» باید به شکل «عنوان | نشانی» باشد."]
    assert errors["faq"] == ["سطر «پرسش |» باید به شکل «پرسش | پاسخ» باشد."]
    assert errors["channels"] == ["دست‌کم یک روش ارائه را انتخاب کنید."]
    assert "گواهی سوابق پرداخت حق بیمه" in page.content.decode()


def test_a_code_is_unique_within_an_agency(agency: Organization, owner: User) -> None:
    build_service(agency, owner, None, code="dup")
    page = signed_in(owner).post(reverse("staff-service-new"), {**card_post(), "code": "dup"})

    assert page.status_code == 400
    assert page.context["form"].errors["code"] == ["این شناسه خدمت در این دستگاه پیش‌تر به کار رفته است."]


def test_every_save_is_a_new_version_and_the_old_ones_stay(service: Service, owner: User) -> None:
    client = signed_in(owner)
    client.post(reverse("staff-service-edit", args=[service.public_id]), card_post(title="عنوان تازه"))
    client.post(reverse("staff-service-edit", args=[service.public_id]), card_post(title="عنوان تازه‌تر"))

    titles = list(service.card_versions.order_by("number").values_list("number", "title"))
    assert titles == [(1, CARD["title"]), (2, "عنوان تازه"), (3, "عنوان تازه‌تر")]
    history = client.get(reverse("staff-service", args=[service.public_id])).content.decode()
    assert "عنوان تازه‌تر" in history
    assert CARD["title"] in history
    assert "مریم جعفری" in history


def test_a_version_cannot_be_changed_in_place(service: Service) -> None:
    version = ServiceCardVersion.objects.get(service=service)
    version.title = "دست‌کاری"

    with pytest.raises(RuntimeError):
        version.save()


def test_the_public_sees_the_newest_published_version_not_a_later_draft(service: Service, owner: User) -> None:
    sw.card_save(service=service, card={**CARD, "title": "نسخه منتشرشده دوم"}, actor=owner)
    sw.card_save(service=service, card={**CARD, "title": "پیش‌نویس", "is_published": False}, actor=owner)

    page = Client().get(reverse("service-card", args=["moh", service.code])).content.decode()
    assert "نسخه منتشرشده دوم" in page
    assert "پیش‌نویس" not in page


def test_the_card_page_shows_every_field_of_the_directive(service: Service) -> None:
    page = Client().get(reverse("service-card", args=["moh", service.code]))

    html = page.content.decode()
    for text in (
        CARD["description"],
        "بررسی مدارک در اداره نظارت",
        "سند یا اجاره‌نامه محل مطب",
        'href="https://rc.majlis.ir/fa/law/show/97051"',
        "آیا بازدید حضوری لازم است؟",
        "۱۵ روز کاری",
        "۲٬۵۰۰٬۰۰۰ ریال",
        "تلفن ۱۹۰",
        "رئیس اداره نظارت بر مؤسسات پزشکی — اداره کل نظارت بر درمان",
        "اینترنتی (میز خدمت الکترونیکی)، حضوری (میز خدمت حضوری)",
        "لازم نیست",
        reverse("service-request", args=["moh", service.code]),
        "services/services.css",
    ):
        assert text in html, text


def test_the_catalogue_finds_services_whatever_the_spelling(service: Service, other_agency: Organization) -> None:
    other_owner = member("other.owner", other_agency, Role.AGENCY_ADMIN)
    build_service(other_agency, other_owner, None, code="port")
    catalogue = reverse("service-catalogue")

    # Arabic ي and ك, as many keyboards type them.
    found = Client().get(catalogue, {"q": "تأسيس مطب", "agency": "moh"}).context["services"]
    assert [s.code for s in found] == ["clinic-license"]
    assert len(Client().get(catalogue, {"category": "مجوزها"}).context["services"]) == 2
    assert [s.agency.code for s in Client().get(catalogue, {"agency": "hormozgan"}).context["services"]] == [
        "hormozgan"
    ]
    assert not Client().get(catalogue, {"q": "گذرنامه"}).context["services"]


def test_the_placeholders_example_finds_the_clinic_licence_in_any_word_form(service: Service) -> None:
    catalogue = reverse("service-catalogue")
    page = Client().get(catalogue).content.decode()
    example = re.search(r'placeholder="مثلاً ([^"]+)"', page)
    assert example is not None
    for query in (example.group(1), "مجوز مطب", "مجوزهای مطب‌ها", "مطب مجوز", "مجوز  برای مطب"):
        found = Client().get(catalogue, {"q": query}).context["services"]
        assert [s.code for s in found] == ["clinic-license"], query
    assert not Client().get(catalogue, {"q": "مجوز گذرنامه"}).context["services"]


def test_a_cards_keywords_and_synonyms_are_searched(agency: Organization, owner: User) -> None:
    client = signed_in(owner)
    keywords = "جواز مطب، پروانه مطب,  مجوز مطب"
    client.post(reverse("staff-service-new") + "?agency=moh", {**card_post(), "code": "record", "keywords": keywords})
    card = Service.objects.get(code="record").current_version
    assert card is not None
    assert card.keywords == ["جواز مطب", "پروانه مطب", "مجوز مطب"]
    found = Client().get(reverse("service-catalogue"), {"q": "جواز"}).context["services"]
    assert [s.code for s in found] == ["record"]
    # The form shows them again for the next edit.
    edit = client.get(reverse("staff-service-edit", args=[card.service.public_id])).content.decode()
    assert "جواز مطب، پروانه مطب، مجوز مطب" in edit


def test_an_unpublished_service_is_not_in_the_catalogue(agency: Organization, owner: User) -> None:
    sw.service_create(agency=agency, code="draft", card={**CARD, "is_published": False}, actor=owner)

    assert not Client().get(reverse("service-catalogue")).context["services"]
    assert Client().get(reverse("service-card", args=["moh", "draft"])).status_code == 404


def test_owners_of_another_agency_and_other_roles_cannot_edit(
    service: Service, other_agency: Organization, clerk: User
) -> None:
    outsider = member("outsider", other_agency, Role.SERVICE_OWNER)
    for user in (outsider, clerk):
        client = signed_in(user)
        assert client.get(reverse("staff-service-edit", args=[service.public_id])).status_code == 404
        assert client.post(reverse("staff-service-form-publish", args=[service.public_id])).status_code == 404
    assert signed_in(clerk).get(reverse("staff-service-new")).status_code == 403
    assert [s.pk for s in signed_in(outsider).get(reverse("staff-services")).context["services"]] == []


def test_a_withdrawn_service_leaves_the_catalogue_and_a_published_save_brings_it_back(
    service: Service, owner: User
) -> None:
    card_url = reverse("service-card", args=["moh", service.code])
    signed_in(owner).post(reverse("staff-service-withdraw", args=[service.public_id]))

    assert Client().get(card_url).status_code == 404
    assert service.card_versions.count() == 1
    sw.card_save(service=service, card=CARD, actor=owner)
    assert Client().get(card_url).status_code == 200


def test_the_catalogue_does_not_query_per_service(
    agency: Organization, owner: User, django_assert_max_num_queries: Any
) -> None:
    for number in range(6):
        build_service(agency, owner, None, code=f"service-{number}")

    with django_assert_max_num_queries(4):
        page = Client().get(reverse("service-catalogue"), {"agency": "moh"})
    assert len(page.context["services"]) == 6


def test_the_database_refuses_to_change_or_delete_a_version(service: Service, owner: User) -> None:
    sw.card_save(service=service, card=CARD, actor=owner)  # version 1 is no longer pointed at

    with pytest.raises(DatabaseError), transaction.atomic():
        ServiceCardVersion.objects.filter(service=service).update(title="دست‌کاری")
    with pytest.raises(DatabaseError), transaction.atomic():
        ServiceCardVersion.objects.filter(service=service, number=1).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        FormVersion.objects.filter(service=service).update(fields=[])
    assert service.card_versions.count() == 2


def test_a_card_that_needs_a_visit_links_to_the_agencys_appointment_calendars(
    agency: Organization, owner: User
) -> None:
    visit = sw.service_create(agency=agency, code="visit", card={**CARD, "appointment_required": True}, actor=owner)
    plain = build_service(agency, owner, None, code="plain")
    booking = reverse("booking-calendars", args=[agency.code])

    assert booking in Client().get(reverse("service-card", args=[agency.code, visit.code])).content.decode()
    assert booking not in Client().get(reverse("service-card", args=[agency.code, plain.code])).content.decode()
