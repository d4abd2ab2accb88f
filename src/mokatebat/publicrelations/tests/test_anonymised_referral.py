"""R19: a complaint that needs action reaches the unit anonymised, and nobody outside PR can find out
who wrote it from any page, file, PDF, list, search or SMS page they can reach."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urljoin, urlparse

import pytest
from django.test import Client
from django.urls import reverse

from mokatebat.core.persian import search_key
from mokatebat.correspondence.models import EventKind, Item, ItemEvent, Referral, Status
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Unit, User
from mokatebat.publicrelations.models import Decision, IdentityReveal, RedactedCopy
from mokatebat.publicrelations.redaction import PLACEHOLDER

from .conftest import EMAIL, MOBILE, NATIONAL_ID, signed_in

HREF = re.compile(r'(?:href|action)="([^"#]+)"')
SCRIPTS = ("0123456789", "۰۱۲۳۴۵۶۷۸۹", "٠١٢٣٤٥٦٧٨٩")


def identifier_forms() -> list[str]:
    """Every way the requester's identifiers could show up on a page."""
    digits = [NATIONAL_ID, MOBILE, MOBILE[1:], "912 345 6789", "912-345-6789"]
    forms = [d.translate(str.maketrans("0123456789", script)) for d in digits for script in SCRIPTS]
    return [*forms, EMAIL, EMAIL.split("@")[0]]


NAME_PARTS = [search_key(part) for part in ("مریم", "رضایی", "نژاد", "نسترن", "آزادی")]


def assert_no_identity(content: str, where: str) -> None:
    for form in identifier_forms():
        assert form not in content, f"{form!r} on {where}"
    folded = search_key(content).replace(" ", "")
    for part in NAME_PARTS:
        assert part.replace(" ", "") not in folded, f"{part!r} on {where}"


