"""R18, R19: the PR expert classifies PR items and decides; «no action needed» closes with the
agency's thank-you SMS for that kind."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from mokatebat.correspondence.models import EventKind, Item, Kind, Resolution, Status
from mokatebat.correspondence.workflow import WorkflowError
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Organization, Unit, User
from mokatebat.publicrelations.models import DEFAULT_THANKS, Decision, ExtraCategory, Meeting, ThankYouText
from mokatebat.publicrelations.workflow import pr_classify, pr_close_no_action

from .conftest import signed_in


def test_pr_inbox_lists_pr_kinds_with_the_requester_for_pr_only(
    submit_complaint: Callable[..., Item], submit: Callable[..., Item], pr_expert: User, unit_clerk: User
) -> None:
    complaint = submit_complaint()
    letter = submit(kind="letter", subject="نامه عادی اداری")
    page = signed_in(pr_expert).get(reverse("pr-inbox")).content.decode()
    assert complaint.subject in page
    assert letter.subject not in page
    assert signed_in(unit_clerk).get(reverse("pr-inbox")).status_code == 403


def test_suggestion_without_action_closes_with_the_default_thank_you(
    submit: Callable[..., Item], pr_expert: User
) -> None:
    item = submit(kind="suggestion", subject="پیشنهاد نصب سایبان در حیاط")
    client = signed_in(pr_expert)
    response = client.post(reverse("pr-item-no-action", args=[item.public_id]), {"version": item.version})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.CLOSED
    assert item.resolution == Resolution.NO_ACTION_NEEDED
    assert item.pr_case.decision == Decision.NO_ACTION
    sms = OutboxMessage.objects.get(item=item, template="pr_thanks")
    assert DEFAULT_THANKS[Kind.SUGGESTION] in sms.body
    assert sms.mobile == "09121234567"
    assert item.events.filter(kind=EventKind.CLOSED, is_public=True).exists()
    assert not OutboxMessage.objects.filter(item=item, template="item_closed").exists()  # one SMS, not two


def test_agency_text_replaces_the_default_for_that_kind_only(
    submit: Callable[..., Item], pr_expert: User, agency: Organization
) -> None:
    ThankYouText.objects.create(agency=agency, kind=Kind.CRITICISM, text="انتقاد شما به دست مدیر رسید. سپاس.")
    criticism = pr_close_no_action(item=submit(kind="criticism"), actor=pr_expert)
    report = pr_close_no_action(item=submit(kind="report"), actor=pr_expert)
    assert "انتقاد شما به دست مدیر رسید" in OutboxMessage.objects.get(item=criticism, template="pr_thanks").body
    assert DEFAULT_THANKS[Kind.REPORT] in OutboxMessage.objects.get(item=report, template="pr_thanks").body


def test_extra_category_has_its_own_thank_you(
    submit: Callable[..., Item], pr_expert: User, agency: Organization
) -> None:
    idea = ExtraCategory.objects.create(agency=agency, code="idea", name="ایده")
    ThankYouText.objects.create(agency=agency, kind="idea", text="ایده شما ثبت شد و بررسی می‌شود.")
    item = submit(kind="suggestion")
    pr_classify(item=item, actor=pr_expert, kind=Kind.SUGGESTION, extra_category=idea)
    pr_close_no_action(item=item, actor=pr_expert)
    assert "ایده شما ثبت شد" in OutboxMessage.objects.get(item=item, template="pr_thanks").body


def test_classify_through_the_page_records_about_whom_and_makes_a_meeting(
    submit: Callable[..., Item], pr_expert: User, unit: Unit
) -> None:
    item = submit(kind="complaint", subject="درخواست دیدار با رئیس")
    client = signed_in(pr_expert)
    response = client.post(
        reverse("pr-item-classify", args=[item.public_id]),
        {"version": item.version, "kind": "meeting_request", "about_unit": str(unit.public_id), "about_text": ""},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.kind == Kind.MEETING_REQUEST
    assert item.pr_case.about_unit == unit
    assert Meeting.objects.get(item=item).state == Meeting.State.REQUESTED
    assert item.events.filter(kind=EventKind.CLASSIFIED, is_public=False).exists()


def test_bad_classification_is_refused_with_a_message_and_nothing_saved(
    submit: Callable[..., Item], pr_expert: User
) -> None:
    item = submit(kind="complaint")
    client = signed_in(pr_expert)
    response = client.post(
        reverse("pr-item-classify", args=[item.public_id]),
        {"version": item.version, "kind": "letter", "about_unit": "not-a-uuid", "about_text": "مدیر"},
    )
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    item.refresh_from_db()
    assert item.kind == Kind.COMPLAINT


def test_a_decided_item_cannot_be_decided_again(submit: Callable[..., Item], pr_expert: User) -> None:
    item = pr_close_no_action(item=submit(kind="report"), actor=pr_expert)
    with pytest.raises(WorkflowError):
        pr_close_no_action(item=item, actor=pr_expert)
    assert OutboxMessage.objects.filter(item=item, template="pr_thanks").count() == 1


def test_pr_of_another_agency_cannot_open_the_item(submit: Callable[..., Item], other_agency: Organization) -> None:
    from mokatebat.organization.models import Role

    from .conftest import member

    stranger = member(other_agency, "other.pr", Role.PR_EXPERT)
    item = submit(kind="complaint")
    assert signed_in(stranger).get(reverse("pr-item", args=[item.public_id])).status_code == 404


def test_pr_keeps_the_thank_you_texts_and_extra_categories_on_the_settings_page(
    submit: Callable[..., Item], pr_expert: User, unit_clerk: User
) -> None:
    client = signed_in(pr_expert)
    page = client.get(reverse("pr-settings"))
    assert DEFAULT_THANKS[Kind.SUGGESTION] in page.content.decode()
    texts = {kind: DEFAULT_THANKS[kind] for kind in DEFAULT_THANKS}
    texts[Kind.SUGGESTION] = "پیشنهاد شما به دست مدیران رسید؛ سپاس از همراهی شما."
    assert client.post(reverse("pr-settings"), {"step": "thanks", **texts}).status_code == 302
    assert client.post(reverse("pr-settings"), {"step": "extra", "code": "plan", "name": "طرح"}).status_code == 302
    refused = client.post(reverse("pr-settings"), {"step": "extra", "code": "plan", "name": "طرح دوباره"})
    assert refused.status_code == 400
    item = pr_close_no_action(item=submit(kind="suggestion"), actor=pr_expert)
    assert "به دست مدیران رسید" in OutboxMessage.objects.get(item=item, template="pr_thanks").body
    assert "طرح" in client.get(reverse("pr-settings")).content.decode()
    assert signed_in(unit_clerk).get(reverse("pr-settings")).status_code == 403
