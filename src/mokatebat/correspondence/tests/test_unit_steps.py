"""The steps a unit (and the secretariat around it) takes on a referred item, and what each one leaves
on the timeline and in the SMS outbox."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from mokatebat.correspondence import workflow
from mokatebat.correspondence.models import (
    Bundle,
    EventKind,
    Forwarding,
    Item,
    ItemEvent,
    Priority,
    Referral,
    Resolution,
    ResponseDraft,
    Status,
    SubjectCategory,
)
from mokatebat.correspondence.workflow import (
    SERVICE_REQUEST_SMS_FOR_STEP,
    SMS_FOR_STEP,
    WorkflowError,
    action_record,
    bundle_answer,
    bundle_create,
    citizen_reply,
    info_request,
    item_classify,
    item_close,
    item_forward,
    item_refer,
    item_register,
    item_reject,
    referral_accept,
    referral_rerefer,
    referral_return,
    referral_return_to_secretariat,
    response_content_digest,
    response_draft_save,
    response_draft_send_back,
    response_draft_submit,
    response_issue,
    response_sign_and_issue,
    submission_notify,
)
from mokatebat.notifications.messages import SMS_TEMPLATES
from mokatebat.notifications.models import OutboxMessage
from mokatebat.organization.models import Membership, Organization, Role, Unit, User


@pytest.fixture
def manager(agency: Organization, unit: Unit) -> User:
    user = User.objects.create_user("manager", password="a-long-test-password", first_name="علی", last_name="احمدی")
    membership = Membership.objects.create(user=user, organization=agency, role=Role.UNIT_MANAGER)
    membership.units.set([unit])
    return user


@pytest.fixture
def other_unit(agency: Organization) -> Unit:
    return Unit.objects.create(organization=agency, name="اداره کل امور بیمارستان‌ها")


@pytest.fixture
def item(submit: Callable[..., Item], clerk: User) -> Item:
    return item_register(item=submit(), actor=clerk)


@pytest.fixture
def referral(item: Item, clerk: User, unit: Unit) -> Referral:
    return item_refer(item=item, actor=clerk, unit=unit, instruction="بررسی و پاسخ")


def sms_templates(item: Item) -> list[str]:
    return list(OutboxMessage.objects.filter(item=item).order_by("pk").values_list("template", flat=True))


def fresh(item: Item) -> Item:
    item.refresh_from_db()
    return item


@pytest.mark.django_db
def test_accepting_a_referral_is_an_internal_event_without_sms(item: Item, referral: Referral, manager: User) -> None:
    version, sms_before = fresh(item).version, sms_templates(item)

    referral_accept(referral=referral, actor=manager)

    referral.refresh_from_db()
    assert referral.state == Referral.State.ACCEPTED
    assert referral.accepted_at is not None
    event = item.events.get(kind=EventKind.REFERRAL_ACCEPTED)
    assert (event.is_public, event.actor, event.data["unit"]) == (False, manager, referral.unit.name)
    assert sms_templates(item) == sms_before
    assert fresh(item).version == version + 1


@pytest.mark.django_db
def test_returning_a_referral_with_neither_reason_nor_competent_unit_is_refused(
    item: Item, referral: Referral, manager: User
) -> None:
    events_before = item.events.count()

    with pytest.raises(WorkflowError):
        referral_return(referral=referral, actor=manager, reason="   ")

    referral.refresh_from_db()
    assert referral.state == Referral.State.OPEN
    assert fresh(item).status == Status.REFERRED
    assert item.events.count() == events_before


@pytest.mark.django_db
def test_returning_a_referral_with_a_reason_sends_the_item_back_to_the_secretariat_and_shows_the_reason(
    item: Item, referral: Referral, manager: User
) -> None:
    referral_return(referral=referral, actor=manager, reason="موضوع به معاونت بهداشت مربوط است")

    referral.refresh_from_db()
    assert (referral.state, referral.is_active) == (Referral.State.RETURNED, False)
    assert referral.return_reason == "موضوع به معاونت بهداشت مربوط است"
    assert fresh(item).status == Status.REGISTERED
    event = item.events.get(kind=EventKind.REFERRAL_RETURNED)
    assert event.is_public
    assert event.note == "موضوع به معاونت بهداشت مربوط است"


@pytest.mark.django_db
def test_returning_a_referral_naming_only_the_competent_unit_shows_that_unit(
    item: Item, referral: Referral, manager: User, other_unit: Unit
) -> None:
    referral_return(referral=referral, actor=manager, reason="", competent_unit=other_unit)

    referral.refresh_from_db()
    assert referral.suggested_unit == other_unit
    assert other_unit.name in item.events.get(kind=EventKind.REFERRAL_RETURNED, is_public=True).note


@pytest.mark.django_db
def test_re_referring_keeps_the_chain_and_tells_the_citizen_the_new_unit_once(
    item: Item, referral: Referral, manager: User, other_unit: Unit
) -> None:
    sms_before = OutboxMessage.objects.filter(item=item).count()

    new = referral_rerefer(referral=referral, actor=manager, unit=other_unit, instruction="اقدام لازم")

    referral.refresh_from_db()
    assert new.parent == referral
    assert (referral.state, referral.is_active) == (Referral.State.RE_REFERRED, False)
    assert (new.unit, new.state, new.is_active) == (other_unit, Referral.State.OPEN, True)
    assert fresh(item).status == Status.REFERRED
    new_sms = list(OutboxMessage.objects.filter(item=item).order_by("pk")[sms_before:])
    assert [sms.template for sms in new_sms] == ["item_referred"]
    assert other_unit.name in new_sms[0].body


@pytest.mark.django_db
def test_re_referring_to_the_same_unit_is_refused(item: Item, referral: Referral, manager: User) -> None:
    with pytest.raises(WorkflowError):
        referral_rerefer(referral=referral, actor=manager, unit=referral.unit, instruction="")

    referral.refresh_from_db()
    assert referral.state == Referral.State.OPEN


@pytest.mark.django_db
def test_asking_the_citizen_for_information_sends_the_info_requested_sms(
    item: Item, referral: Referral, manager: User
) -> None:
    request = info_request(item=item, actor=manager, question="لطفاً تصویر نسخه را بفرستید.")

    assert request.answered_at is None
    event = item.events.get(kind=EventKind.INFO_REQUESTED)
    assert (event.is_public, event.note) == (True, "لطفاً تصویر نسخه را بفرستید.")
    assert sms_templates(item)[-1] == "info_requested"


@pytest.mark.django_db
def test_the_citizens_reply_answers_the_request_and_a_second_reply_without_an_open_request_is_refused(
    item: Item, referral: Referral, manager: User
) -> None:
    request = info_request(item=item, actor=manager, question="شماره پرونده بیمارستان چیست؟")

    event = citizen_reply(item=item, text="شماره پرونده ۱۲۳۴ است.")

    assert (event.kind, event.is_public, event.actor) == (EventKind.CITIZEN_REPLIED, True, None)
    assert event.note == "شماره پرونده ۱۲۳۴ است."
    request.refresh_from_db()
    assert request.answered_at is not None
    with pytest.raises(WorkflowError):
        citizen_reply(item=item, text="یک پاسخ دیگر")
    assert item.events.filter(kind=EventKind.CITIZEN_REPLIED).count() == 1


@pytest.mark.django_db
def test_rejecting_closes_the_item_out_of_scope_with_the_reason_and_where_to_go(
    item: Item, referral: Referral, clerk: User
) -> None:
    item_reject(item=item, actor=clerk, reason="موضوع در حیطه این وزارتخانه نیست", where_to_go="شهرداری تهران")

    fresh(item)
    assert (item.status, item.resolution) == (Status.CLOSED, Resolution.OUT_OF_SCOPE)
    event = item.events.get(kind=EventKind.REJECTED)
    assert event.is_public
    assert "موضوع در حیطه این وزارتخانه نیست" in event.note
    assert "شهرداری تهران" in event.note
    assert sms_templates(item)[-1] == "item_rejected"
    referral.refresh_from_db()
    assert referral.state == Referral.State.WITHDRAWN


@pytest.mark.django_db
def test_forwarding_hands_the_item_to_the_other_agency_under_the_same_tracking_code(
    item: Item, referral: Referral, clerk: User, agency: Organization, other_agency: Organization
) -> None:
    tracking_code, old_number = item.tracking_code, fresh(item).registration_number

    forwarding = item_forward(item=item, actor=clerk, to_agency=other_agency, note="مربوط به استان")

    fresh(item)
    assert item.agency == other_agency
    assert (item.registration_number, item.registered_at, item.status) == ("", None, Status.SUBMITTED)
    assert item.tracking_code == tracking_code
    assert (forwarding.from_agency, forwarding.to_agency) == (agency, other_agency)
    assert forwarding.from_registration_number == old_number
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        Forwarding.objects.filter(pk=forwarding.pk).update(note="rewritten")
    event = item.events.get(kind=EventKind.FORWARDED, is_public=True)
    assert event.data["from_agency"] == agency.name
    assert event.data["to_agency"] == other_agency.name
    sms = OutboxMessage.objects.filter(item=item).latest("pk")
    assert sms.template == "item_forwarded"
    assert other_agency.name in sms.body
    assert tracking_code in sms.body
    referral.refresh_from_db()
    assert referral.state == Referral.State.WITHDRAWN


@pytest.mark.django_db
def test_a_draft_sent_back_and_resubmitted_is_locked_and_then_signed_into_a_numbered_response(
    item: Item, referral: Referral, clerk: User, manager: User, unit: Unit, agency: Organization
) -> None:
    draft = response_draft_save(item=item, actor=clerk, unit=unit, body="<p>پاسخ اول</p>")
    response_draft_submit(draft=draft, actor=clerk)
    draft = response_draft_send_back(draft=draft, actor=manager, note="تاریخ را اضافه کنید")
    assert (draft.state, draft.review_note) == (ResponseDraft.State.DRAFT, "تاریخ را اضافه کنید")
    draft = response_draft_save(item=item, actor=clerk, unit=unit, body="<p>پاسخ ویرایش‌شده</p>", draft=draft)
    draft = response_draft_submit(draft=draft, actor=clerk)

    with pytest.raises(WorkflowError):
        response_draft_save(item=item, actor=clerk, unit=unit, body="<p>تغییر پنهانی</p>", draft=draft)
    response = response_sign_and_issue(draft=draft, actor=manager, signer_title="مدیر کل")

    assert response.outgoing_number.endswith("/1")
    assert response.verification_code
    assert response.content_sha256 == response_content_digest(response, agency.name)
    assert "پاسخ ویرایش‌شده" in response.body
    assert (response.signer_name, response.signer_title, response.unit_name) == ("علی احمدی", "مدیر کل", unit.name)
    draft.refresh_from_db()
    assert (draft.state, draft.response) == (ResponseDraft.State.ISSUED, response)
    assert fresh(item).status == Status.ANSWERED
    referral.refresh_from_db()
    assert (referral.state, referral.is_active) == (Referral.State.DONE, False)
    assert item.events.filter(kind=EventKind.RESPONSE_ISSUED, is_public=True).count() == 1
    assert item.events.filter(kind=EventKind.DRAFT_SIGNED, is_public=False).count() == 1
    assert sms_templates(item).count("response_issued") == 1


@pytest.mark.django_db
def test_classifying_records_the_changed_fields_internally_and_a_repeat_with_no_change_writes_nothing(
    item: Item, clerk: User, agency: Organization
) -> None:
    category = SubjectCategory.objects.create(agency=agency, name="درمان")
    version = fresh(item).version

    item_classify(
        item=item,
        actor=clerk,
        category=category,
        kind=item.kind,
        priority=Priority.URGENT,
        confidentiality=item.confidentiality,
    )

    event = item.events.get(kind=EventKind.CLASSIFIED)
    assert not event.is_public
    assert event.data["changes"] == {"category_id": [None, category.pk], "priority": ["normal", "urgent"]}
    fresh(item)
    assert (item.category, item.priority, item.version) == (category, Priority.URGENT, version + 1)

    item_classify(
        item=item,
        actor=clerk,
        category=category,
        kind=item.kind,
        priority=Priority.URGENT,
        confidentiality=item.confidentiality,
    )

    assert item.events.filter(kind=EventKind.CLASSIFIED).count() == 1
    assert fresh(item).version == version + 1


@pytest.mark.django_db
def test_answering_a_bundle_gives_each_item_its_own_response_event_and_sms(
    submit: Callable[..., Item], clerk: User, agency: Organization, unit: Unit
) -> None:
    items = [item_register(item=submit(), actor=clerk) for _ in range(3)]
    bundle = bundle_create(agency=agency, actor=clerk, title="قطعی آب", items=items)
    assert all(fresh(item).bundle == bundle for item in items)

    responses = bundle_answer(bundle=bundle, actor=clerk, body="<p>پاسخ مشترک</p>", unit=unit, signer_title="دبیر")

    assert sorted(response.item_id for response in responses) == sorted(item.pk for item in items)
    assert len({response.outgoing_number for response in responses}) == 3
    assert len({response.verification_code for response in responses}) == 3
    for response in responses:
        item = fresh(response.item)
        assert item.status == Status.ANSWERED
        event = item.events.get(kind=EventKind.RESPONSE_ISSUED)
        assert event.data["response"] == str(response.public_id)
        assert sms_templates(item).count("response_issued") == 1


# --- Every step queues exactly the SMS templates SMS_FOR_STEP gives its public events. -------------------


@dataclass
class Scene:
    """A registered item referred to ``unit``, and the people and places the steps need."""

    submit: Callable[..., Item]
    item: Item
    referral: Referral
    clerk: User
    manager: User
    agency: Organization
    unit: Unit
    other_unit: Unit
    other_agency: Organization


def _awaiting_signature(s: Scene) -> ResponseDraft:
    draft = response_draft_save(item=s.item, actor=s.clerk, unit=s.unit, body="<p>پاسخ</p>")
    return response_draft_submit(draft=draft, actor=s.clerk)


def _bundle(s: Scene) -> Bundle:
    items = [s.item, *(item_register(item=s.submit(), actor=s.clerk) for _ in range(2))]
    return bundle_create(agency=s.agency, actor=s.clerk, title="قطعی آب", items=items)


def _replying(s: Scene) -> Callable[[], Any]:
    info_request(item=s.item, actor=s.manager, question="پرسش")
    return lambda: citizen_reply(item=s.item, text="پاسخ")


def _bundling(s: Scene) -> Callable[[], Any]:
    items = [s.item, *(item_register(item=s.submit(), actor=s.clerk) for _ in range(2))]
    return lambda: bundle_create(agency=s.agency, actor=s.clerk, title="قطعی آب", items=items)


def _submitted(s: Scene) -> Callable[[], Any]:
    fresh_item = s.submit()
    return lambda: item_register(item=fresh_item, actor=s.clerk)


def _classify(s: Scene) -> Callable[[], Any]:
    return lambda: item_classify(
        item=s.item, actor=s.clerk, category=None, kind="complaint", priority="urgent", confidentiality="normal"
    )


def _send_back(s: Scene) -> Callable[[], Any]:
    draft = _awaiting_signature(s)
    return lambda: response_draft_send_back(draft=draft, actor=s.manager, note="اصلاح شود")


def _submit_draft(s: Scene) -> Callable[[], Any]:
    draft = response_draft_save(item=s.item, actor=s.clerk, unit=s.unit, body="<p>پاسخ</p>")
    return lambda: response_draft_submit(draft=draft, actor=s.clerk)


def _sign(s: Scene) -> Callable[[], Any]:
    draft = _awaiting_signature(s)
    return lambda: response_sign_and_issue(draft=draft, actor=s.manager, signer_title="مدیر کل")


def _bundle_answer(s: Scene) -> Callable[[], Any]:
    bundle = _bundle(s)
    return lambda: bundle_answer(bundle=bundle, actor=s.clerk, body="<p>پاسخ</p>", unit=s.unit, signer_title="")


# step name -> (prepare the scene and return the step to measure, the SMS templates it must queue)
STEPS: dict[str, tuple[Callable[[Scene], Callable[[], Any]], list[str]]] = {
    "item_submit": (lambda s: s.submit, ["item_submitted"]),
    "item_register": (_submitted, ["item_registered"]),
    "item_classify": (_classify, []),
    "item_refer": (lambda s: lambda: item_refer(item=s.item, actor=s.clerk, unit=s.other_unit), ["item_referred"]),
    "referral_accept": (lambda s: lambda: referral_accept(referral=s.referral, actor=s.manager), []),
    "referral_return": (lambda s: lambda: referral_return(referral=s.referral, actor=s.manager, reason="نه"), []),
    "referral_rerefer": (
        lambda s: lambda: referral_rerefer(referral=s.referral, actor=s.manager, unit=s.other_unit, instruction=""),
        ["item_referred"],
    ),
    "referral_return_to_secretariat": (
        lambda s: lambda: referral_return_to_secretariat(referral=s.referral, actor=s.manager, note="واحد دیگر"),
        [],
    ),
    "action_record": (
        lambda s: lambda: action_record(item=s.item, actor=s.manager, text="بازدید شد", public=True),
        ["action_recorded"],
    ),
    "action_record (internal)": (
        lambda s: lambda: action_record(item=s.item, actor=s.manager, text="یادداشت", public=False),
        [],
    ),
    "info_request": (
        lambda s: lambda: info_request(item=s.item, actor=s.manager, question="پرسش"),
        ["info_requested"],
    ),
    "citizen_reply": (_replying, []),
    "item_reject": (
        lambda s: lambda: item_reject(item=s.item, actor=s.clerk, reason="خارج از حیطه"),
        ["item_rejected"],
    ),
    "item_forward": (
        lambda s: lambda: item_forward(item=s.item, actor=s.clerk, to_agency=s.other_agency, note="یادداشت"),
        ["item_forwarded"],
    ),
    "response_draft_save": (
        lambda s: lambda: response_draft_save(item=s.item, actor=s.clerk, unit=s.unit, body="<p>پاسخ</p>"),
        [],
    ),
    "response_draft_submit": (_submit_draft, []),
    "response_draft_send_back": (_send_back, []),
    "response_sign_and_issue": (_sign, ["response_issued"]),
    "response_issue": (lambda s: lambda: response_issue(item=s.item, actor=s.clerk, body="پاسخ"), ["response_issued"]),
    "item_close": (
        lambda s: lambda: item_close(item=s.item, actor=s.clerk, resolution=Resolution.NO_ACTION_NEEDED),
        ["item_closed"],
    ),
    "bundle_create": (_bundling, []),
    "bundle_answer": (_bundle_answer, ["response_issued"] * 3),
}


@pytest.fixture
def scene(
    submit: Callable[..., Item],
    item: Item,
    referral: Referral,
    clerk: User,
    manager: User,
    agency: Organization,
    unit: Unit,
    other_unit: Unit,
    other_agency: Organization,
) -> Scene:
    return Scene(submit, fresh(item), referral, clerk, manager, agency, unit, other_unit, other_agency)


def test_the_sms_table_covers_every_workflow_step() -> None:
    helpers = {
        "CheckedUpload",
        "Kind",
        "RequesterDetails",
        "WorkflowConflict",
        "WorkflowError",
        "submission_notify",  # announces a step already on the timeline; tested on its own below
        "uploads_keep_for_retry",
    }
    steps = {name.split(" ")[0] for name in STEPS}
    assert steps == set(workflow.__all__) - helpers


@pytest.mark.django_db
@pytest.mark.parametrize("step", STEPS)
def test_each_step_queues_exactly_the_sms_templates_sms_for_step_lists(scene: Scene, step: str) -> None:
    prepare, expected = STEPS[step]
    run = prepare(scene)
    last_sms = OutboxMessage.objects.order_by("pk").values_list("pk", flat=True).last() or 0
    last_event = ItemEvent.objects.order_by("pk").values_list("pk", flat=True).last() or 0

    run()

    # The satisfaction survey's invitation (R11) rides along with answering steps; tested in surveys.
    new_sms = list(OutboxMessage.objects.filter(pk__gt=last_sms).exclude(template="survey_invite").order_by("pk"))
    new_events = list(ItemEvent.objects.filter(pk__gt=last_event).order_by("pk"))
    assert [sms.template for sms in new_sms] == expected
    announced = [event for event in new_events if event.is_public and event.kind in SMS_FOR_STEP]
    assert sorted(SMS_FOR_STEP[event.kind] for event in announced) == sorted(expected)
    for event in announced:
        (sms,) = [sms for sms in new_sms if sms.dedup_key.startswith(f"{event.public_id}:")]
        assert sms.template == SMS_FOR_STEP[event.kind]
        assert sms.item_id == event.item_id
        assert event.item.tracking_code in sms.body


def test_a_service_request_has_its_own_registered_wording_for_every_step_a_letter_is_texted_about() -> None:
    assert set(SERVICE_REQUEST_SMS_FOR_STEP) == set(SMS_FOR_STEP)
    assert set(SERVICE_REQUEST_SMS_FOR_STEP.values()) <= set(SMS_TEMPLATES)
    assert not set(SERVICE_REQUEST_SMS_FOR_STEP.values()) & set(SMS_FOR_STEP.values())


@pytest.mark.django_db
def test_a_submission_made_without_notice_is_texted_once_when_the_caller_announces_it(
    submit: Callable[..., Item],
) -> None:
    item = submit(notify=False)
    assert sms_templates(item) == []

    submission_notify(item=item)
    submission_notify(item=item)

    (sms,) = OutboxMessage.objects.filter(item=item)
    assert sms.template == "item_submitted"
    assert sms.dedup_key.startswith(f"{item.events.get(kind=EventKind.SUBMITTED).public_id}:")
    assert item.tracking_code in sms.body


@pytest.mark.django_db
def test_a_referral_made_without_notice_is_still_public_but_texts_nobody(item: Item, clerk: User, unit: Unit) -> None:
    before = sms_templates(item)

    item_refer(item=item, actor=clerk, unit=unit, notify=False)

    assert sms_templates(item) == before
    assert item.events.filter(kind=EventKind.REFERRED, is_public=True, data__unit=unit.name).exists()