def refer_anonymised(pr_expert: User, item: Item, unit: Unit) -> Client:
    """The PR expert reviews the automatic redaction, shares the attachment, and refers."""
    client = signed_in(pr_expert)
    page = client.get(reverse("pr-item", args=[item.public_id]))
    assert page.status_code == 200
    initial = page.context["refer_form"].initial
    attachment = item.attachments.get()
    # The expert looks at the file's preview on the review page before confirming it.
    preview = client.get(reverse("pr-attachment-preview", args=[item.public_id, attachment.public_id, 1]))
    assert preview["Content-Type"] == "image/png"
    response = client.post(
        reverse("pr-item-refer", args=[item.public_id]),
        {
            "version": initial["version"],
            "unit": str(unit.public_id),
            "subject": initial["subject"],
            # The expert removes one more detail by hand: the clerk's desk that would identify the visit.
            "body": initial["body"].replace("پذیرش", "[حذف شد]"),
            "attachments": [str(attachment.public_id)],
            "instruction": "بررسی و گزارش اقدام به ارتباطات مردمی",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


@pytest.fixture
def anonymised(
    submit_complaint: Callable[..., Item], pr_expert: User, unit: Unit, unit_clerk: User
) -> tuple[Item, Client]:
    item = submit_complaint()
    client = refer_anonymised(pr_expert, item, unit)
    return Item.objects.get(pk=item.pk), client


def test_refer_stores_the_redacted_copy_refers_and_tells_the_citizen(anonymised: tuple[Item, Client]) -> None:
    item, _client = anonymised
    copy = RedactedCopy.objects.get(item=item)
    assert PLACEHOLDER in copy.body
    assert PLACEHOLDER in copy.subject
    assert_no_identity(copy.subject + copy.body, "the stored copy")
    assert "[حذف شد]" in copy.body
    assert "پذیرش" not in copy.body
    [shared] = copy.attachments.all()
    assert shared.display_name == "پیوست ۱.pdf"
    assert item.status == Status.REFERRED
    assert item.pr_case.decision == Decision.ACTION
    assert item.referrals.get().state == Referral.State.OPEN
    templates = list(OutboxMessage.objects.filter(item=item).order_by("pk").values_list("template", flat=True))
    assert templates == ["item_submitted", "item_registered", "item_referred"]
    assert "ارجاع شد" in OutboxMessage.objects.get(item=item, template="item_referred").body


def test_expert_cannot_put_an_identifier_back_into_the_copy(
    submit_complaint: Callable[..., Item], pr_expert: User, unit: Unit
) -> None:
    item = submit_complaint()
    client = signed_in(pr_expert)
    client.post(
        reverse("pr-item-refer", args=[item.public_id]),
        {
            "version": item.version,
            "unit": str(unit.public_id),
            "subject": "شکایت",
            "body": f"متقاضی با شماره {MOBILE} و کد ملی {NATIONAL_ID}، خانم رضايي نژاد",
        },
    )
    copy = RedactedCopy.objects.get(item=item)
    assert_no_identity(copy.body, "the copy after the expert's edit")


def crawl(client: Client, start: list[str], limit: int = 80) -> dict[str, str]:
    """Every staff page reachable from ``start`` by links and form targets (GET only), with its content
    and the file name headers of downloads."""
    seen: dict[str, str] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        path = urlparse(url).path
        if url in seen or not path.startswith("/staff/") or "logout" in path or "/login" in path:
            continue
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            seen[url] = ""
            continue
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode(errors="replace") + response.get("Content-Disposition", "")
        seen[url] = text
        if "html" in response.get("Content-Type", ""):
            queue += [urljoin(url, link.replace("&amp;", "&")) for link in HREF.findall(text)]
    return seen


@pytest.mark.parametrize("who", ["unit_clerk", "clerk", "deputy", "head", "auditor"])
def test_nobody_outside_pr_can_reach_the_requester_identity(
    anonymised: tuple[Item, Client], who: str, request: pytest.FixtureRequest
) -> None:
    item, pr_client = anonymised
    # The unit reports back and PR answers the citizen: more pages and a PDF now exist.
    clerk_of_unit: User = request.getfixturevalue("unit_clerk")
    unit_client = signed_in(clerk_of_unit)
    referral = item.referrals.get()
    unit_client.post(reverse("pr-anonymised-accept", args=[item.public_id, referral.public_id]))
    unit_client.post(
        reverse("pr-anonymised-answer", args=[item.public_id, referral.public_id]),
        {"text": "با کارمند پذیرش گفت‌وگو و تذکر داده شد."},
    )
    pr_client.post(reverse("pr-item-answer", args=[item.public_id]), {"body": "شکایت شما رسیدگی شد."})
    user: User = request.getfixturevalue(who)
    client = signed_in(user)
    attachment = item.attachments.get()
    response = item.responses.get()
    start = [
        "/staff/",
        reverse("unit-inbox"),
        reverse("unit-inbox") + "?show=closed",
        reverse("secretariat-inbox"),
        reverse("secretariat-inbox") + "?status=answered",
        reverse("sms-outbox"),
        reverse("staff-item", args=[item.public_id]),
        reverse("staff-item-receipt", args=[item.public_id]),
        reverse("staff-attachment", args=[item.public_id, attachment.public_id]),
        reverse("staff-response-pdf", args=[item.public_id, response.public_id]),
        reverse("pr-anonymised", args=[item.public_id]),
        reverse("pr-inbox"),
        reverse("pr-meetings"),
    ]
    pages = crawl(client, start)
    assert any(PLACEHOLDER in text for text in pages.values()) or who == "clerk"
    for url, text in pages.items():
        assert_no_identity(text, f"{url} as {who}")
    # Searching by what one knows of the requester does not find the item (the box echoes the query).
    for query in (NATIONAL_ID, MOBILE, "رضایی", EMAIL):
        found = client.get(reverse("secretariat-inbox"), {"q": query}).content.decode()
        assert str(item.public_id) not in found


def test_unit_sees_the_copy_and_its_file_under_the_redacted_name(
    anonymised: tuple[Item, Client], unit_clerk: User
) -> None:
    item, _pr = anonymised
    client = signed_in(unit_clerk)
    inbox = client.get(reverse("unit-inbox")).content.decode()
    assert RedactedCopy.objects.get(item=item).subject in inbox
    assert client.get(reverse("staff-item", args=[item.public_id]))["Location"] == reverse(
        "pr-anonymised", args=[item.public_id]
    )
    shared = RedactedCopy.objects.get(item=item).attachments.get()
    download = client.get(reverse("pr-anonymised-attachment", args=[item.public_id, shared.public_id]))
    assert download.status_code == 200
    assert "%D9%BE%DB%8C%D9%88%D8%B3%D8%AA" in download["Content-Disposition"]  # «پیوست», percent-encoded
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_unit_answers_through_pr_and_pr_answers_the_citizen(anonymised: tuple[Item, Client], unit_clerk: User) -> None:
    item, pr_client = anonymised
    referral = item.referrals.get()
    client = signed_in(unit_clerk)
    # The letter steps that would write to the citizen directly are closed to the unit on this item.
    assert client.post(reverse("staff-draft-save", args=[item.public_id]), {"body": "پاسخ"}).status_code == 404
    client.post(reverse("pr-anonymised-answer", args=[item.public_id, referral.public_id]), {"text": "تذکر داده شد."})
    item.refresh_from_db()
    assert item.status == Status.REGISTERED
    assert ItemEvent.objects.filter(item=item, kind=EventKind.ANSWER_TO_PR, is_public=False).exists()
    inbox = pr_client.get(reverse("pr-inbox")).content.decode()
    assert "گزارش واحد رسید" in inbox
    pr_client.post(reverse("pr-item-answer", args=[item.public_id]), {"body": "شکایت شما رسیدگی و تذکر داده شد."})
    item.refresh_from_db()
    assert item.status == Status.ANSWERED
    assert OutboxMessage.objects.filter(item=item, template="response_issued", mobile=MOBILE).exists()


def test_head_reveals_identity_with_a_reason_that_stays_on_the_history(
    anonymised: tuple[Item, Client], head: User
) -> None:
    item, pr_client = anonymised
    client = signed_in(head)
    url = reverse("pr-anonymised-reveal", args=[item.public_id])
    refused = client.post(url, {"reason": "کوتاه"})
    assert refused.status_code == 400
    assert not IdentityReveal.objects.exists()
    reason = "بررسی تکرار شکایت از یک کارمند به درخواست بازرسی"
    assert client.post(url, {"reason": reason}).status_code == 302
    page = client.get(reverse("staff-item", args=[item.public_id]))
    assert page.status_code == 200
    assert NATIONAL_ID.translate(str.maketrans("0123456789", SCRIPTS[1])) in (page.content.decode())
    event = ItemEvent.objects.get(item=item, kind=EventKind.IDENTITY_REVEALED)
    assert event.note == reason
    assert not event.is_public
    assert event.actor == head
    assert reason in pr_client.get(reverse("pr-item", args=[item.public_id])).content.decode()
    outbox = client.get(reverse("sms-outbox")).content.decode()
    assert MOBILE.translate(str.maketrans("0123456789", SCRIPTS[1])) in outbox or MOBILE in outbox


@pytest.mark.parametrize("who", ["unit_clerk", "deputy", "clerk"])
def test_roles_without_the_right_cannot_reveal(
    anonymised: tuple[Item, Client], who: str, request: pytest.FixtureRequest
) -> None:
    item, _pr = anonymised
    client = signed_in(request.getfixturevalue(who))
    response = client.post(
        reverse("pr-anonymised-reveal", args=[item.public_id]), {"reason": "می‌خواهم بدانم چه کسی است"}
    )
    assert response.status_code == 403
    assert not IdentityReveal.objects.exists()


def test_unit_of_another_agency_cannot_open_the_copy(anonymised: tuple[Item, Client], other_agency: object) -> None:
    from mokatebat.organization.models import Organization, Role

    from .conftest import member

    assert isinstance(other_agency, Organization)
    stranger_unit = Unit.objects.create(organization=other_agency, name="اداره دیگر")
    stranger = member(other_agency, "stranger", Role.UNIT_STAFF, stranger_unit)
    item, _pr = anonymised
    assert signed_in(stranger).get(reverse("pr-anonymised", args=[item.public_id])).status_code == 404
