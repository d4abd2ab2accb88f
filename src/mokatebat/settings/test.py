"""Test runs: real PostgreSQL, fast hashing, no static manifest needed."""

from .base import *  # noqa: F403
from .base import DATABASES, dj_database_url, owner_database_url

# pytest-django creates and migrates the test database, which takes the owner; after its migrate the
# app's role is granted its rights there too, and test_database_roles checks them as that role.
_owner = dj_database_url.parse(owner_database_url())
DATABASES["default"].update({key: _owner[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT") if key in _owner})
_options: dict[str, object] = dict(DATABASES["default"].get("OPTIONS") or {})  # type: ignore[call-overload]
DATABASES["default"]["OPTIONS"] = {**_options, **(_owner.get("OPTIONS") or {})}

DEBUG = False
SECRET_KEY = "test-only-not-secret-" + "x" * 40
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DEMO_DATA = True
# Per-process lists of the public forms (core.cached) would outlive each test's rows.
PUBLIC_LIST_CACHE_SECONDS = 0
