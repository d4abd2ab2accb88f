"""The app's database role: it reads and writes rows, and owns nothing.

Migrations run as the owner of the tables. After each migrate (and after a restore) the owner grants
the app's role (``DATABASE_APP_ROLE``, the user of ``DATABASE_URL`` when ``DATABASE_OWNER_URL`` or
the embedded owner differs) row access to every table and sequence, and the same for tables it
creates later (``createcachetable``). Not being the owner, the app's role cannot DROP or ALTER a
table, nor disable the triggers that keep records unchanged (mokatebat.core.migration_helpers).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connections
from psycopg import sql

ROW_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"


def grant_app_role(using: str = "default", role: str | None = None) -> bool:
    """Give the app's role row access in the connection's schema; False when there is no separate role."""
    role = settings.DATABASE_APP_ROLE if role is None else role
    if not role:
        return False
    connection = connections[using]
    name = sql.Identifier(role)
    statements = [
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}"),
        sql.SQL(f"GRANT {ROW_PRIVILEGES} ON ALL TABLES IN SCHEMA public TO {{}}"),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}"),
        sql.SQL(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT {ROW_PRIVILEGES} ON TABLES TO {{}}"),
        sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {}"),
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement.format(name))
    return True


def grant_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """post_migrate fires once per app; every table exists by then, so the first call does the work."""
    if sender.label == "contenttypes":
        grant_app_role(using)
