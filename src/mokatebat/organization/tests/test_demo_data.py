"""`manage.py load_demo_data`: the demo network `make run` shows a newcomer."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from mokatebat.citizens.models import Requester
from mokatebat.core.identifiers import is_valid_legal_id, is_valid_mobile, is_valid_national_id
from mokatebat.core.tracking import clean_tracking_code
from mokatebat.correspondence.auth import find_item_for_requester
from mokatebat.correspondence.models import Channel, Item, ItemEvent, Response, Status
from mokatebat.notifications.models import PENDING_STATES, OutboxMessage
from mokatebat.organization.management.commands.load_demo_data import DEMO_PASSWORD
from mokatebat.organization.models import Membership, Organization, Role, Unit, User


@pytest.fixture(scope="module")
def demo_output(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """Load once for the whole module (it takes seconds), inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("load_demo_data", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_output: str, db: Any) -> str:
    return demo_output


def _counts() -> dict[str, int]:
    models = (Organization, Unit, User, Membership, Requester, Item, ItemEvent, Response, OutboxMessage)
    return {model.__name__: model.objects.count() for model in models}


def test_loading_twice_changes_nothing(demo: str) -> None:
    before = _counts()
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    assert _counts() == before
    assert "already loaded" in out.getvalue()
    assert "moh.clerk" in out.getvalue()


def test_network_has_ministry_governorate_provincial_agencies_and_counter_offices(demo: str) -> None:
    ministry = Organization.objects.get(code="moh")
    assert ministry.units.count() >= 8
    assert ministry.units.filter(kind=Unit.Kind.SECRETARIAT).exists()
    assert ministry.units.filter(parent__kind=Unit.Kind.DEPUTY).count() >= 3
    governorate = Organization.objects.get(name="استانداری هرمزگان")
    assert governorate.children.count() == 3
    for agency in governorate.children.all():
        assert 3 <= agency.units.count() <= 5
    assert Organization.objects.counter_offices().count() == 2


def test_there_are_thirty_citizens_and_five_legal_persons(demo: str) -> None:
    natural = Requester.objects.filter(kind=Requester.Kind.NATURAL).values("national_id").distinct().count()
    legal = Requester.objects.filter(kind=Requester.Kind.LEGAL).values("legal_national_id").distinct().count()
    assert natural >= 30
    assert legal >= 5
    assert not Requester.objects.filter(kind=Requester.Kind.LEGAL, full_name="").exists()


def test_every_demo_identifier_validates(demo: str) -> None:
    for national_id, legal_id, mobile, kind in Requester.objects.values_list(
        "national_id", "legal_national_id", "mobile", "kind"
    ):
        assert is_valid_national_id(national_id), national_id
        assert is_valid_mobile(mobile), mobile
        assert mobile.startswith("09"), mobile
        assert is_valid_legal_id(legal_id) if kind == Requester.Kind.LEGAL else legal_id == "", legal_id


def test_letters_cover_every_state_channel_and_the_last_ninety_days(demo: str) -> None:
    items = Item.objects.all()
    assert items.count() >= 200
    assert set(items.values_list("status", flat=True)) == set(Status.values)
    assert set(items.values_list("channel", flat=True)) == set(Channel.values)
    assert not items.filter(channel=Channel.COUNTER_OFFICE, counter_office__isnull=True).exists()
    oldest = timezone.now() - datetime.timedelta(days=90, minutes=5)
    assert not items.filter(submitted_at__lt=oldest).exists()
    assert items.filter(submitted_at__lt=timezone.now() - datetime.timedelta(days=60)).exists()
    assert not items.filter(status=Status.ANSWERED, responses__isnull=True).exists()
    assert (
        items.filter(status=Status.CLOSED).exclude(resolution="").count() == items.filter(status=Status.CLOSED).count()
    )


def test_letters_went_through_the_workflow(demo: str) -> None:
    """Timelines, registration numbers and referrals exist, as they would for real letters."""
    assert not Item.objects.filter(events__isnull=True).exists()
    registered = Item.objects.exclude(status=Status.SUBMITTED)
    assert not registered.filter(registration_number="").exists()
    assert ItemEvent.objects.filter(kind="action", is_public=False).exists()
    assert ItemEvent.objects.filter(kind="action", is_public=True).exists()
    referred = Item.objects.filter(status=Status.REFERRED)
    assert not referred.filter(referrals__isnull=True).exists()
    assert referred.filter(referrals__role="copy").exists()


def test_every_role_has_a_demo_user_who_can_log_in(demo: str, client: Any) -> None:
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert User.objects.get(username="admin").is_superuser
    assert client.login(username="moh.clerk", password=DEMO_PASSWORD)


def test_past_sms_are_marked_sent_so_the_worker_does_not_send_them(demo: str) -> None:
    assert OutboxMessage.objects.exists()
    assert not OutboxMessage.objects.filter(state__in=PENDING_STATES).exists()


def test_printed_sample_pairs_can_be_tracked(demo: str) -> None:
    pairs = re.findall(r"^\s+(\d{10})\s+([\d-]{16})\s", demo, flags=re.MULTILINE)
    assert len(pairs) == 3
    for national_id, code in pairs:
        assert find_item_for_requester(national_id=national_id, tracking_code=clean_tracking_code(code)) is not None


def test_refuses_when_demo_data_is_off(settings: Any, db: Any) -> None:
    settings.DEMO_DATA = False
    before = Organization.objects.count()
    with pytest.raises(CommandError, match="DEMO_DATA"):
        call_command("load_demo_data", stdout=StringIO())
    assert Organization.objects.count() == before
