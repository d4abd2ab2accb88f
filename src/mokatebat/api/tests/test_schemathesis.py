"""schemathesis against our own OpenAPI schema on a live server: no 5xx, every answer as documented.

Runs in ``make test`` with a few examples per operation (seconds, not minutes), public operations
anonymously and the client operations with a token that holds every scope.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mokatebat.organization.models import Organization, Unit

from .conftest import ALL_SCOPES, make_client

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def token(agency: Organization) -> str:
    return make_client(agency, "سامانه آزمون قرارداد", ALL_SCOPES, rate="100000/h")[1]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_answers_as_documented(
    live_server: Any, agency: Organization, unit: Unit, submit: Any, token: str, mode: GenerationMode
) -> None:
    submit()  # one item for the list and detail operations to find
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/", headers={"Accept": "application/json"})
    headers = {"Authorization": f"Bearer {token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12

    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            check()
        except Unsatisfiable:
            assert mode == GenerationMode.NEGATIVE  # an operation without inputs has no invalid ones
