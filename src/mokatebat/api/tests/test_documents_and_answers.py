"""What client systems send and read besides fields: letters with attachments (R1, R4, R6), answers
that go through the unit manager's signature (R3, R8), and anonymised items they never see (R19)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from mokatebat.correspondence import workflow as wf
from mokatebat.correspondence.models import Item, ResponseDraft
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Organization, Role, Unit, User
from mokatebat.publicrelations import workflow as pr
from mokatebat.services.tests.conftest import member, pdf_file, png_file

from .conftest import assert_error, bearer, letter


def test_a_citizen_sends_a_letter_with_attachments_as_multipart(
    http: httpx.Client, agency: Organization, applicant_id: str
) -> None:
    files = [
        ("attachments", ("نامه.pdf", pdf_file().read(), "application/pdf")),
        ("attachments", ("scan.png", png_file().read(), "image/png")),
    ]
    response = http.post("/api/v1/items/", data=letter(agency, applicant_id), files=files)
    assert response.status_code == 201, response.text
    item = Item.objects.get(tracking_code=response.json()["tracking_code"])
    assert sorted(a.content_type for a in item.attachments.all()) == ["application/pdf", "image/png"]


def test_a_disguised_attachment_is_refused_and_no_letter_is_made(
    http: httpx.Client, agency: Organization, applicant_id: str
) -> None:
    files = [("attachments", ("invoice.pdf", b"<svg onload=alert(1)>", "application/pdf"))]
    response = http.post("/api/v1/items/", data=letter(agency, applicant_id), files=files)
    assert "attachments" in assert_error(response, 400, "invalid")["fields"]
    assert Item.objects.count() == 0


def test_a_client_registers_a_postal_letter_with_its_envelope_scan_and_downloads_it(
    http: httpx.Client, full_token: str, other_token: str, applicant_id: str
) -> None:
    data = {"kind": "letter", "channel": "post", "subject": "نامه پستی", "body": "متن نامه", "full_name": "علی محمدی"}
    data |= {"national_id": applicant_id, "mobile": "09351234567"}
    files = [("attachments", ("envelope.png", png_file().read(), "image/png"))]
    created = http.post("/api/v1/client/items/", data=data, files=files, headers=bearer(full_token))
    assert created.status_code == 201, created.text
    [listed] = created.json()["attachments"]
    assert (listed["name"], listed["content_type"]) == ("envelope.png", "image/png")

    path = f"/api/v1/client/items/{created.json()['public_id']}/attachments/{listed['public_id']}/"
    download = http.get(path, headers=bearer(full_token))
    assert download.status_code == 200
    assert download.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["Content-Security-Policy"] == "sandbox"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert_error(http.get(path, headers=bearer(other_token)), 404, "not_found")  # another agency's item


# --- Answers go through the manager's signature ----------------------------------------------------


@pytest.fixture
def manager(agency: Organization, unit: Unit) -> User:
    return member("unit.manager", agency, Role.UNIT_MANAGER, (unit,))


@pytest.fixture
def referred(submit: Callable[..., Item], clerk: User, unit: Unit) -> Item:
    item = submit()
    wf.item_register(item=item, actor=clerk)
    wf.item_refer(item=item, actor=clerk, unit=unit)
    return item


def test_a_clients_answer_waits_for_the_unit_managers_signature(
    http: httpx.Client, full_token: str, referred: Item, manager: User, unit: Unit
) -> None:
    sms_before = OutboxMessage.objects.filter(item=referred).count()
    proposed = http.post(
        f"/api/v1/client/items/{referred.public_id}/responses/",
        json={"body": "<p>پرونده شما تکمیل شد.</p><script>x</script>"},
        headers=bearer(full_token),
    )
    assert proposed.status_code == 201, proposed.text
    body = proposed.json()
    assert body["responses"] == []  # nothing is issued unsigned
    [draft] = body["response_drafts"]
    assert (draft["state"], draft["unit"]) == ("awaiting_signature", str(unit.public_id))
    assert OutboxMessage.objects.filter(item=referred).count() == sms_before  # the citizen hears nothing yet

    again = http.post(
        f"/api/v1/client/items/{referred.public_id}/responses/", json={"body": "نسخه دوم"}, headers=bearer(full_token)
    )
    assert_error(again, 409, "conflict")

    waiting = ResponseDraft.objects.get(public_id=draft["public_id"])
    assert "<script>" not in waiting.body
    wf.response_sign_and_issue(draft=waiting, actor=manager, signer_title="مدیرکل")
    issued = http.get(f"/api/v1/client/items/{referred.public_id}/", headers=bearer(full_token)).json()
    assert issued["status"] == "answered"
    assert issued["responses"][0]["signer_title"] == "مدیرکل"
    assert issued["response_drafts"][0]["response"] == issued["responses"][0]["public_id"]


def test_a_draft_sent_back_is_rewritten_and_put_forward_again(
    http: httpx.Client, full_token: str, referred: Item, manager: User
) -> None:
    path = f"/api/v1/client/items/{referred.public_id}/responses/"
    http.post(path, json={"body": "پاسخ نخست"}, headers=bearer(full_token))
    wf.response_draft_send_back(draft=ResponseDraft.objects.get(), actor=manager, note="شماره پرونده را بنویسید.")
    sent_back = http.get(f"/api/v1/client/items/{referred.public_id}/", headers=bearer(full_token)).json()
    assert sent_back["response_drafts"][0]["review_note"] == "شماره پرونده را بنویسید."
    rewritten = http.post(path, json={"body": "پاسخ با شماره پرونده ۱۲"}, headers=bearer(full_token))
    assert rewritten.status_code == 201, rewritten.text
    draft = ResponseDraft.objects.get()  # the same draft, not a second one
    assert (draft.state, draft.body) == ("awaiting_signature", "<p>پاسخ با شماره پرونده ۱۲</p>")


def test_an_answer_needs_a_unit_to_sign_it(
    http: httpx.Client, full_token: str, submit: Callable[..., Item], clerk: User
) -> None:
    item = submit()
    wf.item_register(item=item, actor=clerk)
    response = http.post(
        f"/api/v1/client/items/{item.public_id}/responses/", json={"body": "پاسخ"}, headers=bearer(full_token)
    )
    assert "واحد" in assert_error(response, 409, "conflict")["message"]
    assert not ResponseDraft.objects.exists()


# --- Anonymised items ---------------------------------------------------------------------------------


def test_an_anonymised_complaint_is_invisible_to_client_systems(
    http: httpx.Client, full_token: str, submit: Callable[..., Item], agency: Organization, unit: Unit
) -> None:
    expert = member("pr.expert", agency, Role.PR_EXPERT)
    complaint = submit(kind="complaint", subject="شکایت از کارمند", body="رفتار نامناسب در باجه ۳")
    pr.pr_refer_anonymised(
        item=complaint, actor=expert, unit=unit, subject="شکایت از رفتار", body="رفتار نامناسب در باجه"
    )
    ordinary = submit()
    listed = http.get("/api/v1/client/items/", headers=bearer(full_token)).json()["results"]
    assert [entry["tracking_code"] for entry in listed] == [ordinary.tracking_code]
    for path in ("", "register/"):
        method = http.get if not path else http.post
        response = method(f"/api/v1/client/items/{complaint.public_id}/{path}", headers=bearer(full_token))
        assert_error(response, 404, "not_found")
