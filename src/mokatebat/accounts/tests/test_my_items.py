"""R12: a signed-in citizen sees every own item (national ID + verified mobile) and nothing else."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mokatebat.correspondence.models import EventKind, Item
from mokatebat.correspondence.workflow import RequesterDetails, info_request, response_issue
from mokatebat.organization.models import Organization, User

from .conftest import sign_in

pytestmark = pytest.mark.django_db


def listed(client: Client) -> str:
    response = client.get("/account/")
    assert response.status_code == 200
    return response.content.decode()


def test_natural_person_sees_own_items_at_every_agency_and_opens_them(
    client: Client,
    citizen: RequesterDetails,
    submit: Callable[..., Item],
    other_agency: Organization,
) -> None:
    first = submit(subject="درخواست پرونده درمانی")
    second = submit(subject="درخواست مجوز اسکله", agency=other_agency)
    sign_in(client, citizen.national_id, citizen.mobile)
    page = listed(client)
    for item in (first, second):
        assert item.subject in page
        assert f"/account/items/{item.public_id}/" in page
        detail = client.get(f"/account/items/{item.public_id}/")
        assert detail.status_code == 200
        assert item.subject in detail.content.decode()
        assert "نامه دریافت شد" in detail.content.decode()  # the tracking page's public timeline


def test_an_item_sent_with_another_mobile_is_neither_listed_nor_opened(
    client: Client, citizen: RequesterDetails, submit: Callable[..., Item]
) -> None:
    mine = submit(subject="نامه با همراه خودم")
    other_phone = submit(subject="نامه با همراه همسرم", requester=replace(citizen, mobile="09130000000"))
    sign_in(client, citizen.national_id, citizen.mobile)
    page = listed(client)
    assert mine.subject in page
    assert other_phone.subject not in page
    assert client.get(f"/account/items/{other_phone.public_id}/").status_code == 404


def test_another_citizens_item_answers_404_everywhere(
    client: Client,
    citizen: RequesterDetails,
    stranger: RequesterDetails,
    submit: Callable[..., Item],
    clerk: User,
) -> None:
    theirs = submit(subject="نامه شخص دیگر", requester=stranger)
    info_request(item=theirs, actor=clerk, question="تصویر قرارداد را بفرستید.")
    answer = response_issue(item=theirs, actor=clerk, body="پاسخ به نامه شخص دیگر")
    submit()
    sign_in(client, citizen.national_id, citizen.mobile)
    assert theirs.subject not in listed(client)
    assert client.get(f"/account/items/{theirs.public_id}/").status_code == 404
    assert client.post(f"/account/items/{theirs.public_id}/reply/", {"text": "دخالت"}).status_code == 404
    pdf = f"/account/items/{theirs.public_id}/responses/{answer.public_id}/pdf/"
    assert client.get(pdf).status_code == 404
    assert not theirs.events.filter(kind=EventKind.CITIZEN_REPLIED).exists()


def test_same_national_id_with_a_different_mobile_signs_into_an_empty_list(
    client: Client, citizen: RequesterDetails, submit: Callable[..., Item]
) -> None:
    item = submit()
    sign_in(client, citizen.national_id, "09360000000")
    page = listed(client)
    assert item.subject not in page
    assert "نامه‌ای با این کد ملی و این شماره همراه ثبت نشده است" in page


def test_representative_sees_the_companys_items_with_own_national_id(
    client: Client, company: RequesterDetails, submit: Callable[..., Item]
) -> None:
    letter = submit(subject="درخواست مجوز حمل کالا", requester=company)
    sign_in(client, company.national_id, company.mobile)
    assert letter.subject in listed(client)
    assert client.get(f"/account/items/{letter.public_id}/").status_code == 200


def test_legal_id_with_the_representatives_mobile_shows_the_companys_items(
    client: Client, company: RequesterDetails, submit: Callable[..., Item]
) -> None:
    letter = submit(subject="درخواست مجوز حمل کالا", requester=company)
    # Another representative wrote for the same company from another mobile: not this person's to see.
    colleague = replace(company, full_name="رضا نوری", national_id="0013542419", mobile="09119998877")
    colleagues_letter = submit(subject="نامه نماینده دیگر شرکت", requester=colleague)
    sign_in(client, company.legal_national_id, company.mobile)
    page = listed(client)
    assert letter.subject in page
    assert colleagues_letter.subject not in page
    assert client.get(f"/account/items/{colleagues_letter.public_id}/").status_code == 404


def test_a_former_representative_does_not_see_letters_sent_by_the_next_one(
    client: Client, company: RequesterDetails, submit: Callable[..., Item]
) -> None:
    successor = replace(company, full_name="رضا نوری", national_id="0013542419", mobile="09119998877")
    later = submit(subject="نامه نماینده جدید", requester=successor)
    sign_in(client, company.national_id, company.mobile)
    assert later.subject not in listed(client)


def test_citizen_replies_to_an_information_request_from_the_account(
    client: Client, citizen: RequesterDetails, submit: Callable[..., Item], clerk: User
) -> None:
    item = submit()
    submit(subject="نامه‌ای که پرسشی ندارد")
    info_request(item=item, actor=clerk, question="لطفاً تصویر نسخه پزشک را بفرستید.")
    sign_in(client, citizen.national_id, citizen.mobile)
    assert listed(client).count("منتظر پاسخ شما") == 1
    page = client.get(f"/account/items/{item.public_id}/").content.decode()
    assert "لطفاً تصویر نسخه پزشک را بفرستید." in page
    assert f'action="/account/items/{item.public_id}/reply/"' in page
    response = client.post(
        f"/account/items/{item.public_id}/reply/", {"text": "نسخه را فردا ارسال می‌کنم."}, follow=True
    )
    assert "پاسخ شما ثبت شد" in response.content.decode()
    event = item.events.get(kind=EventKind.CITIZEN_REPLIED)
    assert event.note == "نسخه را فردا ارسال می‌کنم."
    assert event.actor is None
    assert not item.info_requests.filter(answered_at__isnull=True).exists()


def test_an_empty_reply_keeps_the_page_with_a_message(
    client: Client, citizen: RequesterDetails, submit: Callable[..., Item], clerk: User
) -> None:
    item = submit()
    info_request(item=item, actor=clerk, question="شماره پرونده را بنویسید.")
    sign_in(client, citizen.national_id, citizen.mobile)
    response = client.post(f"/account/items/{item.public_id}/reply/", {"text": "  "}, follow=True)
    assert "پاسخ خود را بنویسید" in response.content.decode()
    assert not item.events.filter(kind=EventKind.CITIZEN_REPLIED).exists()


def test_response_letters_download_from_the_account(
    client: Client, citizen: RequesterDetails, submit: Callable[..., Item], clerk: User
) -> None:
    item = submit()
    answer = response_issue(item=item, actor=clerk, body="درخواست شما پذیرفته شد.")
    sign_in(client, citizen.national_id, citizen.mobile)
    pdf = f"/account/items/{item.public_id}/responses/{answer.public_id}/pdf/"
    assert pdf in listed(client)
    assert pdf in client.get(f"/account/items/{item.public_id}/").content.decode()
    download = client.get(pdf)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")


def test_signed_out_visitors_are_sent_to_sign_in(client: Client, submit: Callable[..., Item]) -> None:
    item = submit()
    for url in ("/account/", f"/account/items/{item.public_id}/"):
        assert client.get(url)["Location"] == "/account/sign-in/"


def test_the_list_takes_a_fixed_number_of_queries(
    client: Client, citizen: RequesterDetails, submit: Callable[..., Item], clerk: User
) -> None:
    sign_in(client, citizen.national_id, citizen.mobile)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            listed(client)
        return len(queries)

    submit()
    few = count()
    for n in range(4):
        item = submit(subject=f"نامه {n}")
        response_issue(item=item, actor=clerk, body="پاسخ")
    assert count() == few


def test_the_account_shows_each_items_expected_answer_date(
    client: Client, citizen: RequesterDetails, submit: Callable[..., Item]
) -> None:
    from mokatebat.core.jalali import format_jalali_date
    from mokatebat.correspondence.deadlines import due_of

    item = submit(subject="درخواست پرونده درمانی", kind="complaint")
    expected = format_jalali_date(due_of(item).answer_by)
    sign_in(client, citizen.national_id, citizen.mobile)
    assert f"تاریخ مورد انتظار پاسخ: {expected}" in listed(client)
    detail = client.get(f"/account/items/{item.public_id}/").content.decode()
    assert "تاریخ مورد انتظار پاسخ" in detail
    assert expected in detail
