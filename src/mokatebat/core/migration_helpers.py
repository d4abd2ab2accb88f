"""The one way migrations protect records in the database itself (ISO 15489: a record cannot be altered).

Every protection is a row trigger that calls ``mokatebat_forbid_change()`` (created by
correspondence 0003 and given its reason argument by correspondence 0011), so whatever the code path
— the app, the admin, a shell, a client with the app's credentials — the database refuses with
``integrity_constraint_violation`` and a message naming the operation, the table and why. Only the
owner role that runs migrations could drop a trigger; the app's role owns nothing (see README).

    append_only("calls_calllookup")                     # never updated, never deleted
    no_delete("inquiries_inquiry")                      # state changes, but the row stays
    frozen_columns("correspondence_item", ["body"], once="OLD.registration_number <> ''")
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.db import migrations

FUNCTION = "mokatebat_forbid_change"

# TG_ARGV[0], when given, says why; without it the message is the original "append-only" one.
FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% on % is not allowed: %', TG_OP, TG_TABLE_NAME,
        COALESCE(TG_ARGV[0], 'records are append-only')
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def _checked(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return name


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def protect_rows(
    table: str, *, on: str = "UPDATE OR DELETE", when: str | None = None, name: str | None = None, reason: str = ""
) -> migrations.RunSQL:
    """A trigger refusing ``on`` (``UPDATE``, ``DELETE`` or both) for the rows ``when`` matches (all by default)."""
    if on not in {"UPDATE", "DELETE", "UPDATE OR DELETE"}:
        raise ValueError(f"unsupported trigger event: {on!r}")
    trigger = _checked(name or f"{table}_append_only")
    condition = f" WHEN ({when})" if when else ""
    argument = _literal(reason) if reason else ""
    return migrations.RunSQL(
        f"CREATE TRIGGER {trigger} BEFORE {on} ON {_checked(table)} "
        f"FOR EACH ROW{condition} EXECUTE FUNCTION {FUNCTION}({argument});",
        f"DROP TRIGGER IF EXISTS {trigger} ON {table};",
    )


def append_only(table: str) -> migrations.RunSQL:
    """Rows are written once: every UPDATE and DELETE is refused."""
    return protect_rows(table)


def no_delete(table: str) -> migrations.RunSQL:
    """Rows change state but are never deleted."""
    return protect_rows(table, on="DELETE", name=f"{table}_no_delete", reason="records are never deleted")


def frozen_columns(
    table: str, columns: Sequence[str], *, once: str = "TRUE", name: str | None = None
) -> migrations.RunSQL:
    """Refuse an UPDATE that changes any of ``columns`` of a row for which ``once`` (over ``OLD``) holds."""
    changed = " OR ".join(f"NEW.{_checked(c)} IS DISTINCT FROM OLD.{c}" for c in columns)
    return protect_rows(
        table,
        on="UPDATE",
        when=f"({once}) AND ({changed})",
        name=name or f"{table}_frozen",
        reason=f"{', '.join(columns)} cannot change once recorded",
    )
