"""R2, R16: the secretariat and units work on items of their own agency and units only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from mokatebat.correspondence.models import Item, Referral, ResponseDraft, Status
from mokatebat.correspondence.workflow import item_refer, item_register
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Membership, Organization, Role, Unit, User
from mokatebat.testing.staff import login_verified

pytestmark = pytest.mark.django_db


def staff(username: str, organization: Organization, role: Role, units: list[Unit] | None = None) -> User:
    user = User.objects.create_user(username, password="a-long-test-password", first_name=username)
    membership = Membership.objects.create(user=user, organization=organization, role=role)
    membership.units.set(units or [])
    return user


def client_for(user: User) -> Client:
    client = Client()
    login_verified(client, user)
    return client


@pytest.fixture
def other_unit(agency: Organization) -> Unit:
    return Unit.objects.create(organization=agency, name="اداره کل حقوقی")


@pytest.fixture
def unit_staff(agency: Organization, unit: Unit) -> User:
    return staff("unit.staff", agency, Role.UNIT_STAFF, [unit])


@pytest.fixture
def unit_manager(agency: Organization, unit: Unit) -> User:
    return staff("unit.manager", agency, Role.UNIT_MANAGER, [unit])


def test_the_inbox_lists_new_items_of_the_clerks_agency_only(
    clerk: User, submit: Callable[..., Item], other_agency: Organization
) -> None:
    mine = submit(subject="درخواست پروانه مطب")
    theirs = submit(agency=other_agency, subject="نامه به استانداری")

    page = client_for(clerk).get("/staff/inbox/").content.decode()

    assert mine.subject in page
    assert theirs.subject not in page


@pytest.mark.parametrize(
    "query",
    ["tracking", "national_id", "mobile", "پروانه مطب", "پروانة مطب", "پروانه‌ مطب"],
)
def test_one_search_box_finds_items_by_code_ids_mobile_or_words(
    clerk: User, submit: Callable[..., Item], query: str
) -> None:
    item = submit(subject="درخواست پروانه مطب")
    submit(subject="موضوع دیگر")
    values = {"tracking": item.tracking_code, "national_id": item.requester.national_id, "mobile": "۰۹۱۲۱۲۳۴۵۶۷"}

    page = client_for(clerk).get("/staff/inbox/", {"q": values.get(query, query)}).content.decode()

    assert item.subject in page
    if query in values and query != "national_id" and query != "mobile":
        assert "موضوع دیگر" not in page


def test_another_agencys_item_is_not_found(
    clerk: User, submit: Callable[..., Item], other_agency: Organization
) -> None:
    theirs = submit(agency=other_agency)

    assert client_for(clerk).get(f"/staff/items/{theirs.public_id}/").status_code == 404
    response = client_for(clerk).post(f"/staff/items/{theirs.public_id}/register/", {"version": theirs.version})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_registered


def test_a_unit_sees_only_items_referred_to_it(
    clerk: User, submit: Callable[..., Item], unit: Unit, other_unit: Organization, agency: Organization
) -> None:
    item = item_register(item=submit(), actor=clerk)
    item_refer(item=item, actor=clerk, unit=unit)
    outsider = staff("other.unit", agency, Role.UNIT_STAFF, [other_unit])
    insider = staff("inside.unit", agency, Role.UNIT_STAFF, [unit])

    assert client_for(outsider).get(f"/staff/items/{item.public_id}/").status_code == 404
    assert client_for(insider).get(f"/staff/items/{item.public_id}/").status_code == 200
    assert item.subject in client_for(insider).get("/staff/units/").content.decode()
    assert item.subject not in client_for(outsider).get("/staff/units/").content.decode()


def test_unit_staff_cannot_do_secretariat_steps(
    clerk: User, unit_staff: User, submit: Callable[..., Item], unit: Unit
) -> None:
    item = item_register(item=submit(), actor=clerk)
    item_refer(item=item, actor=clerk, unit=unit)
    item.refresh_from_db()

    response = client_for(unit_staff).post(f"/staff/items/{item.public_id}/close/", {"version": item.version})

    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == Status.REFERRED


def test_registering_from_the_item_page_numbers_the_item_and_queues_the_sms(
    clerk: User, submit: Callable[..., Item]
) -> None:
    item = submit()

    response = client_for(clerk).post(
        f"/staff/items/{item.public_id}/register/", {"version": item.version}, follow=True
    )

    item.refresh_from_db()
    assert item.registration_number
    assert "نامه ثبت شد" in response.content.decode()
    assert OutboxMessage.objects.filter(item=item, template="item_registered").count() == 1


def test_a_stale_page_gets_a_clear_conflict_message_not_a_silent_overwrite(
    clerk: User, submit: Callable[..., Item], unit: Unit, other_unit: Unit
) -> None:
    item = item_register(item=submit(), actor=clerk)
    item.refresh_from_db()
    drawn_at = item.version
    first = client_for(clerk).post(
        f"/staff/items/{item.public_id}/refer/", {"version": drawn_at, "unit": unit.public_id}
    )

    second = client_for(clerk).post(
        f"/staff/items/{item.public_id}/refer/", {"version": drawn_at, "unit": other_unit.public_id}, follow=True
    )

    assert first.status_code == 302
    assert "همکار دیگری هم‌زمان" in second.content.decode()
    assert list(Referral.objects.values_list("unit__name", flat=True)) == [unit.name]


def test_the_unit_answers_and_its_manager_signs_the_response(
    clerk: User, unit_staff: User, unit_manager: User, submit: Callable[..., Item], unit: Unit
) -> None:
    item = item_register(item=submit(), actor=clerk)
    referral = item_refer(item=item, actor=clerk, unit=unit)
    staff_client, manager_client = client_for(unit_staff), client_for(unit_manager)

    staff_client.post(f"/staff/referrals/{referral.public_id}/accept/")
    staff_client.post(f"/staff/items/{item.public_id}/actions/", {"text": "از بیمارستان استعلام شد", "public": "on"})
    staff_client.post(
        f"/staff/items/{item.public_id}/drafts/",
        {"body": "<p>پرونده <strong>بررسی</strong> شد.</p><script>alert(1)</script>", "submit_for_signature": "1"},
    )
    draft = ResponseDraft.objects.get()
    assert (
        staff_client.post(
            f"/staff/items/{item.public_id}/drafts/{draft.public_id}/sign/", {"signer_title": "x"}
        ).status_code
        == 403
    )
    manager_client.post(f"/staff/items/{item.public_id}/drafts/{draft.public_id}/sign/", {"signer_title": "مدیر کل"})

    item.refresh_from_db()
    response = item.responses.get()
    assert item.status == Status.ANSWERED
    assert response.body == "<p>پرونده <strong>بررسی</strong> شد.</p>"
    assert response.signer_title == "مدیر کل"
    templates = list(OutboxMessage.objects.filter(item=item).values_list("template", flat=True))
    assert templates.count("action_recorded") == 1
    assert templates.count("response_issued") == 1


def test_attachments_download_only_for_staff_who_see_the_item(
    clerk: User, submit: Callable[..., Item], other_agency: Organization
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mokatebat.correspondence.uploads import check_upload

    upload = check_upload(SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%%EOF"))
    item = submit(uploads=[upload])
    attachment = item.attachments.get()
    outsider = staff("hz.clerk", other_agency, Role.SECRETARIAT_CLERK)
    url = f"/staff/items/{item.public_id}/attachments/{attachment.public_id}/"

    allowed = client_for(clerk).get(url)
    denied = client_for(outsider).get(url)

    assert allowed.status_code == 200
    assert allowed["Content-Disposition"].startswith("attachment")
    assert allowed["Content-Security-Policy"] == "sandbox"
    assert denied.status_code == 404


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/staff/items/{item}/", "get"),
        ("/staff/items/{item}/register/", "post"),
        ("/staff/items/{item}/refer/", "post"),
        ("/staff/items/{item}/reject/", "post"),
        ("/staff/items/{item}/forward/", "post"),
        ("/staff/items/{item}/close/", "post"),
        ("/staff/items/{item}/actions/", "post"),
        ("/staff/items/{item}/info-request/", "post"),
        ("/staff/items/{item}/drafts/", "post"),
    ],
)
@pytest.mark.parametrize("role", [Role.SECRETARIAT_CLERK, Role.AUDITOR, Role.UNIT_STAFF, Role.COUNTER_OPERATOR])
def test_staff_of_another_agency_get_nothing_from_any_item_view(
    path: str, method: str, role: Role, submit: Callable[..., Item], other_agency: Organization
) -> None:
    item = submit()
    outsider_unit = Unit.objects.create(organization=other_agency, name="واحد بیرونی")
    outsider = staff(f"outsider.{role}", other_agency, role, [outsider_unit])
    client = client_for(outsider)

    response: Any = getattr(client, method)(path.format(item=item.public_id), {"version": item.version})

    assert response.status_code in {403, 404}
    assert item.subject.encode() not in response.content
    item.refresh_from_db()
    assert item.status == Status.SUBMITTED


def test_similar_letters_are_bundled_and_answered_once_with_a_copy_for_everyone(
    clerk: User, submit: Callable[..., Item], citizen: Any
) -> None:
    from dataclasses import replace

    text = {"subject": "اعتراض به قطع آب محله", "body": "آب محله ما از دیروز قطع است و کسی پاسخ نمی‌دهد."}
    first = submit(**text)
    others = [submit(requester=replace(citizen, mobile=f"0912000000{n}"), **text) for n in range(3)]
    client = client_for(clerk)

    page = client.get(f"/staff/items/{first.public_id}/").content.decode()
    assert "نامه مشابه باز" in page
    created = client.post(
        f"/staff/items/{first.public_id}/bundle/",
        {"title": "قطع آب", "items": [str(o.public_id) for o in others]},
    )
    answered = client.post(created["Location"], {"body": "لوله اصلی ترمیم شد.", "signer_title": "مدیر"}, follow=True)

    assert answered.status_code == 200
    for item in [first, *others]:
        item.refresh_from_db()
        assert item.status == Status.ANSWERED
        assert item.responses.count() == 1
        assert OutboxMessage.objects.filter(item=item, template="response_issued").count() == 1


def test_staff_who_see_the_item_download_its_response_pdf(
    clerk: User, submit: Callable[..., Item], other_agency: Organization
) -> None:
    from mokatebat.correspondence.workflow import response_issue

    item = item_register(item=submit(), actor=clerk)
    letter = response_issue(item=item, actor=clerk, body="پاسخ")
    url = f"/staff/items/{item.public_id}/responses/{letter.public_id}/pdf/"

    allowed = client_for(clerk).get(url)
    denied = client_for(staff("hz.clerk2", other_agency, Role.SECRETARIAT_CLERK)).get(url)

    assert allowed.content.startswith(b"%PDF")
    assert denied.status_code == 404


def test_an_auditor_reads_every_item_of_the_agency_and_changes_nothing(
    agency: Organization, submit: Callable[..., Item]
) -> None:
    item = submit()
    auditor = client_for(staff("auditor", agency, Role.AUDITOR))

    page = auditor.get(f"/staff/items/{item.public_id}/")
    refused = auditor.post(f"/staff/items/{item.public_id}/register/", {"version": item.version})

    assert page.status_code == 200
    assert "ثبت در دبیرخانه" not in page.content.decode()
    assert refused.status_code == 403
    item.refresh_from_db()
    assert item.status == Status.SUBMITTED


def test_an_agency_admin_keeps_the_agencys_own_taxonomy_and_no_one_elses(
    agency: Organization, other_agency: Organization, clerk: User
) -> None:
    from mokatebat.correspondence.models import SubjectCategory

    admin = client_for(staff("moh.admin", agency, Role.AGENCY_ADMIN))
    theirs = SubjectCategory.objects.create(agency=other_agency, name="عمران")

    admin.post("/staff/categories/", {"name": "دارو", "response_days": "7"})
    toggled_theirs = admin.post("/staff/categories/", {"toggle": str(theirs.pk)})
    clerk_page = client_for(clerk).get("/staff/categories/")

    assert SubjectCategory.objects.get(name="دارو").agency == agency
    assert toggled_theirs.status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active
    assert clerk_page.status_code == 403


def test_the_response_editor_has_a_toolbar_for_the_formatting_its_hint_promises(
    clerk: User, unit_staff: User, submit: Callable[..., Item], unit: Unit
) -> None:
    item = item_register(item=submit(), actor=clerk)
    referral = item_refer(item=item, actor=clerk, unit=unit)
    client = client_for(unit_staff)
    client.post(f"/staff/referrals/{referral.public_id}/accept/")

    page = client.get(f"/staff/items/{item.public_id}/").content.decode()

    assert 'role="toolbar"' in page
    assert 'aria-controls="id_body"' in page
    for label in ("پررنگ", "کج", "فهرست نقطه‌ای", "فهرست شماره‌دار"):
        assert label in page
