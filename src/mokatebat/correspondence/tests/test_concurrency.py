"""Concurrency on real parallel connections: the register stays gapless under load and rollbacks, and
two members of staff acting on one item from the same page version cannot both win."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from mokatebat.correspondence import workflow
from mokatebat.correspondence.models import EventKind, Item, Referral, RegisterCounter, Status
from mokatebat.correspondence.workflow import (
    WorkflowConflict,
    WorkflowError,
    item_refer,
    item_register,
    referral_return,
)
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Membership, Organization, Role, Unit, User

PERSIAN = re.compile(r"[\u0600-\u06FF]")


class DeliberateRollback(Exception):
    """Raised by a thread after registering, to roll its whole transaction back."""


def run_together(*calls: Callable[[], Any], timeout: float = 60) -> list[Any]:
    """Run each call in its own thread on its own database connection, all released by one barrier.

    Returns each call's result, or the exception it raised, in the order given.
    """
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            connection.ensure_connection()  # connect first, so the barrier releases ready threads
            barrier.wait(timeout=timeout)
            results[index] = call()
        except BaseException as error:  # handed back to the test, which asserts on it
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread is still waiting on a lock"
    return results


def number_of(item: Item) -> int:
    return int(item.registration_number.rsplit("/", 1)[1])


@pytest.fixture
def second_clerk(agency: Organization) -> User:
    user = User.objects.create_user("clerk2", password="a-long-test-password")
    Membership.objects.create(user=user, organization=agency, role=Role.SECRETARIAT_CLERK)
    return user


@pytest.fixture
def second_unit(agency: Organization) -> Unit:
    return Unit.objects.create(organization=agency, name="اداره کل امور بیمارستان‌ها")


@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_registrations_with_rollbacks_leave_gapless_numbers_for_the_committed_ones(
    submit: Callable[..., Item], clerk: User, agency: Organization
) -> None:
    items = [submit() for _ in range(50)]
    rolled_back = {item.pk for index, item in enumerate(items) if index % 10 == 9}

    def register(item: Item) -> Callable[[], Item]:
        def call() -> Item:
            with transaction.atomic():
                registered = item_register(item=item, actor=clerk)
                if item.pk in rolled_back:
                    raise DeliberateRollback(item.pk)
            return registered

        return call

    results = run_together(*(register(item) for item in items))

    failures = [result for result in results if isinstance(result, BaseException)]
    assert len(failures) == 5
    assert all(isinstance(failure, DeliberateRollback) for failure in failures)
    committed = list(Item.objects.exclude(pk__in=rolled_back))
    assert sorted(number_of(item) for item in committed) == list(range(1, 46))
    for item in committed:
        assert item.status == Status.REGISTERED
        assert item.events.filter(kind=EventKind.REGISTERED).count() == 1
        sms = OutboxMessage.objects.get(item=item, template="item_registered")
        assert item.registration_number in sms.body
    for item in Item.objects.filter(pk__in=rolled_back):
        assert (item.status, item.registration_number, item.registered_at) == (Status.SUBMITTED, "", None)
        assert item.version == 1
        assert not item.events.filter(kind=EventKind.REGISTERED).exists()
        assert not OutboxMessage.objects.filter(item=item, template="item_registered").exists()
    counter = RegisterCounter.objects.get(organization=agency, register=RegisterCounter.Register.INCOMING)
    assert counter.last_number == 45


@pytest.mark.django_db(transaction=True)
def test_two_clerks_referring_the_same_item_from_the_same_version_create_one_referral_and_one_conflict(
    submit: Callable[..., Item], clerk: User, second_clerk: User, unit: Unit, second_unit: Unit
) -> None:
    item = item_register(item=submit(), actor=clerk)
    drawn_version = item.version

    def refer(actor: User, to: Unit) -> Callable[[], Referral]:
        return lambda: item_refer(
            item=Item.objects.get(pk=item.pk), actor=actor, unit=to, expected_version=drawn_version
        )

    results = run_together(refer(clerk, unit), refer(second_clerk, second_unit))

    referrals = [result for result in results if isinstance(result, Referral)]
    conflicts = [result for result in results if isinstance(result, WorkflowConflict)]
    assert (len(referrals), len(conflicts)) == (1, 1), results
    assert PERSIAN.search(conflicts[0].message)
    assert "همکار دیگری" in conflicts[0].message
    winner = referrals[0]
    assert list(Referral.objects.filter(item=item)) == [winner]
    item.refresh_from_db()
    assert item.status == Status.REFERRED
    assert item.version == drawn_version + 1
    assert item.events.filter(kind=EventKind.REFERRED, is_public=True).count() == 1
    sms = OutboxMessage.objects.get(item=item, template="item_referred")
    assert winner.unit.name in sms.body


@pytest.mark.django_db(transaction=True)
def test_two_clerks_registering_the_same_item_use_one_number_and_the_counter_skips_none(
    submit: Callable[..., Item], clerk: User, second_clerk: User
) -> None:
    item, next_item = submit(), submit()
    drawn_version = item.version

    def register(actor: User) -> Callable[[], Item]:
        return lambda: item_register(item=Item.objects.get(pk=item.pk), actor=actor, expected_version=drawn_version)

    results = run_together(register(clerk), register(second_clerk))

    assert sorted(type(result).__name__ for result in results) == ["Item", "WorkflowConflict"], results
    item.refresh_from_db()
    assert number_of(item) == 1
    assert item.events.filter(kind=EventKind.REGISTERED).count() == 1
    assert OutboxMessage.objects.filter(item=item, template="item_registered").count() == 1
    assert number_of(item_register(item=next_item, actor=clerk)) == 2


@pytest.mark.django_db(transaction=True)
def test_a_unit_returning_a_referral_while_the_secretariat_refers_the_item_elsewhere_ends_without_a_database_error(
    submit: Callable[..., Item],
    clerk: User,
    unit: Unit,
    second_unit: Unit,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    item = item_register(item=submit(), actor=clerk)
    referral = item_refer(item=item, actor=clerk, unit=unit)
    secretariat_holds_item = threading.Event()
    open_referrals = workflow._open_referrals

    def open_referrals_once_the_unit_waits(locked_item: Item) -> Any:
        # Runs in item_refer after it has locked the item: let the unit's step start, and carry on
        # only once that step is blocked on a lock, so both orders of locking are really in play.
        secretariat_holds_item.set()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                )
                if cursor.fetchone()[0]:
                    break
            time.sleep(0.02)
        return open_referrals(locked_item)

    monkeypatch.setattr(workflow, "_open_referrals", open_referrals_once_the_unit_waits)

    def unit_returns() -> Referral:
        assert secretariat_holds_item.wait(timeout=10)
        return referral_return(referral=referral, actor=clerk, reason="در حیطه این واحد نیست")

    results = run_together(
        lambda: item_refer(item=item, actor=clerk, unit=second_unit),
        unit_returns,
    )

    unexpected = [r for r in results if isinstance(r, BaseException) and not isinstance(r, WorkflowError)]
    assert unexpected == []
