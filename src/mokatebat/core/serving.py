"""Rules for starting a server, shared by `manage.py serve` and gunicorn.conf.py."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name, a wildcard or a unix socket: assume others can reach it


def refuse_debug_off_loopback(host: str) -> None:
    """DEBUG pages show settings, SQL and source to whoever asks: only ever on this machine."""
    if settings.DEBUG and not host.startswith("unix:") and not is_loopback(host):
        raise ImproperlyConfigured(
            f"Refusing to serve with DEBUG on at {host}: DEBUG is for 127.0.0.1 only. "
            "Use `make run` (DEBUG off) to serve on the network."
        )
