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


def owner_database_url() -> str:
    """The role that owns the tables (migrations, backup/restore, creating the test database).

    DATABASE_OWNER_URL when set; the embedded superuser when DATABASE_URL is not set; otherwise the
    same role as the app (a deployment with one role keeps working, without the protection).
    """
    url = os.environ.get("DATABASE_OWNER_URL")
    if url:
        return url
    url_file = VAR_DIR / "database-owner-url"
    if not os.environ.get("DATABASE_URL") and url_file.exists():
        return url_file.read_text().strip()
    return database_url()


# A process runs as the owner when DATABASE_OWNER_URL is in its environment (a release step) or
# MOKATEBAT_DB_ROLE=owner (the Makefile's migrate); web and worker run as the app's role.
DATABASE_AS_OWNER = bool(os.environ.get("DATABASE_OWNER_URL")) or os.environ.get("MOKATEBAT_DB_ROLE") == "owner"


def app_database_role() -> str:
    """The app's role when it differs from the owner's: every migrate grants it what it needs."""
    app_user = dj_database_url.parse(database_url()).get("USER") or ""
    owner_user = dj_database_url.parse(owner_database_url()).get("USER") or ""
    return app_user if app_user != owner_user else ""


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
    "mokatebat.reports",
]

MIDDLEWARE = [
    "mokatebat.core.middleware.HeadAsGetMiddleware",  # outermost: every layer sees the GET it answers
    "mokatebat.core.middleware.RequestIdMiddleware",
    "mokatebat.core.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mokatebat.core.replica.ReadYourWritesMiddleware",
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
    "mokatebat.core.middleware.InputEdgeMiddleware",  # innermost: its refusals get every header above
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
                "mokatebat.reports.context_processors.staff_navigation",
            ],
            "builtins": ["mokatebat.core.templatetags.persian"],
        },
    }
]

DATABASES = {
    "default": {
        # Persistent connections, one per web worker thread and per worker loop (so the total is
        # bounded by gunicorn's workers × threads + 3 per task worker, whatever the traffic),
        # checked before reuse so a restarted PostgreSQL costs one retry, not a 500.
        **dj_database_url.parse(
            owner_database_url() if DATABASE_AS_OWNER else database_url(),
            conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        ),
        # Views do not run in one big transaction: each workflow step is its own atomic function,
        # so an SMS worker or a slow upload never holds row locks for a whole request.
        "ATOMIC_REQUESTS": False,
    }
}
DATABASE_APP_ROLE = app_database_role()
# A streaming replica for read-only public lookups (mokatebat.core.replica), when configured.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=60, conn_health_checks=True)
    }
DATABASE_ROUTERS = ["mokatebat.core.replica.ReplicaRouter"]
# After a write, this browser reads from the primary for this long (longer than any normal lag).
REPLICA_READ_YOUR_WRITES_SECONDS = int(os.environ.get("REPLICA_READ_YOUR_WRITES_SECONDS", "30"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate-limit counters live in PostgreSQL (mokatebat.core.ratelimit) unless REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
# Agencies and units on the public forms are kept per process this long (mokatebat.core.cached).
PUBLIC_LIST_CACHE_SECONDS = int(os.environ.get("PUBLIC_LIST_CACHE_SECONDS", "60"))
CACHES = {
    # Shared between web and worker processes without Redis; REDIS_URL switches at scale.
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
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


def s3_storage_options() -> dict[str, object]:
    """Uploads on S3-compatible storage (MEDIA_STORAGE=s3): private objects, never overwritten, read
    through the app's permission checks (no public or presigned URLs are handed out)."""
    bucket = os.environ.get("S3_BUCKET", "")
    if not bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs S3_BUCKET (and S3_ENDPOINT_URL, S3_ACCESS_KEY_ID, ...).")
    return {
        "bucket_name": bucket,
        "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
        "access_key": os.environ.get("S3_ACCESS_KEY_ID", ""),
        "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY", ""),
        "region_name": os.environ.get("S3_REGION", "us-east-1"),
        "addressing_style": os.environ.get("S3_ADDRESSING_STYLE", "path"),
        "default_acl": "private",
        "file_overwrite": False,
        "querystring_auth": True,
    }


MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "filesystem")
if MEDIA_STORAGE == "s3":
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3_storage_options()}
elif MEDIA_STORAGE != "filesystem":
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be filesystem or s3, not {MEDIA_STORAGE!r}")

