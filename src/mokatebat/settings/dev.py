"""Development: `make dev` (the autoreloading runserver, DEBUG on, loopback only)."""

import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = "dev-only-not-secret-" + "x" * 40
ALLOWED_HOSTS = ["*"]
DEMO_DATA = True
# runserver starts a thread per request: a persistent connection per thread would pile up idle
# connections until PostgreSQL refuses new ones.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain")
LOGGING["handlers"]["console"]["formatter"] = "plain" if LOG_FORMAT == "plain" else "json"  # type: ignore[index]  # noqa: F405
