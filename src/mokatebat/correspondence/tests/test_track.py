"""R3, R9: the citizen follows every public step with national ID + tracking code."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mokatebat.core.persian import to_persian_digits
from mokatebat.core.tracking import new_tracking_code
from mokatebat.correspondence.models import Item, Resolution
from mokatebat.correspondence.workflow import (
    RequesterDetails,
    action_record,
    item_close,
    item_refer,
    item_register,
    response_issue,
)
from mokatebat.organization.models import Unit, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def track(client: Client, national_id: str, code: str) -> Any:
    return client.post("/track/", {"national_id": national_id, "tracking_code": code}, follow=True)


def test_right_pair_shows_every_public_step_and_the_response(
    client: Client, submit: Callable[..., Item], unit: Unit, clerk: User
) -> None:
    item = submit()
    item_register(item=item, actor=clerk)
    item_refer(item=item, actor=clerk, unit=unit, instruction="دستور داخلی: فوری بررسی شود")
    action_record(item=item, actor=clerk, text="پرونده از بیمارستان استعلام شد", public=True)
    action_record(item=item, actor=clerk, text="یادداشت محرمانه کارشناس", public=False)
    response_issue(item=item, actor=clerk, body="پرونده شما بررسی و مشکل برطرف شد.")
    item_close(item=item, actor=clerk, resolution=Resolution.ANSWERED)
    item.refresh_from_db()

    response = track(client, item.requester.national_id, item.tracking_code)

    page = response.content.decode()
    assert response.status_code == 200
    for expected in [
        "نامه دریافت شد",
        "در دبیرخانه ثبت شد",
        to_persian_digits(item.registration_number),
        "اداره کل نظارت بر درمان",
        "پرونده از بیمارستان استعلام شد",
        "پرونده شما بررسی و مشکل برطرف شد.",
        "رسیدگی پایان یافت",
    ]:
        assert expected in page
    assert "یادداشت محرمانه" not in page
    assert "دستور داخلی" not in page
    assert item.tracking_code not in response.redirect_chain[0][0]


def test_lookup_accepts_persian_digits_and_grouped_codes(client: Client, submit: Callable[..., Item]) -> None:
    item = submit()
    code = to_persian_digits(f"{item.tracking_code[:4]}-{item.tracking_code[4:8]} {item.tracking_code[8:]}")

    response = track(client, to_persian_digits(item.requester.national_id), code)

    assert response.status_code == 200
    assert "مراحل رسیدگی" in response.content.decode()


def test_wrong_id_wrong_code_or_both_get_the_same_neutral_answer(
    submit: Callable[..., Item], citizen: RequesterDetails
) -> None:
    mine = submit()
    theirs = submit(requester=replace(citizen, national_id="0499370899"))
    assert mine.requester.national_id != "0499370899"
    unused_code = new_tracking_code()

    answers = [
        track(Client(), "0499370899", mine.tracking_code),  # wrong ID
        track(Client(), mine.requester.national_id, theirs.tracking_code),  # wrong code
        track(Client(), "0012345679", unused_code),  # both wrong
    ]

    assert {a.status_code for a in answers} == {404}
    visible = {
        re.sub(r'name="(national_id|tracking_code|csrfmiddlewaretoken)"[^>]*', "", a.content.decode()) for a in answers
    }
    assert len(visible) == 1
    assert "پیدا نشد" in answers[0].content.decode()


def test_a_typo_in_the_code_is_caught_before_any_lookup(client: Client, submit: Callable[..., Item]) -> None:
    item = submit()
    code = item.tracking_code
    swapped = (
        code[:3] + code[4] + code[3] + code[5:] if code[3] != code[4] else code[:-1] + str((int(code[-1]) + 1) % 10)
    )

    with CaptureQueriesContext(connection) as queries:
        response = client.post("/track/", {"national_id": item.requester.national_id, "tracking_code": swapped})

    assert response.status_code == 400
    assert "یکی از رقم‌ها اشتباه است" in response.content.decode()
    assert not any("correspondence_item" in q["sql"] for q in queries.captured_queries)


def test_lookups_from_one_address_are_rate_limited_per_national_id(
    client: Client, submit: Callable[..., Item], settings: Any
) -> None:
    settings.TRACKING_RATE_PER_NATIONAL_ID = "3/h"
    item = submit()

    answers = [track(client, item.requester.national_id, item.tracking_code) for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]


def test_a_stranger_who_knows_the_national_id_cannot_lock_the_owner_out(
    submit: Callable[..., Item], settings: Any
) -> None:
    """Issue 18.6: ten wrong tries used to lock the owner out of tracking for an hour."""
    item = submit()
    national_id = item.requester.national_id
    wrong_codes = [new_tracking_code() for _ in range(12)]
    strangers = [Client(REMOTE_ADDR=f"10.9.{n}.1") for n in range(2)]

    guesses = [track(strangers[n % 2], national_id, code) for n, code in enumerate(wrong_codes)]
    owner = track(Client(REMOTE_ADDR="10.0.0.77"), national_id, item.tracking_code)
    later_guess = track(Client(REMOTE_ADDR="10.9.9.9"), national_id, new_tracking_code())

    assert [g.status_code for g in guesses[:10]] == [404] * 10
    assert [g.status_code for g in guesses[10:]] == [429, 429]
    assert owner.status_code == 200
    assert "مراحل رسیدگی" in owner.content.decode()
    assert later_guess.status_code == 429
    assert "بیش از حد" in later_guess.content.decode()


def test_a_stranger_runs_out_of_tries_for_an_id_at_their_own_address(
    submit: Callable[..., Item], settings: Any
) -> None:
    settings.TRACKING_RATE_PER_NATIONAL_ID = "3/h"
    item = submit()
    stranger = Client(REMOTE_ADDR="10.9.0.1")

    answers = [track(stranger, item.requester.national_id, new_tracking_code()) for _ in range(3)]
    # Even the right pair is refused from the address that used up the ID's allowance.
    right_pair_there = track(stranger, item.requester.national_id, item.tracking_code)

    assert [a.status_code for a in answers] == [404, 404, 404]
    assert right_pair_there.status_code == 429


def test_lookups_are_rate_limited_per_code(client: Client, submit: Callable[..., Item], settings: Any) -> None:
    settings.TRACKING_RATE_PER_CODE = "2/h"
    item = submit()
    ids = ["0012345679", "0499370899", "1111111111"]

    answers = [track(Client(REMOTE_ADDR=f"10.0.1.{n}"), ids[n], item.tracking_code) for n in range(3)]

    assert answers[-1].status_code == 429


def test_lookups_are_rate_limited_per_client(client: Client, submit: Callable[..., Item], settings: Any) -> None:
    settings.TRACKING_RATE_PER_CLIENT = "2/h"
    item = submit()

    answers = [track(client, item.requester.national_id, item.tracking_code) for _ in range(3)]

    assert answers[-1].status_code == 429
    assert "بیش از حد" in answers[-1].content.decode()


def test_track_result_page_needs_a_successful_lookup_in_this_browser(
    client: Client, submit: Callable[..., Item]
) -> None:
    item = submit()

    assert client.get(f"/track/{item.public_id}/").status_code == 404


def test_tracking_code_never_goes_in_a_url(client: Client) -> None:
    page = client.get("/track/").content.decode()

    assert 'method="post"' in page


def test_the_remembered_items_cookie_cannot_be_forged_or_moved_to_another_item(
    client: Client, submit: Callable[..., Item]
) -> None:
    """The result page is bound to the browser that proved the pair, with no session row written."""
    mine, other = submit(), submit(subject="نامه دیگر")
    track(client, mine.requester.national_id, mine.tracking_code)
    name = next(name for name in client.cookies if name.endswith("tracked"))
    signed = client.cookies[name].value

    assert client.get(f"/track/{mine.public_id}/").status_code == 200
    client.cookies[name] = signed.replace(str(mine.public_id), str(other.public_id))
    assert client.get(f"/track/{other.public_id}/").status_code == 404
    client.cookies[name] = str(other.public_id)
    assert client.get(f"/track/{other.public_id}/").status_code == 404
    assert "sessionid" not in client.cookies
