"""R6: the owner builds the form without code (add, edit, reorder, remove, conditions) and
publishing freezes it as an immutable version."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from mokatebat.organization.models import Organization, Role, User
from mokatebat.services import workflow as sw
from mokatebat.services.models import FormVersion, Service

from .conftest import CARD, member, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty_service(agency: Organization, owner: User) -> Service:
    return sw.service_create(agency=agency, code="complaint", card=CARD, actor=owner)


def add(client: Any, service: Service, **data: Any) -> Any:
    return client.post(reverse("staff-service-form", args=[service.public_id]), {"required": "on", **data})


def keys_and_labels(service: Service) -> list[tuple[str, str]]:
    service.refresh_from_db()
    return [(spec["key"], spec["label"]) for spec in service.form_draft]


def test_the_owner_adds_fields_of_each_kind(empty_service: Service, owner: User) -> None:
    client = signed_in(owner)
    add(client, empty_service, label="نام واحد درمانی", type="text")
    add(client, empty_service, label="نوع شکایت", type="choice", options="مالی\nرفتاری\nدرمانی")
    add(client, empty_service, label="مبلغ دریافتی", type="number", show_if_field="f2", show_if_value="مالی")
    add(client, empty_service, label="تصویر صورتحساب", type="file", max_mb="3", file_types=["pdf", "jpg"])

    empty_service.refresh_from_db()
    specs = empty_service.form_draft
    assert [s["key"] for s in specs] == ["f1", "f2", "f3", "f4"]
    assert specs[1]["options"] == ["مالی", "رفتاری", "درمانی"]
    assert specs[2]["show_if"] == {"field": "f2", "value": "مالی"}
    assert specs[3]["max_mb"] == 3
    assert specs[3]["file_types"] == ["pdf", "jpg"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"label": "نوع", "type": "choice", "options": "فقط یکی"},
            "options",
            "دست‌کم دو گزینه بنویسید، هر کدام در یک سطر.",
        ),
        ({"label": "سند", "type": "file", "max_mb": "۹۹", "file_types": ["pdf"]}, "max_mb", "حداکثر ۵ مگابایت."),
        ({"label": "سند", "type": "file", "max_mb": "2"}, "file_types", "دست‌کم یک نوع پرونده را انتخاب کنید."),
        ({"label": "", "type": "text"}, "label", None),
    ],
)
def test_a_bad_field_is_refused_with_a_message(
    empty_service: Service, owner: User, data: dict[str, Any], field: str, message: str | None
) -> None:
    page = add(signed_in(owner), empty_service, **data)

    assert page.status_code == 400
    assert field in page.context["form"].errors
    if message:
        assert page.context["form"].errors[field] == [message]
    assert keys_and_labels(empty_service) == []


def test_fields_are_edited_reordered_and_removed(empty_service: Service, owner: User) -> None:
    client = signed_in(owner)
    for label in ("الف", "ب", "ج"):
        add(client, empty_service, label=label, type="text")
    client.post(
        reverse("staff-service-field", args=[empty_service.public_id, "f2"]), {"label": "ب ۲", "type": "long_text"}
    )
    client.post(reverse("staff-service-field-change", args=[empty_service.public_id, "f3"]), {"action": "up"})
    client.post(reverse("staff-service-field-change", args=[empty_service.public_id, "f1"]), {"action": "remove"})

    assert keys_and_labels(empty_service) == [("f3", "ج"), ("f2", "ب 2")]  # digits stored as ASCII, shown in Persian
    assert empty_service.form_draft[1]["type"] == "long_text"


def test_a_condition_cannot_end_up_before_its_field(empty_service: Service, owner: User) -> None:
    client = signed_in(owner)
    add(client, empty_service, label="آیا نماینده هستید؟", type="choice", options="بله\nخیر")
    add(client, empty_service, label="نام موکل", type="text", show_if_field="f1", show_if_value="بله")
    client.post(reverse("staff-service-field-change", args=[empty_service.public_id, "f2"]), {"action": "up"})
    client.post(reverse("staff-service-field-change", args=[empty_service.public_id, "f1"]), {"action": "remove"})

    assert keys_and_labels(empty_service) == [("f1", "آیا نماینده هستید؟"), ("f2", "نام موکل")]


def test_publishing_freezes_the_draft_as_a_new_version(empty_service: Service, owner: User) -> None:
    client = signed_in(owner)
    add(client, empty_service, label="نام واحد درمانی", type="text")
    client.post(reverse("staff-service-form-publish", args=[empty_service.public_id]))
    add(client, empty_service, label="شرح شکایت", type="long_text")
    client.post(reverse("staff-service-form-publish", args=[empty_service.public_id]))

    first, second = FormVersion.objects.filter(service=empty_service).order_by("number")
    assert [s["label"] for s in first.fields] == ["نام واحد درمانی"]
    assert [s["label"] for s in second.fields] == ["نام واحد درمانی", "شرح شکایت"]
    empty_service.refresh_from_db()
    assert empty_service.form_version == second
    assert second.published_by == owner
    first.fields = []
    with pytest.raises(RuntimeError):
        first.save()


def test_an_empty_form_is_not_published(empty_service: Service, owner: User) -> None:
    signed_in(owner).post(reverse("staff-service-form-publish", args=[empty_service.public_id]))

    assert not FormVersion.objects.exists()


def test_the_owner_previews_the_draft_before_publishing(
    empty_service: Service, owner: User, other_agency: Organization
) -> None:
    client = signed_in(owner)
    add(client, empty_service, label="نام واحد درمانی", type="text")
    preview_url = reverse("staff-service-form-preview", args=[empty_service.public_id])

    page = client.get(preview_url).content.decode()
    assert "نام واحد درمانی" in page
    assert "ثبت درخواست و دریافت کد رهگیری" not in page
    assert not FormVersion.objects.exists()
    outsider = member("outsider", other_agency, Role.SERVICE_OWNER)
    assert signed_in(outsider).get(preview_url).status_code == 404
