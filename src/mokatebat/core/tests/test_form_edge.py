"""The input edge's look: selects start with a Persian prompt, date boxes show the format, not a date."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django import forms
from django.test import Client

from mokatebat.core.forms import PersianForm
from mokatebat.correspondence.models import Item
from mokatebat.organization.models import Organization, Unit, User
from mokatebat.testing.staff import login_verified

pytestmark = pytest.mark.django_db

DJANGO_DASHES = "---------"


class Sample(PersianForm):
    unit = forms.ModelChoiceField(queryset=Unit.objects.all(), required=False)
    chosen_label = forms.ModelChoiceField(queryset=Unit.objects.all(), empty_label="همه")
    kind = forms.ChoiceField(choices=[("", DJANGO_DASHES), ("a", "الف")], required=False)


def test_every_empty_choice_says_choose_in_persian(unit: Unit) -> None:
    html = str(Sample())
    assert DJANGO_DASHES not in html
    assert html.count("انتخاب کنید…") == 2
    assert ">همه<" in html  # a label a form chose itself is kept


def test_the_public_letter_form_and_the_staff_pages_show_no_dashes(
    agency: Organization, unit: Unit, clerk: User, submit: Callable[..., Item]
) -> None:
    item = submit()
    staff = Client()
    login_verified(staff, clerk)
    pages = [
        Client().get("/letters/new/").content.decode(),
        staff.get("/staff/received/new/").content.decode(),
        staff.get(f"/staff/items/{item.public_id}/").content.decode(),
    ]
    for page in pages:
        assert DJANGO_DASHES not in page


def test_date_boxes_show_the_format_and_no_stale_example_date(clerk: User) -> None:
    staff = Client()
    login_verified(staff, clerk)
    page = staff.get("/staff/inbox/").content.decode()
    assert 'placeholder="سال/ماه/روز"' in page
    assert "۱۴۰۵/۰۹/۰۲" not in page
    wrong = staff.get("/staff/inbox/", {"date_from": "۱۴۰۳/۱۲/۳۱"}).content.decode()
    assert "تاریخ را به شکل سال/ماه/روز وارد کنید؛ برای نمونه امروز:" in wrong
