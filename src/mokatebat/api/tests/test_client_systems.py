"""Client systems of an agency through a real HTTP client: tokens, scopes, IDOR scoping, workflow steps."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO

import httpx
from django.core.management import call_command
from django.test import Client

from mokatebat.api.authentication import client_for_token
from mokatebat.api.models import ClientSystem, Scope
from mokatebat.api.workflow import client_deactivate, client_rotate_token
from mokatebat.correspondence import workflow as wf
from mokatebat.correspondence.models import EventKind, Item, ResponseDraft
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Membership, Organization, Role, Unit, User

from .conftest import assert_error, bearer, make_client


def test_without_a_token_the_client_api_answers_401_with_a_bearer_challenge(http: httpx.Client) -> None:
    response = http.get("/api/v1/client/items/")
    assert_error(response, 401, "not_authenticated")
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert_error(http.get("/api/v1/client/items/", headers=bearer("mk_not-a-token")), 401, "authentication_failed")


def test_the_token_is_stored_only_as_a_hash(agency: Organization) -> None:
    client, token = make_client(agency, "سامانه آزمایشی", [Scope.ITEMS_READ])
    stored = ClientSystem.objects.get(pk=client.pk)
    assert token not in (stored.token_hash, stored.token_hint)
    assert stored.token_hint == token[:10]


def test_a_client_lists_only_its_own_agencys_items(
    http: httpx.Client, read_token: str, submit: Callable[..., Item], other_agency: Organization
) -> None:
    mine = submit()
    submit(agency=other_agency)
    body = http.get("/api/v1/client/items/", headers=bearer(read_token)).json()
    assert [i["tracking_code"] for i in body["results"]] == [mine.tracking_code]


def test_another_agencys_item_is_404_not_403(http: httpx.Client, other_token: str, submit: Callable[..., Item]) -> None:
    item = submit()
    for path in ("", "register/"):
        method = http.get if not path else http.post
        response = method(f"/api/v1/client/items/{item.public_id}/{path}", headers=bearer(other_token))
        assert_error(response, 404, "not_found")


def test_scopes_limit_what_a_token_may_do(http: httpx.Client, read_token: str, submit: Callable[..., Item]) -> None:
    item = submit()
    detail = http.get(f"/api/v1/client/items/{item.public_id}/", headers=bearer(read_token))
    assert detail.json()["requester"]["national_id"] == item.requester.national_id
    assert_error(
        http.post(f"/api/v1/client/items/{item.public_id}/register/", headers=bearer(read_token)),
        403,
        "permission_denied",
    )
    item.refresh_from_db()
    assert not item.is_registered


def test_register_refer_act_and_answer_through_the_workflow(
    http: httpx.Client, full_token: str, submit: Callable[..., Item], unit: Unit
) -> None:
    item = submit()
    base = f"/api/v1/client/items/{item.public_id}"
    auth = bearer(full_token)
    registered = http.post(f"{base}/register/", json={"version": 1}, headers=auth)
    assert registered.status_code == 200, registered.text
    assert registered.json()["registration_number"]
    referred = http.post(f"{base}/refer/", json={"unit": str(unit.public_id), "instruction": "بررسي شود"}, headers=auth)
    assert referred.json()["status"] == "referred", referred.text
    assert referred.json()["referrals"][0]["instruction"] == "بررسی شود"  # normalised by the staff form
    acted = http.post(f"{base}/actions/", json={"text": "پرونده بررسی شد", "public": True}, headers=auth)
    assert acted.status_code == 201, acted.text
    proposed = http.post(f"{base}/responses/", json={"body": "پاسخ شما: پرونده تکمیل شد."}, headers=auth)
    assert proposed.status_code == 201, proposed.text
    # The unit's manager signs the client's draft, as any draft of the unit (tested in test_documents_and_answers).
    manager = User.objects.create_user("unit.manager")
    Membership.objects.create(user=manager, organization=item.agency, role=Role.UNIT_MANAGER).units.set([unit])
    wf.response_sign_and_issue(draft=ResponseDraft.objects.get(item=item), actor=manager, signer_title="مدیرکل")
    answered = http.get(f"{base}/", headers=auth)
    assert answered.json()["status"] == "answered"
    assert answered.json()["responses"][0]["unit_name"] == unit.name
    item.refresh_from_db()
    kinds = list(item.events.filter(is_public=True).values_list("kind", flat=True))
    assert kinds == [
        EventKind.SUBMITTED,
        EventKind.REGISTERED,
        EventKind.REFERRED,
        EventKind.ACTION,
        EventKind.RESPONSE_ISSUED,
    ]
    client = ClientSystem.objects.get(agency=item.agency)
    assert item.events.filter(kind=EventKind.REGISTERED, actor=client.user).exists()  # who did it is on record
    # Each public step told the citizen, and the answer came with the satisfaction survey (R11).
    templates = list(OutboxMessage.objects.filter(item=item).order_by("pk").values_list("template", flat=True))
    assert len(templates) == 6
    assert templates[-1] == "survey_invite"


def test_a_stale_version_is_a_409_and_nothing_changes(
    http: httpx.Client, full_token: str, submit: Callable[..., Item]
) -> None:
    item = submit()
    response = http.post(
        f"/api/v1/client/items/{item.public_id}/register/", json={"version": 7}, headers=bearer(full_token)
    )
    assert_error(response, 409, "conflict")
    item.refresh_from_db()
    assert not item.is_registered


def test_refer_to_a_unit_of_another_agency_is_refused(
    http: httpx.Client, full_token: str, submit: Callable[..., Item], other_agency: Organization
) -> None:
    item = submit()
    http.post(f"/api/v1/client/items/{item.public_id}/register/", headers=bearer(full_token))
    foreign = Unit.objects.create(organization=other_agency, name="دفتر استاندار")
    response = http.post(
        f"/api/v1/client/items/{item.public_id}/refer/",
        json={"unit": str(foreign.public_id)},
        headers=bearer(full_token),
    )
    assert "unit" in assert_error(response, 400, "invalid")["fields"]


def test_answering_an_unregistered_item_is_a_conflict(
    http: httpx.Client, full_token: str, submit: Callable[..., Item]
) -> None:
    item = submit()
    response = http.post(
        f"/api/v1/client/items/{item.public_id}/responses/",
        json={"body": "پاسخ"},
        headers=bearer(full_token),
    )
    assert_error(response, 409, "conflict")
    assert not item.responses.exists()
    assert not item.response_drafts.exists()


def test_a_client_registers_a_received_letter_idempotently(
    http: httpx.Client, full_token: str, agency: Organization, applicant_id: str
) -> None:
    data = {
        "kind": "letter",
        "channel": "post",
        "subject": "نامه پستی",
        "body": "متن نامه",
        "full_name": "علی محمدی",
        "national_id": applicant_id,
        "mobile": "09351234567",
    }
    headers = {**bearer(full_token), "Idempotency-Key": "post-2026-0001"}
    first = http.post("/api/v1/client/items/", json=data, headers=headers)
    again = http.post("/api/v1/client/items/", json=data, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200), first.text
    item = Item.objects.get()
    assert (item.agency, item.channel) == (agency, "post")


def test_items_are_paged_with_a_cursor(http: httpx.Client, read_token: str, submit: Callable[..., Item]) -> None:
    codes = {submit().tracking_code for _ in range(3)}
    page = http.get("/api/v1/client/items/?page_size=2", headers=bearer(read_token)).json()
    assert len(page["results"]) == 2
    rest = http.get(page["next"], headers=bearer(read_token)).json()
    assert {i["tracking_code"] for i in page["results"] + rest["results"]} == codes
    assert rest["next"] is None


def test_each_client_has_its_own_rate_limit(http: httpx.Client, agency: Organization) -> None:
    _client, token = make_client(agency, "سامانه کم‌مصرف", [Scope.ITEMS_READ], rate="2/m")
    statuses = [http.get("/api/v1/client/items/", headers=bearer(token)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert_error(http.get("/api/v1/client/items/", headers=bearer(token)), 429, "throttled")


def test_a_rotated_or_deactivated_token_stops_working(http: httpx.Client, agency: Organization) -> None:
    client, token = make_client(agency, "سامانه قدیمی", [Scope.ITEMS_READ])
    new_token = client_rotate_token(client=client)
    assert_error(http.get("/api/v1/client/items/", headers=bearer(token)), 401, "authentication_failed")
    assert http.get("/api/v1/client/items/", headers=bearer(new_token)).status_code == 200
    client_deactivate(client=client)
    assert_error(http.get("/api/v1/client/items/", headers=bearer(new_token)), 401, "authentication_failed")


def test_the_command_creates_a_client_and_prints_its_token_once(agency: Organization) -> None:
    out = StringIO()
    call_command(
        "create_api_client", agency.code, "سامانه پستی", "--scope", "items:read", "--scope", "open311", stdout=out
    )
    token = out.getvalue().split(": ")[-1].strip()
    client = ClientSystem.objects.get(name="سامانه پستی")
    assert client.scopes == ["items:read", "open311"]
    assert client_for_token(token) == client


def test_a_client_service_account_cannot_sign_in_to_the_staff_pages(agency: Organization) -> None:
    client, token = make_client(agency, "سامانه آزمایشی", [Scope.ITEMS_READ])
    assert not client.user.has_usable_password()
    assert not Client().login(username=client.user.username, password=token)
