"""R19, seed 003: in an agency with a PR desk, a suggestion, criticism, complaint or report is the
desk's from the moment it is sent. Nobody outside PR finds out who wrote it: it is not in their
inbox, search, history or SMS page, and opening it gives the redacted copy once PR made one, or
nothing. An agency without a PR expert keeps these letters with its secretariat."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from mokatebat.api.workflow import client_create
from mokatebat.correspondence import workflow as wf
from mokatebat.correspondence.models import Channel, EventKind, Item, ItemEvent, Kind, Referral, Status
from mokatebat.correspondence.tests.test_submit_letter import letter_data
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Membership, Organization, Role, Unit, User
from mokatebat.publicrelations import workflow as pr
from mokatebat.publicrelations.auth import identity_hidden_items, identity_visible_to

from .conftest import MOBILE, NATIONAL_ID, member, signed_in
from .test_anonymised_referral import assert_no_identity, crawl, refer_anonymised

PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
OUTSIDE_PR = ["clerk", "unit_clerk", "deputy", "head", "auditor", "agency_admin", "api_client"]


@pytest.fixture
def agency_admin(agency: Organization) -> User:
    return member(agency, "agency.admin", Role.AGENCY_ADMIN)


@pytest.fixture
def api_client(agency: Organization) -> User:
    """A client system's service account: it acts with the secretariat's role."""
    client, _token = client_create(agency=agency, name="سامانه اتوماسیون اداری", scopes=["items:read"])
    return client.user


@pytest.fixture
def cast(
    pr_expert: User,
    clerk: User,
    unit_clerk: User,
    deputy: User,
    head: User,
    auditor: User,
    agency_admin: User,
    api_client: User,
) -> dict[str, User]:
    return {
        "pr_expert": pr_expert,
        "clerk": clerk,
        "unit_clerk": unit_clerk,
        "deputy": deputy,
        "head": head,
        "auditor": auditor,
        "agency_admin": agency_admin,
        "api_client": api_client,
    }


def hidden_by_both_forms(user: User, item: Item) -> bool:
    """The queryset form and the one-item form of the rule, which must never disagree."""
    in_queryset = identity_hidden_items(user).filter(pk=item.pk).exists()
    assert in_queryset == (not identity_visible_to(user, item)), f"the two forms disagree for {user} on {item}"
    return in_queryset


def test_the_list_form_and_the_item_form_of_the_rule_agree_for_every_role(
    cast: dict[str, User],
    submit_complaint: Callable[..., Item],
    unit: Unit,
    other_agency: Organization,
) -> None:
    fresh = submit_complaint()
    revealed = submit_complaint(subject="شکایت دوم", idempotency_key="second")
    refer_anonymised(cast["pr_expert"], revealed, unit)
    pr.identity_reveal(item=revealed, actor=cast["head"], reason="بررسی تکرار شکایت به درخواست بازرسی")
    cases = {
        "a fresh complaint": fresh,
        "an anonymised complaint the head revealed": revealed,
        "a letter": submit_complaint(kind=Kind.LETTER, idempotency_key="letter"),
        "a meeting request": submit_complaint(kind=Kind.MEETING_REQUEST, idempotency_key="meeting"),
        "a complaint where there is no PR desk": submit_complaint(agency=other_agency, idempotency_key="other"),
    }
    expected_hidden = {
        "a fresh complaint": set(OUTSIDE_PR),
        "an anonymised complaint the head revealed": set(OUTSIDE_PR) - {"head"},
        "a letter": set(),
        "a meeting request": set(),
        "a complaint where there is no PR desk": set(),
    }
    for case, item in cases.items():
        hidden = {role for role, user in cast.items() if hidden_by_both_forms(user, item)}
        assert hidden == expected_hidden[case], case


def test_a_fresh_complaint_is_in_no_secretariat_list_search_or_sms_page(
    submit_complaint: Callable[..., Item], pr_expert: User, clerk: User
) -> None:
    complaint = submit_complaint()
    letter = submit_complaint(kind=Kind.LETTER, subject="درخواست پیگیری پرونده", idempotency_key="letter")
    client = signed_in(clerk)
    inbox = client.get(reverse("secretariat-inbox")).content.decode()
    assert str(letter.public_id) in inbox
    assert str(complaint.public_id) not in inbox
    for query in (NATIONAL_ID, MOBILE, complaint.tracking_code, "رضایی", "پذیرش"):
        found = client.get(reverse("secretariat-inbox"), {"q": query, "status": ""}).content.decode()
        assert str(complaint.public_id) not in found, query
    # The same citizen's letter is the clerk's: its history does not mention the complaint.
    page = client.get(reverse("staff-item", args=[letter.public_id]))
    assert page.status_code == 200
    assert complaint not in list(page.context["history"])
    assert complaint.subject not in page.content.decode()
    outbox = client.get(reverse("sms-outbox")).content.decode()
    assert complaint.tracking_code not in outbox
    assert OutboxMessage.objects.filter(item=complaint).exists()  # the citizen did get the SMS


@pytest.mark.parametrize("who", OUTSIDE_PR[:-1])
def test_nobody_outside_pr_can_open_a_complaint_pr_has_not_referred(
    submit_complaint: Callable[..., Item], pr_expert: User, who: str, request: pytest.FixtureRequest
) -> None:
    complaint = submit_complaint()
    client = signed_in(request.getfixturevalue(who))
    attachment = complaint.attachments.get()
    for url in (
        reverse("staff-item", args=[complaint.public_id]),
        reverse("staff-item-receipt", args=[complaint.public_id]),
        reverse("staff-attachment", args=[complaint.public_id, attachment.public_id]),
        reverse("pr-anonymised", args=[complaint.public_id]),
        reverse("pr-item", args=[complaint.public_id]),
    ):
        assert client.get(url).status_code in (403, 404), url
    pages = crawl(
        client,
        ["/staff/", reverse("secretariat-inbox") + "?status=", reverse("unit-inbox"), reverse("sms-outbox")],
    )
    for url, text in pages.items():
        assert_no_identity(text, f"{url} as {who}")


def test_steps_on_a_complaint_pr_has_not_referred_are_refused_to_the_secretariat(
    submit_complaint: Callable[..., Item], pr_expert: User, clerk: User, unit: Unit
) -> None:
    complaint = submit_complaint()
    client = signed_in(clerk)
    refer = client.post(
        reverse("staff-item-refer", args=[complaint.public_id]),
        {"version": complaint.version, "unit": str(unit.public_id)},
    )
    register = client.post(reverse("staff-item-register", args=[complaint.public_id]), {"version": complaint.version})
    assert (refer.status_code, register.status_code) == (404, 404)
    complaint.refresh_from_db()
    assert complaint.status == Status.SUBMITTED
    assert not complaint.referrals.exists()


def test_the_pr_expert_sees_the_complaint_with_its_requester(
    submit_complaint: Callable[..., Item], pr_expert: User
) -> None:
    complaint = submit_complaint()
    client = signed_in(pr_expert)
    inbox = client.get(reverse("pr-inbox")).content.decode()
    assert complaint.subject in inbox
    assert complaint.requester.display_name in inbox
    for name in ("pr-item", "staff-item"):
        page = client.get(reverse(name, args=[complaint.public_id]))
        assert page.status_code == 200, name
        assert NATIONAL_ID.translate(PERSIAN) in page.content.decode(), name


def test_once_pr_referred_it_the_secretariat_opens_the_redacted_copy(
    submit_complaint: Callable[..., Item], pr_expert: User, clerk: User, unit: Unit
) -> None:
    complaint = submit_complaint()
    refer_anonymised(pr_expert, complaint, unit)
    client = signed_in(clerk)
    response = client.get(reverse("staff-item", args=[complaint.public_id]))
    assert response["Location"] == reverse("pr-anonymised", args=[complaint.public_id])
    copy = client.get(response["Location"])
    assert copy.status_code == 200
    assert_no_identity(copy.content.decode(), "the redacted copy as the clerk")


@pytest.mark.parametrize("desk", ["no PR expert", "a PR expert whose membership ended"])
def test_an_agency_without_a_pr_desk_keeps_complaints_with_its_secretariat(
    submit_complaint: Callable[..., Item], agency: Organization, clerk: User, desk: str
) -> None:
    if desk != "no PR expert":
        member(agency, "former.pr", Role.PR_EXPERT)
        Membership.objects.filter(role=Role.PR_EXPERT).update(is_active=False)
    complaint = submit_complaint()
    client = signed_in(clerk)
    assert str(complaint.public_id) in client.get(reverse("secretariat-inbox")).content.decode()
    page = client.get(reverse("staff-item", args=[complaint.public_id]))
    assert page.status_code == 200
    assert NATIONAL_ID.translate(PERSIAN) in page.content.decode()


def test_a_unit_loses_a_complaint_once_its_agency_gets_a_pr_desk(
    submit_complaint: Callable[..., Item], agency: Organization, clerk: User, unit: Unit, unit_clerk: User
) -> None:
    complaint = submit_complaint()
    wf.item_register(item=complaint, actor=clerk)
    wf.item_refer(item=complaint, actor=clerk, unit=unit)
    unit_client = signed_in(unit_clerk)
    assert complaint.subject in unit_client.get(reverse("unit-inbox")).content.decode()

    expert = member(agency, "pr.expert", Role.PR_EXPERT)
    assert complaint.subject not in unit_client.get(reverse("unit-inbox")).content.decode()
    assert unit_client.get(reverse("staff-item", args=[complaint.public_id])).status_code == 404
    assert complaint.subject in signed_in(expert).get(reverse("pr-inbox")).content.decode()


def test_the_secretariat_classifying_a_letter_as_a_complaint_hands_it_to_pr(
    submit_complaint: Callable[..., Item], pr_expert: User, clerk: User
) -> None:
    item = submit_complaint(kind=Kind.LETTER)
    client = signed_in(clerk)
    response = client.post(
        reverse("staff-item-classify", args=[item.public_id]),
        {"version": item.version, "kind": Kind.COMPLAINT, "priority": "normal", "confidentiality": "normal"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("secretariat-inbox")
    assert "به ارتباطات مردمی سپرده شد" in response.content.decode()
    assert client.get(reverse("staff-item", args=[item.public_id])).status_code == 404
    assert item.subject in signed_in(pr_expert).get(reverse("pr-inbox")).content.decode()


def test_a_complaint_handed_in_at_the_secretariat_gives_its_receipt_once(
    agency: Organization, pr_expert: User, clerk: User
) -> None:
    client = signed_in(clerk)
    answer = client.post(reverse("received-letter-new"), {**letter_data(agency), "channel": Channel.IN_PERSON})
    item = Item.objects.get()
    assert answer.status_code == 200  # the receipt itself: the applicant is at the desk
    receipt = answer.content.decode()
    assert f'data-tracking-code="{item.tracking_code}"' in receipt
    assert item.requester.display_name in receipt
    assert "ارتباطات مردمی بررسی می‌کند" in receipt
    assert item.registration_number
    assert client.get(reverse("staff-item-receipt", args=[item.public_id])).status_code == 404
    assert item.subject in signed_in(pr_expert).get(reverse("pr-inbox")).content.decode()


def test_a_complaint_cannot_be_put_into_the_secretariats_bundle(
    submit_complaint: Callable[..., Item], pr_expert: User, clerk: User
) -> None:
    letter = submit_complaint(kind=Kind.LETTER, idempotency_key="letter")
    other = submit_complaint(kind=Kind.LETTER, idempotency_key="letter-2")
    complaint = submit_complaint()
    client = signed_in(clerk)
    client.post(
        reverse("staff-bundle-create", args=[letter.public_id]),
        {"items": [str(other.public_id), str(complaint.public_id)], "title": "تأخیر"},
    )
    letter.refresh_from_db()
    complaint.refresh_from_db()
    assert letter.bundle is not None
    assert complaint.bundle is None


def test_a_unit_cannot_send_an_inquiry_with_the_requesters_data_on_an_anonymised_item(
    submit_complaint: Callable[..., Item], pr_expert: User, unit: Unit, unit_clerk: User
) -> None:
    complaint = submit_complaint()
    refer_anonymised(pr_expert, complaint, unit)
    response = signed_in(unit_clerk).post(reverse("inquiry-ask", args=[complaint.public_id]), {"question": "?"})
    assert response.status_code == 404
    assert not complaint.inquiries.exists()


# --- A unit's «برگشت» goes back to PR, and PR refers the copy again ------------------------------------------


@pytest.fixture
def competent_unit(agency: Organization) -> Unit:
    return Unit.objects.create(organization=agency, name="اداره امور کارکنان")


def test_a_unit_returns_an_anonymised_item_to_pr_and_pr_refers_it_to_the_competent_unit(
    submit_complaint: Callable[..., Item],
    pr_expert: User,
    unit: Unit,
    unit_clerk: User,
    competent_unit: Unit,
    clerk: User,
    agency: Organization,
) -> None:
    complaint = submit_complaint()
    pr_client = refer_anonymised(pr_expert, complaint, unit)
    referral = complaint.referrals.get()
    sms_before = OutboxMessage.objects.filter(item=complaint).count()

    returned = signed_in(unit_clerk).post(
        reverse("pr-anonymised-return", args=[complaint.public_id, referral.public_id]),
        {"return-reason": "موضوع به امور کارکنان مربوط است", "return-competent_unit": str(competent_unit.public_id)},
    )
    assert returned.status_code == 302
    referral.refresh_from_db()
    complaint.refresh_from_db()
    assert referral.state == Referral.State.RETURNED
    assert referral.suggested_unit == competent_unit
    assert complaint.status == Status.REGISTERED
    event = ItemEvent.objects.filter(item=complaint, kind=EventKind.REFERRAL_RETURNED).get()
    assert not event.is_public
    assert OutboxMessage.objects.filter(item=complaint).count() == sms_before  # PR speaks to the citizen
    # It is back with PR, flagged, not in the secretariat's registered items.
    assert "واحد برگشت داد" in pr_client.get(reverse("pr-inbox")).content.decode()
    registered = signed_in(clerk).get(reverse("secretariat-inbox"), {"status": "registered"}).content.decode()
    assert str(complaint.public_id) not in registered

    page = pr_client.get(reverse("pr-item", args=[complaint.public_id]))
    form = page.context["refer_again_form"]
    assert form.initial["unit"] == competent_unit.public_id
    again = pr_client.post(
        reverse("pr-item-refer-again", args=[complaint.public_id]),
        {"version": form.initial["version"], "unit": str(competent_unit.public_id), "instruction": "بررسی شود"},
    )
    assert again.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.REFERRED
    assert complaint.referrals.get(state=Referral.State.OPEN).unit == competent_unit
    assert OutboxMessage.objects.filter(item=complaint, template="item_referred").count() == 2
    staff = member(agency, "hr.clerk", Role.UNIT_STAFF, competent_unit)
    inbox = signed_in(staff).get(reverse("unit-inbox")).content.decode()
    assert complaint.redacted_copy.subject in inbox
    assert_no_identity(inbox, "the competent unit's inbox")


def test_the_letter_return_is_closed_to_a_unit_on_an_anonymised_item(
    submit_complaint: Callable[..., Item], pr_expert: User, unit: Unit, unit_clerk: User
) -> None:
    complaint = submit_complaint()
    refer_anonymised(pr_expert, complaint, unit)
    referral = complaint.referrals.get()
    client = signed_in(unit_clerk)
    for name in ("staff-referral-return", "staff-referral-to-secretariat"):
        response = client.post(reverse(name, args=[referral.public_id]), {"reason": "نه", "note": "نه"})
        assert response.status_code == 404, name
    referral.refresh_from_db()
    assert referral.state == Referral.State.OPEN


# --- The referral step appears once on the timelines ------------------------------------------------------


def test_an_anonymised_referral_appears_once_on_each_timeline_with_its_instruction(
    submit_complaint: Callable[..., Item], pr_expert: User, unit: Unit, unit_clerk: User
) -> None:
    complaint = submit_complaint()
    pr_client = refer_anonymised(pr_expert, complaint, unit)
    # Both records stay: the step the citizen sees and the internal one with the instruction.
    assert ItemEvent.objects.filter(item=complaint, kind=EventKind.REFERRED).count() == 2
    for client, name in ((signed_in(unit_clerk), "pr-anonymised"), (pr_client, "pr-item")):
        page = client.get(reverse(name, args=[complaint.public_id])).content.decode()
        timeline = page.split('id="timeline-heading"')[1].split("</ol>")[0]
        assert timeline.count("<strong>ارجاع شد</strong>") == 1, name
        assert timeline.count("بررسی و گزارش اقدام به ارتباطات مردمی") == 1, name
