"""The demo services load on a network that has their agencies, and loading twice changes nothing."""

from __future__ import annotations

import pytest

from mokatebat.organization.models import Membership, Organization, Role, Unit, User
from mokatebat.services.demo import SERVICES, load_demo
from mokatebat.services.formspec import request_form_class
from mokatebat.services.models import Service

pytestmark = pytest.mark.django_db


def test_demo_services_load_once_with_full_cards_and_valid_forms() -> None:
    for code, owner in (("moh", "moh.service"), ("hormozgan", "hormozgan.admin")):
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
    assert Service.objects.filter(published_version__responsible_unit__isnull=False).count() == 4
