"""The demo services load on a network that has their agencies, and loading twice changes nothing."""

from __future__ import annotations

import pytest

from mokatebat.organization.models import Membership, Organization, Role, Unit, User
from mokatebat.services.demo import SERVICES, load_demo
from mokatebat.services.formspec import request_form_class
from mokatebat.services.models import Service

pytestmark = pytest.mark.django_db


def test_demo_services_load_once_with_full_cards_and_valid_forms() -> None:
    owners = {spec["agency"]: spec["owner"] for spec in SERVICES}
    for code, owner in owners.items():
        agency = Organization.objects.create(name=code, code=code)
        user = User.objects.create_user(owner)
        Membership.objects.create(user=user, organization=agency, role=Role.SERVICE_OWNER)
        for spec in SERVICES:
            if spec["agency"] == code and spec["unit"]:
                Unit.objects.create(organization=agency, name=spec["unit"])

    assert load_demo() == len(SERVICES)
    assert load_demo() == 0
    for service in Service.objects.select_related("published_version", "form_version"):
        card = service.published_version
        assert card is not None
        assert card.steps
        assert card.expected_duration
        assert service.form_version is not None
        request_form_class(service.form_version.fields)()  # every spec builds a field
    assert Service.objects.filter(published_version__responsible_unit__isnull=False).count() == 8


def test_every_agency_of_the_demo_network_offers_e_services_including_a_licence_and_a_decision() -> None:
    from mokatebat.organization.management.commands.load_demo_data import ORGANIZATIONS, STAFF

    agencies = {spec.code for spec in ORGANIZATIONS if spec.kind == Organization.Kind.AGENCY}
    assert len(agencies) == 5
    assert {spec["agency"] for spec in SERVICES} == agencies
    owners = {staff.username: staff.organization for staff in STAFF}
    for spec in SERVICES:
        assert owners[spec["owner"]] == spec["agency"]  # a real demo user of that agency keeps the card
    descriptions = [spec["card"]["description"] for spec in SERVICES]
    assert any("متن تصمیم" in text for text in descriptions)
    assert sum("پروانه" in spec["card"]["title"] or "گواهی" in spec["card"]["title"] for spec in SERVICES) >= 3
