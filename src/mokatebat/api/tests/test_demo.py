"""The demo client system `make run` prints: idempotent, every scope, its token works."""

from __future__ import annotations

from mokatebat.api.authentication import client_for_token
from mokatebat.api.demo import DEMO_TOKEN, load_demo
from mokatebat.api.models import ClientSystem, Scope
from mokatebat.correspondence.auth import items_visible_to
from mokatebat.organization.models import Organization


def test_the_demo_client_is_made_once_and_its_token_works(agency: Organization, submit: object) -> None:
    assert DEMO_TOKEN in load_demo()
    load_demo()
    client = ClientSystem.objects.get()
    assert client_for_token(DEMO_TOKEN) == client
    assert set(client.scopes) == set(Scope.values)
    item = submit()  # type: ignore[operator]
    assert list(items_visible_to(client.user)) == [item]
