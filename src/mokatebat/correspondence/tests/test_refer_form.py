"""The secretariat's refer form starts at the unit the citizen addressed and shows the agency's units
as a tree (groups per top unit, «اداره › دفتر» deeper down), not as one flat alphabetical list."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from mokatebat.correspondence.models import Item
from mokatebat.correspondence.staff_forms import ReferForm
from mokatebat.correspondence.workflow import item_register
from mokatebat.organization.models import Organization, Unit, User
from mokatebat.testing.staff import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(agency: Organization, unit: Unit) -> dict[str, Unit]:
    deputy = unit.parent
    assert deputy is not None
    office = Unit.objects.create(organization=agency, parent=unit, name="دفتر رسیدگی به شکایات")
    legal = Unit.objects.create(organization=agency, name="اداره کل حقوقی")
    return {"deputy": deputy, "unit": unit, "office": office, "legal": legal}


def refer_select(page: str) -> str:
    match = re.search(r'<select name="unit"[^>]*>.*?</select>', page, re.S)
    assert match, "no refer form on the page"
    return match.group()


def test_the_refer_form_preselects_the_addressed_unit_and_shows_the_tree(
    clerk: User, submit: Callable[..., Item], tree: dict[str, Unit]
) -> None:
    item = submit(unit=tree["office"])
    item_register(item=item, actor=clerk)
    client = Client()
    login_verified(client, clerk)
    select = refer_select(client.get(f"/staff/items/{item.public_id}/").content.decode())
    assert re.search(rf'<option value="{tree["office"].public_id}"[^>]*selected', select)
    assert '<optgroup label="معاونت درمان">' in select
    assert "اداره کل نظارت بر درمان › دفتر رسیدگی به شکایات" in select
    # A top unit without sub-units stands alone, outside any group.
    assert select.index(str(tree["legal"].public_id)) < select.index("<optgroup")


def test_nothing_is_preselected_when_the_citizen_named_no_unit(
    clerk: User, submit: Callable[..., Item], tree: dict[str, Unit]
) -> None:
    item = submit()
    item_register(item=item, actor=clerk)
    client = Client()
    login_verified(client, clerk)
    select = refer_select(client.get(f"/staff/items/{item.public_id}/").content.decode())
    assert "selected" in select.split("<option")[1]  # the Persian prompt
    assert select.count("selected") == 1


def test_a_unit_chosen_from_the_tree_is_accepted(agency: Organization, tree: dict[str, Unit]) -> None:
    form = ReferForm({"version": 1, "unit": str(tree["office"].public_id)}, agency=agency)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["unit"] == tree["office"]
