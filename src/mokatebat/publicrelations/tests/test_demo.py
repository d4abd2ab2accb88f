"""The PR demo data loads on the demo network, once, through the real workflow."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from mokatebat.correspondence.models import Item, Status
from mokatebat.publicrelations.auth import pr_desk_agencies
from mokatebat.publicrelations.models import (
    FEEDBACK_KINDS,
    Decision,
    GuidanceRecord,
    Meeting,
    MeetingSlot,
    RedactedCopy,
)
from mokatebat.publicrelations.redaction import PLACEHOLDER


@pytest.mark.django_db
def test_demo_has_anonymised_referrals_meetings_and_guidance_and_loads_once(settings: Any) -> None:
    settings.DEMO_DATA = True
    call_command("load_demo_data", stdout=StringIO())
    counts = (Item.objects.count(), RedactedCopy.objects.count(), GuidanceRecord.objects.count())
    copies = list(RedactedCopy.objects.select_related("item__requester"))
    assert len(copies) > 2  # the PR demo's own cases and the demo letters' complaints, reports…
    for copy in copies:
        assert PLACEHOLDER in copy.body
        assert copy.item.requester.national_id not in copy.body
    assert Meeting.objects.filter(state=Meeting.State.SCHEDULED).count() == 1
    assert Meeting.objects.filter(state=Meeting.State.REQUESTED).count() == 1
    assert MeetingSlot.objects.exists()
    call_command("load_demo_data", stdout=StringIO())
    assert (Item.objects.count(), RedactedCopy.objects.count(), GuidanceRecord.objects.count()) == counts


@pytest.mark.django_db
def test_demo_feedback_letters_were_handled_by_the_pr_desk_not_the_secretariat(settings: Any) -> None:
    """In the demo agencies with a PR desk, complaints, reports… follow seed 003: PR decides, units get
    an anonymised copy, PR answers. None sits in the PR inbox answered but undecided."""
    settings.DEMO_DATA = True
    call_command("load_demo_data", stdout=StringIO())
    feedback = Item.objects.filter(kind__in=FEEDBACK_KINDS, agency_id__in=pr_desk_agencies()).select_related("pr_case")
    assert feedback.count() > 10
    for item in feedback:
        decision = item.pr_case.decision if hasattr(item, "pr_case") else Decision.PENDING
        if item.status in (Status.SUBMITTED, Status.REGISTERED) and not item.referrals.exists():
            assert decision == Decision.PENDING, item.subject
            continue
        assert decision in (Decision.ACTION, Decision.NO_ACTION), item.subject
        if item.referrals.exists():
            assert RedactedCopy.objects.filter(item=item).exists(), item.subject
        if item.responses.exists():
            assert item.responses.get().issued_by.memberships.filter(role="pr_expert").exists(), item.subject
