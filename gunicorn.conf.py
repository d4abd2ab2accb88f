"""gunicorn settings for `make run` (through `manage.py serve`) and for production (deploy/).

    gunicorn -c gunicorn.conf.py mokatebat.wsgi

Every value can be changed from the environment: WEB_CONCURRENCY (processes), GUNICORN_THREADS,
HOST/PORT or GUNICORN_BIND, GUNICORN_TIMEOUT. Each thread keeps at most one PostgreSQL connection,
so the web tier never holds more than workers × threads connections, whatever the traffic.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

_root = Path(__file__).resolve().parent
sys.path.insert(0, str(_root / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mokatebat.settings")
_var = Path(os.environ.get("MOKATEBAT_VAR_DIR", _root / "var"))

wsgi_app = "mokatebat.wsgi:application"
bind = [os.environ.get("GUNICORN_BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"]
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # PDF rendering and uploads take a while
graceful_timeout = 30
keepalive = 5
# A slow leak in any library cannot grow forever; jitter keeps the workers from recycling together.
max_requests = 20000
max_requests_jitter = 2000
# Trust X-Forwarded-* only from the local reverse proxy (deploy/nginx.conf).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
limit_request_line = 8190
proc_name = "mokatebat-web"

# Request metrics from every worker process, summed by /metrics (core/metrics.py).
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(_var / "prometheus"))

# Access log as JSON lines through the same filters as the app's (masked identifiers; the request
# id is read from the X-Request-ID response header into its own field).
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
logconfig_dict: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "access_request_id": {"()": "mokatebat.core.logs.AccessLogRequestIdFilter"},
        "request_id": {"()": "mokatebat.core.logs.RequestIdFilter"},
        "redact": {"()": "mokatebat.core.logs.RedactPersonalDataFilter"},
    },
    "formatters": {"json": {"()": "mokatebat.core.logs.JsonLineFormatter"}},
    "handlers": {
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["access_request_id", "redact"],
            "stream": "ext://sys.stdout",
        },
        "error": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id", "redact"],
            "stream": "ext://sys.stderr",
        },
    },
    "root": {"handlers": ["error"], "level": "INFO"},
    "loggers": {
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
    },
}


def on_starting(server: Any) -> None:
    """Refuse DEBUG anywhere but loopback; start the metrics of this run from zero."""
    import django

    django.setup(set_prefix=False)
    from mokatebat.core.serving import refuse_debug_off_loopback

    for address in server.cfg.bind:
        refuse_debug_off_loopback(address.rsplit(":", 1)[0])
    metrics_dir = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
