"""Issue 16 (8, 9): text is stored with ASCII digits for search, shown with Persian digits; number
boxes take Persian and Arabic-Indic digits instead of dropping them."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.test import Client

from mokatebat.core.forms import PersianForm
from mokatebat.core.persian import persian_html_digits, persian_text_digits
from mokatebat.correspondence.models import Item
from mokatebat.organization.models import User
from mokatebat.services.formspec import request_form_class
from mokatebat.testing.staff import login_verified


def test_persian_words_and_numbers_get_persian_digits_latin_words_keep_theirs() -> None:
    assert persian_text_digits("کیلومتر 23 جاده، پلاک 12") == "کیلومتر ۲۳ جاده، پلاک ۱۲"
    assert persian_text_digits("نشانی ali2@mail.ir و فرم A12") == "نشانی ali2@mail.ir و فرم A12"
    assert persian_text_digits("09121234567\n1404/05/12") == "۰۹۱۲۱۲۳۴۵۶۷\n۱۴۰۴/۰۵/۱۲"


def test_letter_html_changes_its_text_not_its_tags() -> None:
    assert persian_html_digits("<p>بند 2</p><ol><li>مورد 3</li></ol>") == "<p>بند ۲</p><ol><li>مورد ۳</li></ol>"


def test_the_filters_escape_what_a_person_wrote() -> None:
    rendered = Template("{{ text|fa_text|linebreaksbr }}|{{ html|fa_html|safe }}").render(
        Context({"text": "«12» > 3\nخط 2", "html": "<p>12</p>"})
    )
    assert rendered == "«۱۲» &gt; ۳<br>خط ۲|<p>۱۲</p>"


@pytest.mark.django_db
def test_the_staff_page_shows_the_digits_of_the_letter_in_persian(submit: Callable[..., Item], clerk: User) -> None:
    # As the send form stores «کیلومتر ۲۳»: normalised to ASCII digits for search.
    item = submit(subject="خرابی جاده کیلومتر 23", body="از کیلومتر 23 تا 12345 متر آسفالت ندارد.")
    client = Client()
    login_verified(client, clerk)

    page = client.get(f"/staff/items/{item.public_id}/").content.decode()

    assert "کیلومتر ۲۳ تا ۱۲۳۴۵ متر" in page
    assert "کیلومتر 23" not in page


def test_a_form_that_comes_back_shows_the_typed_words_with_persian_digits() -> None:
    class Letter(PersianForm):
        subject = forms.CharField()
        body = forms.CharField(widget=forms.Textarea)
        count = forms.IntegerField()

    form = Letter({"subject": "کیلومتر ۲۳", "body": "پلاک ۱۲", "count": "x"})
    assert not form.is_valid()
    assert 'value="کیلومتر ۲۳"' in str(form["subject"])
    assert "پلاک ۱۲" in str(form["body"])


def number_form(**data: str) -> forms.Form:
    spec = {"key": "area", "label": "مساحت مطب (متر مربع)", "type": "number", "required": True}
    return request_form_class([spec])(data or None)


def test_an_e_service_number_box_is_a_text_box_the_phone_opens_with_digits() -> None:
    html = str(number_form()["area"])
    assert 'type="text"' in html
    assert 'inputmode="decimal"' in html
    assert 'type="number"' not in html


@pytest.mark.parametrize(
    ("typed", "read"),
    [("۱۲۰", Decimal(120)), ("١٢٠", Decimal(120)), ("۱۲۰٫۵", Decimal("120.5")), ("۱٬۲۰۰", Decimal(1200))],
)
@pytest.mark.django_db
def test_an_e_service_number_is_read_in_any_digits(typed: str, read: Decimal) -> None:
    form = number_form(area=typed)
    form.is_valid()
    assert "area" not in form.errors
    assert form.cleaned_data["area"] == read


def test_the_response_pdf_shows_persian_digits_and_leaves_addresses_alone() -> None:
    from mokatebat.correspondence.letters_pdf import body_blocks

    blocks = body_blocks("<p>مرمت کیلومتر 23 تا 30 روز؛ پرسش‌ها به info2@moh.ir</p>")

    assert blocks[0].text == "مرمت کیلومتر ۲۳ تا ۳۰ روز؛ پرسش‌ها به info2@moh.ir"
