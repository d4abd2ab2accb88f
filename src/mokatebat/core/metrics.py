"""Prometheus metrics at ``/metrics``: request latency and status by view, and gauges read from the
database at scrape time (outbox, inquiries, worker heartbeats, items per channel…).

Other apps add a gauge with ``register_gauge`` in a module their ``AppConfig.ready`` imports::

    @register_gauge("mokatebat_items_overdue", "Open items past their deadline.", ["agency"])
    def overdue() -> Iterable[tuple[tuple[str, ...], float]]:
        yield ("moh",), 3

Under gunicorn every web worker is a process of its own: request metrics are then kept in
``PROMETHEUS_MULTIPROC_DIR`` (set by ``gunicorn.conf.py``) and summed at scrape time. The gauges
need no such care: each scrape reads them from the database once.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import REGISTRY, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

GaugeSamples = Iterable[tuple[tuple[str, ...], float]]


@dataclass(frozen=True)
class RegisteredGauge:
    name: str
    documentation: str
    labels: tuple[str, ...]
    read: Callable[[], GaugeSamples]


_GAUGES: dict[str, RegisteredGauge] = {}


def register_gauge(
    name: str, documentation: str, labels: Iterable[str] = ()
) -> Callable[[Callable[[], GaugeSamples]], Callable[[], GaugeSamples]]:
    """Register ``read`` (yielding ``(label values, value)`` pairs) as gauge ``name``."""

    def decorator(read: Callable[[], GaugeSamples]) -> Callable[[], GaugeSamples]:
        _GAUGES[name] = RegisteredGauge(name, documentation, tuple(labels), read)
        return read

    return decorator


def unregister_gauge(name: str) -> None:
    _GAUGES.pop(name, None)


class DatabaseGauges(Collector):
    """Reads every registered gauge; one that fails is logged and left out, never the whole scrape."""

    def describe(self) -> list[Metric]:
        return []  # registering must not query the database (it would at import time otherwise)

    def collect(self) -> Iterator[Metric]:
        for gauge in list(_GAUGES.values()):
            family = GaugeMetricFamily(gauge.name, gauge.documentation, labels=list(gauge.labels))
            try:
                for label_values, value in gauge.read():
                    family.add_metric(list(label_values), float(value))
            except Exception:
                logger.exception("metric %s could not be read", gauge.name)
                continue
            yield family


REQUEST_LATENCY = Histogram(
    "mokatebat_http_request_duration_seconds",
    "Time to answer a request, by view (URL name) and HTTP status.",
    ["view", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class RequestMetricsMiddleware:
    """Latency and status by view. The view is the URL pattern's name, never the path (which holds
    ids and would make a series per item)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None:
            view = match.view_name or match._func_path
        elif request.path.startswith(settings.STATIC_URL):
            view = "static"
        else:
            view = "<unresolved>"
        method = request.method if request.method in {"GET", "POST", "HEAD", "PUT", "PATCH", "DELETE"} else "other"
        REQUEST_LATENCY.labels(view, method, str(response.status_code)).observe(time.perf_counter() - started)
        return response


_DATABASE_GAUGES = DatabaseGauges()
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    REGISTRY.register(_DATABASE_GAUGES)


def _registry() -> CollectorRegistry:
    """One process: the default registry (with process and Python metrics). Several gunicorn
    workers: the sum of every worker's files, plus the gauges."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(_DATABASE_GAUGES)
    return registry


def _allowed(request: HttpRequest) -> bool:
    """From this machine (a Prometheus beside the app), or with ``Authorization: Bearer METRICS_TOKEN``.
    Behind a proxy the peer is the proxy: the nginx sample does not pass /metrics on."""
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].encode(), token.encode()):
        return True
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain; charset=utf-8")
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
