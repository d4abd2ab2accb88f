"""PgBouncer in transaction-pooling mode hands each transaction to any server connection, so nothing
may rely on state that outlives a transaction on one connection (docs/scale.md, "PgBouncer").

A house rule checked over the source: no session-level advisory locks (only ``pg_advisory_xact_lock``),
no ``SET`` without ``LOCAL``, no ``LISTEN``, no temporary tables, no cursors ``WITH HOLD``.
"""

from __future__ import annotations

import re
from pathlib import Path

import mokatebat

SESSION_STATE = re.compile(
    r"pg_advisory_lock\s*\(|pg_advisory_lock_shared\s*\(|\bLISTEN\s+\w|CREATE\s+TEMP(ORARY)?\s+TABLE|WITH\s+HOLD"
    r"|[\"']\s*SET\s+(?!LOCAL\b)(?!CONSTRAINTS\b)[a-z_]+\s*(=|TO\b)",
    re.IGNORECASE,
)


def test_no_source_file_keeps_state_on_a_database_session() -> None:
    root = Path(mokatebat.__file__).parent
    offenders = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SESSION_STATE.search(line)
    ]

    assert offenders == []


def test_the_rule_catches_what_would_break_under_transaction_pooling() -> None:
    for line in [
        'cursor.execute("SELECT pg_advisory_lock(42)")',
        'cursor.execute("SET statement_timeout = 5000")',
        'cursor.execute("LISTEN outbox")',
        'cursor.execute("CREATE TEMP TABLE t (id int)")',
    ]:
        assert SESSION_STATE.search(line), line
    for line in ['cursor.execute("SELECT pg_advisory_xact_lock(42)")', 'cursor.execute("SET LOCAL lock_timeout = 1")']:
        assert not SESSION_STATE.search(line), line
