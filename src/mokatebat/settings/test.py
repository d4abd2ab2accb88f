"""Test runs: real PostgreSQL, fast hashing, no static manifest needed."""

from .base import *  # noqa: F403

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
