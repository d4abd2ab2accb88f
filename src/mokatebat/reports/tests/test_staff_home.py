"""Every role lands on its work: the staff home counts what waits for this person and every link on it
opens (nothing is offered that the person may not open)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mokatebat.correspondence.models import Item, Status
from mokatebat.correspondence.workflow import item_refer, item_register
from mokatebat.organization.models import Membership, Organization, Role, Unit, User
from mokatebat.testing.staff import login_verified

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="(/(?:staff|counter)/[^"]*)"')


def member(username: str, organization: Organization, role: Role, units: list[Unit] | None = None) -> User:
    user = User.objects.create_user(username, password="a-long-test-password")
    Membership.objects.create(user=user, organization=organization, role=role).units.set(units or [])
    return user


def home_of(client: Client, user: User) -> str:
    login_verified(client, user)
    response = client.get("/staff/")
    assert response.status_code == 200
    return response.content.decode()


def card_count(html: str, label: str) -> str:
    """The number printed on the card with this label (Persian digits)."""
    match = re.search(re.escape(label) + r'</span>\s*<span class="fs-5[^"]*"[^>]*>([۰-۹]+)</span>', html)
    assert match, f"no card «{label}» with a count"
    return match.group(1)


def test_the_secretariat_sees_new_and_registered_letters_counted_and_linked(
    client: Client, agency: Organization, clerk: User, submit: Callable[..., Item]
) -> None:
    submit()
    submit()
    registered = submit()
    item_register(actor=clerk, item=registered)

    html = home_of(client, clerk)

    assert card_count(html, "نامه‌های تازه (بررسی و ثبت)") == "۲"
    assert card_count(html, "ثبت‌شده، در انتظار ارجاع") == "۱"
    # The count is the number of rows behind the link.
    listed = client.get("/staff/inbox/?status=registered").content.decode()
    assert str(registered.public_id) in listed
    assert "?status=submitted" in html


def test_a_unit_member_sees_open_and_overdue_referrals(
    client: Client, agency: Organization, unit: Unit, clerk: User, submit: Callable[..., Item]
) -> None:
    staff = member("unit.staff", agency, Role.UNIT_STAFF, [unit])
    on_time = submit()
    late = submit(at=timezone.now() - datetime.timedelta(days=80))  # a letter's 30 working days are long gone
    for item in (on_time, late):
        item_refer(actor=clerk, item=item_register(actor=clerk, item=item), unit=unit)

    html = home_of(client, staff)

    assert card_count(html, "ارجاع‌های باز به واحدهای شما") == "۲"
    assert card_count(html, "گذشته از مهلت") == "۱"
    assert "border-danger" in html  # the overdue card stands out


def test_the_counter_operator_reaches_the_counter_workspace_in_one_click(client: Client, db: Any) -> None:
    office = Organization.objects.create(
        name="دفتر پیشخوان ۱۲", short_name="پیشخوان ۱۲", code="counter12", kind=Organization.Kind.COUNTER_OFFICE
    )
    operator = member("counter.op", office, Role.COUNTER_OPERATOR)

    html = home_of(client, operator)

    assert 'href="/counter/"' in html
    assert client.get("/counter/").status_code == 200
    # An operator does not manage appointments or read survey results: neither is offered.
    assert "/staff/appointments/" not in html
    assert "/staff/surveys/" not in html


@pytest.mark.parametrize(
    "role",
    [
        Role.SECRETARIAT_CLERK,
        Role.UNIT_STAFF,
        Role.UNIT_MANAGER,
        Role.PR_EXPERT,
        Role.PHONE_OPERATOR,
        Role.HEAD,
        Role.SERVICE_OWNER,
        Role.AGENCY_ADMIN,
        Role.AUDITOR,
        Role.DEPUTY,
    ],
)
def test_every_link_on_a_roles_home_opens_for_that_role(
    client: Client, agency: Organization, unit: Unit, role: Role
) -> None:
    user = member(f"user.{role.value}", agency, role, [unit] if role in (Role.UNIT_STAFF, Role.UNIT_MANAGER) else [])

    html = home_of(client, user)

    links = sorted({link.replace("&amp;", "&") for link in HREF.findall(html)} - {"/staff/logout/"})
    assert links, "the home page offers this role nothing to do"
    refused = {link: client.get(link).status_code for link in links}
    assert {link: code for link, code in refused.items() if code != 200} == {}


def test_a_person_with_two_roles_sees_both_sections(
    client: Client, agency: Organization, unit: Unit, clerk: User
) -> None:
    Membership.objects.create(user=clerk, organization=agency, role=Role.UNIT_MANAGER).units.set([unit])

    html = home_of(client, clerk)

    assert "دبیرخانه" in html
    assert "کارتابل واحد" in html
    assert "امضای پاسخ‌ها" in html


def test_the_home_page_counts_with_a_fixed_number_of_queries(
    client: Client,
    agency: Organization,
    unit: Unit,
    clerk: User,
    submit: Callable[..., Item],
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(5):
        submit()
    login_verified(client, clerk)
    client.get("/staff/")
    with django_assert_max_num_queries(20):
        assert client.get("/staff/").status_code == 200
    assert Item.objects.filter(status=Status.SUBMITTED).count() == 5
