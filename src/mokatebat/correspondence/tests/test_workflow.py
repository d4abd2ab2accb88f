"""R2, R3: every state change is one transaction with its timeline event; numbers are gapless."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import IntegrityError, connection, transaction

from mokatebat.core.jalali import jalali_year
from mokatebat.correspondence.models import EventKind, Item, ItemEvent, Referral, Resolution, Status
from mokatebat.correspondence.workflow import item_close, item_refer, item_register, response_issue
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Organization, Unit, User


@pytest.mark.django_db
def test_registration_numbers_follow_the_agency_format_and_jalali_year(
    submit: Callable[..., Item], clerk: User, agency: Organization
) -> None:
    agency.registration_format = "م‌ب/{year}/{number:05d}"
    agency.save()
    first, second = submit(), submit()

    item_register(item=first, actor=clerk)
    item_register(item=second, actor=clerk)
    first.refresh_from_db()
    second.refresh_from_db()

    year = jalali_year(first.registered_at)
    assert (first.registration_number, second.registration_number) == (f"م‌ب/{year}/00001", f"م‌ب/{year}/00002")
    assert first.status == Status.REGISTERED
    sms = OutboxMessage.objects.filter(item=first, template="item_registered").get()
    assert f"م‌ب/{year}/00001" in sms.body


@pytest.mark.django_db
def test_registering_twice_keeps_the_first_number(submit: Callable[..., Item], clerk: User) -> None:
    item = submit()

    item_register(item=item, actor=clerk)
    again = item_register(item=item, actor=clerk)

    assert again.registration_number.endswith("/1")
    assert item.events.filter(kind=EventKind.REGISTERED).count() == 1


@pytest.mark.django_db
def test_a_rolled_back_registration_gives_its_number_back(submit: Callable[..., Item], clerk: User) -> None:
    first, second = submit(), submit()

    def register_then_fail() -> None:
        with transaction.atomic():
            item_register(item=first, actor=clerk)
            raise RuntimeError("the clerk's transaction failed after registering")

    with pytest.raises(RuntimeError):
        register_then_fail()
    item_register(item=second, actor=clerk)

    second.refresh_from_db()
    assert second.registration_number.endswith("/1")


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_gapless_numbers(submit: Callable[..., Item], clerk: User) -> None:
    items = [submit() for _ in range(12)]
    errors: list[BaseException] = []

    def register(item: Item) -> None:
        try:
            item_register(item=item, actor=clerk)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = sorted(int(n.rsplit("/", 1)[1]) for n in Item.objects.values_list("registration_number", flat=True))
    assert numbers == list(range(1, 13))


@pytest.mark.django_db
def test_items_are_referred_only_to_units_of_their_agency(
    submit: Callable[..., Item], clerk: User, other_agency: Organization
) -> None:
    item = submit()
    foreign = Unit.objects.create(organization=other_agency, name="اداره کل راه")

    with pytest.raises(ValueError, match="own agency"):
        item_refer(item=item, actor=clerk, unit=foreign)

    assert Referral.objects.count() == 0
    assert item.events.filter(kind=EventKind.REFERRED).count() == 0


@pytest.mark.django_db
def test_referral_instruction_stays_internal_and_the_citizen_hears_the_unit_name(
    submit: Callable[..., Item], clerk: User, unit: Unit
) -> None:
    item = item_register(item=submit(), actor=clerk)

    item_refer(item=item, actor=clerk, unit=unit, instruction="با اولویت بالا")

    public = item.events.get(kind=EventKind.REFERRED, is_public=True)
    assert public.note == ""
    assert item.events.get(kind=EventKind.REFERRED, is_public=False).note == "با اولویت بالا"
    sms = OutboxMessage.objects.get(item=item, template="item_referred")
    assert unit.name in sms.body
    assert "اولویت" not in sms.body


@pytest.mark.django_db
def test_responses_take_numbers_from_the_outgoing_register(submit: Callable[..., Item], clerk: User) -> None:
    item = submit()
    item_register(item=item, actor=clerk)

    response = response_issue(item=item, actor=clerk, body="پاسخ")

    assert response.outgoing_number.endswith("/1")
    item.refresh_from_db()
    assert item.status == Status.ANSWERED


@pytest.mark.django_db
def test_timeline_events_cannot_be_changed_or_deleted(submit: Callable[..., Item]) -> None:
    event = submit().events.get()

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        ItemEvent.objects.filter(pk=event.pk).update(note="rewritten")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        ItemEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.django_db
def test_closing_records_the_resolution_once(submit: Callable[..., Item], clerk: User) -> None:
    item = submit()

    item_close(item=item, actor=clerk, resolution=Resolution.NO_ACTION_NEEDED)
    item_close(item=item, actor=clerk, resolution=Resolution.ANSWERED)

    item.refresh_from_db()
    assert (item.status, item.resolution) == (Status.CLOSED, Resolution.NO_ACTION_NEEDED)
    assert item.events.filter(kind=EventKind.CLOSED).count() == 1
