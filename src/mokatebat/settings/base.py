"""Settings shared by every environment. Everything deploy-specific comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

SRC_DIR = Path(__file__).resolve().parent.parent.parent
BASE_DIR = SRC_DIR.parent
VAR_DIR = Path(os.environ.get("MOKATEBAT_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def database_url() -> str:
    """DATABASE_URL wins; otherwise the embedded server that `make run`/`make test` started."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    url_file = VAR_DIR / "database-url"
    if url_file.exists():
        return url_file.read_text().strip()
    raise ImproperlyConfigured("No database: set DATABASE_URL, or start the embedded PostgreSQL with `make db`.")


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "mokatebat.core",
    "mokatebat.organization",
    "mokatebat.citizens",
    "mokatebat.correspondence",
    "mokatebat.counters",
    "mokatebat.accounts",
    "mokatebat.calls",
    "mokatebat.inquiries",
    "mokatebat.publicrelations",
    "mokatebat.notifications",
    "mokatebat.services",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "mokatebat.api",
    "mokatebat.bookings",
    "mokatebat.surveys",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mokatebat.core.middleware.PersianByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "mokatebat.organization.middleware.StaffIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "mokatebat.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = os.environ.get("DJANGO_ROOT_URLCONF", "mokatebat.urls")
WSGI_APPLICATION = "mokatebat.wsgi.application"
AUTH_USER_MODEL = "organization.User"
LOGIN_URL = "staff-login"
LOGIN_REDIRECT_URL = "staff-home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "mokatebat" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "mokatebat.organization.context_processors.staff_roles",
            ],
            "builtins": ["mokatebat.core.templatetags.persian"],
        },
    }
]

DATABASES = {
    "default": {
        **dj_database_url.parse(database_url(), conn_max_age=60, conn_health_checks=True),
        # Views do not run in one big transaction: each workflow step is its own atomic function,
        # so an SMS worker or a slow upload never holds row locks for a whole request.
        "ATOMIC_REQUESTS": False,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    # Shared between web and worker processes without Redis; REDIS_URL switches at scale.
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cache_entries"}
    )
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 60 * 60 * 8
# A signed-in staff session left alone this long is signed out (R16: a forgotten office PC).
STAFF_IDLE_TIMEOUT_SECONDS = int(os.environ.get("STAFF_IDLE_TIMEOUT_SECONDS", 30 * 60))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", _("Persian")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "mokatebat" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Tehran"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [SRC_DIR / "mokatebat" / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ.get("MEDIA_ROOT", str(VAR_DIR / "uploads"))},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Uploads: limits the citizen sees in the form, enforced again on every write path.
ATTACHMENT_MAX_COUNT = 5
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

# SMS: which provider sends the outbox, and how hard the worker tries.
# `console`, `kavenegar` or `smsir` (notifications/providers.py). SMS_SENDER is the line number the
# gateway sends from (a government line's 4040… number is simply the sender); SMS_GATEWAY_URL
# overrides the gateway's public address (tests point it at a local fake).
SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "console")
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_API_KEY = os.environ.get("SMS_GATEWAY_API_KEY", "")
SMS_SENDER = os.environ.get("SMS_SENDER", "10004346")
SMS_TIMEOUT_SECONDS = float(os.environ.get("SMS_TIMEOUT_SECONDS", "10"))
SMS_MAX_ATTEMPTS = int(os.environ.get("SMS_MAX_ATTEMPTS", "12"))
SMS_RETRY_WINDOW_SECONDS = int(os.environ.get("SMS_RETRY_WINDOW_SECONDS", 6 * 60 * 60))
SMS_LEASE_SECONDS = int(os.environ.get("SMS_LEASE_SECONDS", "60"))
# While the gateway refuses our key or credit, sending pauses; the account is checked this often.
SMS_PAUSE_CHECK_SECONDS = int(os.environ.get("SMS_PAUSE_CHECK_SECONDS", "60"))
# Messages a worker process has in flight to the gateway at once (its round trip bounds throughput).
SMS_SEND_CONCURRENCY = int(os.environ.get("SMS_SEND_CONCURRENCY", "8"))

# Inquiries (R7): the external registry's JSON endpoint for HTTP inquiry types without their own URL.
# Empty means no registry is connected: those types are shown as unavailable, not silently queued.
INQUIRY_REGISTRY_URL = os.environ.get("INQUIRY_REGISTRY_URL", "")
INQUIRY_RETRY_BASE_SECONDS = float(os.environ.get("INQUIRY_RETRY_BASE_SECONDS", "30"))
# Hosts an agency's own registry URL may point at (besides INQUIRY_REGISTRY_URL's): an agency admin
# must not be able to aim the worker at internal services and read their answers (SSRF).
INQUIRY_REGISTRY_ALLOWED_HOSTS = [h for h in os.environ.get("INQUIRY_REGISTRY_ALLOWED_HOSTS", "").split(",") if h]

# Tracking lookups: how many tries per hour before the polite refusal.
TRACKING_RATE_PER_CLIENT = os.environ.get("TRACKING_RATE_PER_CLIENT", "30/h")
TRACKING_RATE_PER_NATIONAL_ID = os.environ.get("TRACKING_RATE_PER_NATIONAL_ID", "10/h")
TRACKING_RATE_PER_CODE = os.environ.get("TRACKING_RATE_PER_CODE", "10/h")
RATELIMIT_VIEW = "mokatebat.core.views.rate_limited"
# Behind a proxy, the real client address comes from this header (set only when you trust it).
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")

SITE_NAME = _("Mokatebat")
# The address citizens are sent to in SMS texts (no trailing slash).
PUBLIC_SITE_URL = os.environ.get("PUBLIC_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# REST API v1 and Open311 (app ``api``): token auth only (no session, so no CSRF), one error shape.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["mokatebat.api.authentication.ClientTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["mokatebat.api.authentication.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["mokatebat.api.authentication.ClientRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "mokatebat.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mokatebat API",
    "DESCRIPTION": "Citizens' letters and e-service requests to the agencies of the government network: the "
    "catalogue (letter kinds and service cards with their forms), public submit and track, and client systems "
    'of an agency working on its items. Errors: {"error": {"code", "message", "fields"}}.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",  # served from our static files: no CDN, and the CSP stays 'self'
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ItemKindEnum": "mokatebat.correspondence.models.Kind",
        "EventKindEnum": "mokatebat.correspondence.models.EventKind",
        "RequesterKindEnum": "mokatebat.citizens.models.Requester.Kind",
        "UnitKindEnum": "mokatebat.organization.models.Unit.Kind",
        "ServiceTypeEnum": "mokatebat.api.catalogue.ServiceType",
        "FieldTypeEnum": "mokatebat.services.models.FieldType",
    },
}
API_PUBLIC_SUBMIT_RATE = os.environ.get("API_PUBLIC_SUBMIT_RATE", "20/h")
# Open311 media_url: accepted (and stored, never fetched) only from these hosts.
OPEN311_MEDIA_HOSTS = env_list("OPEN311_MEDIA_HOSTS")

CSRF_FAILURE_VIEW = "mokatebat.core.views.csrf_failure"

# The name authenticator apps show next to the staff member's code.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Mokatebat")
