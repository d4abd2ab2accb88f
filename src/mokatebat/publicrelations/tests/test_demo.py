"""The PR demo data loads on the demo network, once, through the real workflow."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from mokatebat.correspondence.models import Item
from mokatebat.publicrelations.models import GuidanceRecord, Meeting, MeetingSlot, RedactedCopy
from mokatebat.publicrelations.redaction import PLACEHOLDER


@pytest.mark.django_db
def test_demo_has_anonymised_referrals_meetings_and_guidance_and_loads_once(settings: Any) -> None:
    settings.DEMO_DATA = True
    call_command("load_demo_data", stdout=StringIO())
    counts = (Item.objects.count(), RedactedCopy.objects.count(), GuidanceRecord.objects.count())
    copies = list(RedactedCopy.objects.select_related("item__requester"))
    assert len(copies) == 2
    for copy in copies:
        assert PLACEHOLDER in copy.body
        assert copy.item.requester.national_id not in copy.body
    assert Meeting.objects.filter(state=Meeting.State.SCHEDULED).count() == 1
    assert Meeting.objects.filter(state=Meeting.State.REQUESTED).count() == 1
    assert MeetingSlot.objects.exists()
    call_command("load_demo_data", stdout=StringIO())
    assert (Item.objects.count(), RedactedCopy.objects.count(), GuidanceRecord.objects.count()) == counts
