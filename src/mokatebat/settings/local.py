"""`make run`: production-like on this machine. DEBUG off, compressed and hashed static files with
long cache lifetimes, the real Persian error pages, gunicorn, JSON logs; but plain HTTP on the
loopback address, a secret key of its own kept in var/, the console SMS provider and the demo data.
"""

import os
import secrets
from urllib.parse import urlsplit

from .base import *  # noqa: F403
from .base import PUBLIC_SITE_URL, VAR_DIR, env_list


def _local_secret_key() -> str:
    """Generated once per checkout and kept (so sessions survive a restart); never in the repo."""
    path = VAR_DIR / "secret-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
ALLOWED_HOSTS = [
    *env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]"),
    urlsplit(PUBLIC_SITE_URL).hostname or "127.0.0.1",
]
DEMO_DATA = True
