"""Records that must not change cannot be changed, whatever the code path (issue 18, point 3).

The triggers hold for every role (the owner included); the app's role, which the web app and the
worker use, additionally cannot drop or alter a table, or switch a trigger off."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction

from mokatebat.correspondence.models import Attachment, Item, Status
from mokatebat.correspondence.workflow import item_forward, item_register
from mokatebat.organization.models import Organization, User
from mokatebat.publicrelations.models import IdentityReveal


def _records(submit: Callable[..., Item], clerk: User) -> tuple[Item, Attachment, IdentityReveal]:
    item = item_register(item=submit(), actor=clerk)
    attachment = Attachment.objects.create(
        item=item, original_name="a.pdf", file="attachments/x", content_type="application/pdf", size=3, sha256="a" * 64
    )
    reveal = IdentityReveal.objects.create(item=item, user=clerk, reason="بازرسی")
    return item, attachment, reveal


@pytest.mark.django_db
def test_a_registered_letters_text_number_and_attachments_and_a_reveal_cannot_change_through_the_orm(
    submit: Callable[..., Item], clerk: User
) -> None:
    item, attachment, reveal = _records(submit, clerk)
    refused: list[tuple[Callable[[], Any], str]] = [
        (lambda: Item.objects.filter(pk=item.pk).update(body="متن دیگر"), "cannot change once recorded"),
        (lambda: Item.objects.filter(pk=item.pk).update(subject="موضوع دیگر"), "cannot change once recorded"),
        (lambda: Item.objects.filter(pk=item.pk).update(registration_number="999"), "never rewritten"),
        # Django's PROTECT would stop the ORM earlier; raw SQL shows the database refuses too.
        (lambda: connection.cursor().execute("DELETE FROM correspondence_item WHERE id = %s", [item.pk]), "is kept"),
        (lambda: Attachment.objects.filter(pk=attachment.pk).update(sha256="b" * 64), "cannot change once recorded"),
        (lambda: Attachment.objects.filter(pk=attachment.pk).delete(), "attachments are kept"),
        (lambda: IdentityReveal.objects.filter(pk=reveal.pk).update(reason="هیچ"), "append-only"),
        (lambda: IdentityReveal.objects.filter(pk=reveal.pk).delete(), "append-only"),
    ]
    for change, message in refused:
        with pytest.raises(IntegrityError, match=message), transaction.atomic():
            change()
    item.refresh_from_db()
    assert item.body.startswith("با سلام")
    assert item.registration_number
    assert Attachment.objects.get(pk=attachment.pk).sha256 == "a" * 64
    assert IdentityReveal.objects.get(pk=reveal.pk).reason == "بازرسی"


@pytest.mark.django_db
def test_the_workflow_still_moves_a_registered_letter_and_an_unregistered_one_can_be_corrected(
    submit: Callable[..., Item], clerk: User, other_agency: Organization
) -> None:
    draft = submit()
    assert Item.objects.filter(pk=draft.pk).update(body="متن اصلاح‌شده") == 1  # not a record yet
    item, _attachment, _reveal = _records(submit, clerk)
    item_forward(item=item, actor=clerk, to_agency=other_agency, note="خارج از حیطه")
    item.refresh_from_db()
    assert item.agency == other_agency
    assert item.registration_number == ""  # the new agency registers it afresh
    assert item.status == Status.SUBMITTED


def _as_app_role() -> psycopg.Connection[Any]:
    role = settings.DATABASE_APP_ROLE
    if not role:
        pytest.skip(
            "NOT CHECKED: no separate app role (DATABASE_URL and the owner are one role); "
            "set DATABASE_OWNER_URL or use the embedded database to test the app role"
        )
    db = connection.settings_dict
    host = db["HOST"] or db["OPTIONS"].get("host", "")
    return psycopg.connect(
        dbname=db["NAME"], user=role, host=host, port=db["PORT"] or None, password=None, autocommit=True
    )


@pytest.fixture
def app_role() -> Iterator[psycopg.Connection[Any]]:
    with _as_app_role() as conn:
        yield conn


@pytest.mark.django_db(transaction=True)
def test_the_app_role_cannot_change_records_drop_tables_or_switch_triggers_off(
    submit: Callable[..., Item], clerk: User, app_role: psycopg.Connection[Any]
) -> None:
    item, attachment, reveal = _records(submit, clerk)
    assert app_role.execute("SELECT current_user").fetchone() == (settings.DATABASE_APP_ROLE,)
    refused = [
        ("UPDATE correspondence_item SET body = 'x' WHERE id = %s", item.pk, "cannot change once recorded"),
        ("DELETE FROM correspondence_item WHERE id = %s", item.pk, "registered letter is kept"),
        ("UPDATE correspondence_attachment SET sha256 = 'b' WHERE id = %s", attachment.pk, "cannot change"),
        ("DELETE FROM correspondence_attachment WHERE id = %s", attachment.pk, "attachments are kept"),
        ("UPDATE publicrelations_identityreveal SET reason = 'x' WHERE id = %s", reveal.pk, "append-only"),
        ("DELETE FROM publicrelations_identityreveal WHERE id = %s", reveal.pk, "append-only"),
        ("DELETE FROM correspondence_itemevent WHERE item_id = %s", item.pk, "append-only"),
    ]
    for statement, pk, message in refused:
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match=message):
            app_role.execute(statement, (pk,))
    for ddl in [
        "DROP TABLE publicrelations_identityreveal",
        "ALTER TABLE correspondence_item DISABLE TRIGGER ALL",
        "DROP TRIGGER correspondence_item_frozen ON correspondence_item",
        "TRUNCATE correspondence_attachment CASCADE",
        "CREATE TABLE mischief (id int)",
    ]:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app_role.execute(ddl)
    # What the app does every day still works as its role.
    changed = app_role.execute("UPDATE correspondence_item SET priority = 'urgent' WHERE id = %s", (item.pk,))
    assert changed.rowcount == 1
    assert app_role.execute("SELECT count(*) FROM publicrelations_identityreveal").fetchone() == (1,)