# Uploads: limits the citizen sees in the form, enforced again on every write path.
ATTACHMENT_MAX_COUNT = 5
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024))
# Virus scanning of every upload by clamd, when one is configured (Unix socket or host:port).
CLAMAV_SOCKET = os.environ.get("CLAMAV_SOCKET", "")
CLAMAV_HOST = os.environ.get("CLAMAV_HOST", "")
CLAMAV_PORT = int(os.environ.get("CLAMAV_PORT", "3310"))
CLAMAV_TIMEOUT_SECONDS = float(os.environ.get("CLAMAV_TIMEOUT_SECONDS", "30"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

# SMS: which provider sends the outbox, and how hard the worker tries.
# The daily deadline digest to staff (correspondence.escalation): console by default, SMTP by settings.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "mokatebat@localhost")

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
# Behind a proxy, the real client address comes from this header (set only when you trust it).
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")

SITE_NAME = _("Mokatebat")


def served_url() -> str:
    """The address `make run` serves (HOST/PORT, as the Makefile and `manage.py serve` pass them)."""
    host = os.environ.get("HOST", "127.0.0.1") or "127.0.0.1"
    if host in {"0.0.0.0", "::"}:  # noqa: S104 - naming the wildcard, not binding to it
        import socket

        host = socket.getfqdn()
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{os.environ.get('PORT', '8000')}"


# The address citizens are sent to in SMS texts, PDFs and QR codes (no trailing slash).
PUBLIC_SITE_URL = (os.environ.get("PUBLIC_SITE_URL") or served_url()).rstrip("/")

# Logs: JSON lines on stderr (LOG_FORMAT=plain for people reading a terminal), each with the
# request id; national IDs and mobiles are masked by a filter on the handler (core/logs.py).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "mokatebat.core.logs.RequestIdFilter"},
        "redact": {"()": "mokatebat.core.logs.RedactPersonalDataFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "mokatebat.core.logs.JsonLineFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain" if LOG_FORMAT == "plain" else "json",
            "filters": ["request_id", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "pikepdf": {"level": "WARNING"}},
}

# Operations: /healthz, /readyz (these checks, in order; add one by appending its dotted path)
# and /metrics (from loopback, or with "Authorization: Bearer $METRICS_TOKEN").
READINESS_CHECKS = [
    "mokatebat.core.health.database",
    "mokatebat.core.health.migrations",
    "mokatebat.core.health.worker_heartbeats",
    "mokatebat.core.health.sms_backlog",
    "mokatebat.core.health.sms_gateway",
]
# A worker loop silent this long is stale (an inquiry loop may legitimately wait up to 120 s on a registry).
WORKER_HEARTBEAT_MAX_AGE_SECONDS = float(os.environ.get("WORKER_HEARTBEAT_MAX_AGE_SECONDS", "150"))
SMS_PENDING_MAX_AGE_SECONDS = float(os.environ.get("SMS_PENDING_MAX_AGE_SECONDS", str(15 * 60)))
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

# Error reporting (Sentry or a self-hosted GlitchTip) only when SENTRY_DSN is set; no personal data sent.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    from mokatebat.core.logs import scrub_sentry_event

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("MOKATEBAT_ENV", "dev"),
        send_default_pii=False,
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
        before_send=lambda event, _hint: scrub_sentry_event(event),
    )

# REST API v1 and Open311 (app ``api``): token auth only (no session, so no CSRF), one error shape.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["mokatebat.api.authentication.ClientTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["mokatebat.api.authentication.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["mokatebat.api.authentication.ClientRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["mokatebat.api.parsers.EdgeJSONParser"],
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
        "ChannelEnum": "mokatebat.correspondence.models.Channel",
        "ReceivedChannelEnum": "mokatebat.api.serializers.RECEIVED_CHANNEL_CHOICES",
    },
}
API_PUBLIC_SUBMIT_RATE = os.environ.get("API_PUBLIC_SUBMIT_RATE", "20/h")
# Every public submission channel (web letter and e-service forms, API, Open311) counts in the same
# buckets: generous per client address (counter offices and carriers put many people behind one),
# tight per national ID and per mobile. A number nobody has proven (with a texted code) gets only a
# few "received" SMS a day; the letter is stored either way and its receipt shows the code.
SUBMIT_BURST_PER_CLIENT = os.environ.get("SUBMIT_BURST_PER_CLIENT", "30/m")
SUBMIT_RATE_PER_CLIENT = os.environ.get("SUBMIT_RATE_PER_CLIENT", "300/h")
SUBMIT_RATE_PER_NATIONAL_ID = os.environ.get("SUBMIT_RATE_PER_NATIONAL_ID", "10/d")
SUBMIT_RATE_PER_MOBILE = os.environ.get("SUBMIT_RATE_PER_MOBILE", "10/d")
SMS_UNPROVEN_PER_MOBILE_PER_DAY = os.environ.get("SMS_UNPROVEN_PER_MOBILE_PER_DAY", "5/d")
# Open311 media_url: accepted (and stored, never fetched) only from these hosts.
OPEN311_MEDIA_HOSTS = env_list("OPEN311_MEDIA_HOSTS")

CSRF_FAILURE_VIEW = "mokatebat.core.views.csrf_failure"

# The name authenticator apps show next to the staff member's code.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Mokatebat")
