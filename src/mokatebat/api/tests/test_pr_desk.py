"""R19 for client systems: they act with the secretariat's role, so in an agency with a PR desk a
suggestion, criticism, complaint or report is not theirs from the moment it is sent; in an agency
without a PR expert they handle it as any letter."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from mokatebat.correspondence.models import Item, Status
from mokatebat.organization.models import Organization, Role, Unit
from mokatebat.services.tests.conftest import member

from .conftest import assert_error, bearer


@pytest.mark.parametrize("kind", ["complaint", "criticism", "suggestion", "report"])
def test_a_fresh_pr_item_is_not_listed_and_cannot_be_opened_or_worked_by_a_client_system(
    http: httpx.Client, full_token: str, submit: Callable[..., Item], agency: Organization, unit: Unit, kind: str
) -> None:
    member("pr.expert", agency, Role.PR_EXPERT)
    feedback = submit(kind=kind, subject="رفتار نامناسب در باجه ۳")
    ordinary = submit()
    listed = http.get("/api/v1/client/items/", headers=bearer(full_token)).json()["results"]
    assert [entry["tracking_code"] for entry in listed] == [ordinary.tracking_code]
    base = f"/api/v1/client/items/{feedback.public_id}/"
    assert_error(http.get(base, headers=bearer(full_token)), 404, "not_found")
    steps = {
        "register/": {},
        "refer/": {"unit": str(unit.public_id)},
        "actions/": {"text": "بررسی شد", "public": True},
    }
    for path, body in steps.items():
        assert_error(http.post(base + path, json=body, headers=bearer(full_token)), 404, "not_found")
    feedback.refresh_from_db()
    assert feedback.status == Status.SUBMITTED
    assert not feedback.referrals.exists()


def test_a_client_system_of_an_agency_without_a_pr_desk_handles_complaints(
    http: httpx.Client, full_token: str, submit: Callable[..., Item]
) -> None:
    complaint = submit(kind="complaint", subject="رفتار نامناسب در باجه ۳")
    listed = http.get("/api/v1/client/items/", headers=bearer(full_token)).json()["results"]
    assert [entry["tracking_code"] for entry in listed] == [complaint.tracking_code]
    detail = http.get(f"/api/v1/client/items/{complaint.public_id}/", headers=bearer(full_token))
    assert detail.status_code == 200
    assert detail.json()["requester"]["national_id"] == complaint.requester.national_id
