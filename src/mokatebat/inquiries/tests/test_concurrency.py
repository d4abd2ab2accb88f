"""Two workers, one inquiry: the registry is asked once and the answer is recorded once."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from mokatebat.correspondence.models import EventKind, Item
from mokatebat.correspondence.workflow import WorkflowError
from mokatebat.inquiries import worker
from mokatebat.inquiries.models import InquiryState, InquiryType
from mokatebat.inquiries.workflow import inquiry_answer, inquiry_ask, record_registry_answer
from mokatebat.organization.models import Organization, User

from .conftest import staff
from .fake_registry import FakeRegistry

pytestmark = pytest.mark.django_db(transaction=True)


def in_thread(target: Callable[[], object], results: list[object]) -> threading.Thread:
    def run() -> None:
        try:
            results.append(target())
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_second_worker_does_not_take_an_inquiry_in_flight(
    item: Item, clerk: User, registry: FakeRegistry, registry_type: InquiryType
) -> None:
    registry.script = ["hold"]
    inquiry = inquiry_ask(item=item, inquiry_type=registry_type, asked_by=clerk)
    first: list[object] = []
    thread = in_thread(worker.run_once, first)
    assert registry.holding.wait(10), "the first worker never reached the registry"
    second: list[object] = []
    in_thread(worker.run_once, second).join()
    registry.release()
    thread.join()
    assert first == [1]
    assert second == [0]
    assert len(registry.requests) == 1
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.ANSWERED
    assert item.events.filter(kind=EventKind.INQUIRY_ANSWERED).count() == 1


def test_two_recordings_of_the_same_answer_write_it_once(item: Item, clerk: User, registry_type: InquiryType) -> None:
    inquiry = inquiry_ask(item=item, inquiry_type=registry_type, asked_by=clerk)
    [claimed] = worker.claim_batch()
    barrier = threading.Barrier(2)

    def record() -> bool:
        barrier.wait()
        return record_registry_answer(
            inquiry_pk=claimed.pk, attempt=claimed.total_attempts, text="مطابقت دارد", payload={"answer": "مطابقت دارد"}
        )

    results: list[object] = []
    threads = [in_thread(record, results) for _ in range(2)]
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]  # type: ignore[type-var]
    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.ANSWERED
    assert item.events.filter(kind=EventKind.INQUIRY_ANSWERED).count() == 1
    assert item.events.filter(kind=EventKind.INQUIRY_DONE).count() == 1


def test_two_clerks_answering_one_network_inquiry_at_once_record_one_answer(
    item: Item, clerk: User, clerk_b: User, other_agency: Organization, network_type: InquiryType
) -> None:
    second_clerk = staff("clerk.b2", other_agency)
    inquiry = inquiry_ask(item=item, inquiry_type=network_type, asked_by=clerk)
    barrier = threading.Barrier(2)

    def answer(by: User, text: str) -> Callable[[], object]:
        def run() -> object:
            barrier.wait()
            try:
                return inquiry_answer(inquiry=inquiry, answered_by=by, text=text).answer_text
            except WorkflowError:
                return "refused"

        return run

    results: list[object] = []
    threads = [in_thread(answer(clerk_b, "پاسخ یک"), results), in_thread(answer(second_clerk, "پاسخ دو"), results)]
    for thread in threads:
        thread.join()
    assert "refused" in results
    inquiry.refresh_from_db()
    assert [inquiry.answer_text] == [r for r in results if r != "refused"]
    assert item.events.filter(kind=EventKind.INQUIRY_ANSWERED).count() == 1
