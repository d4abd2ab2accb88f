"""Starting a server: DEBUG only ever on loopback; SMS/PDF links follow the address served."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from mokatebat.core.serving import refuse_debug_off_loopback
from mokatebat.settings.base import served_url


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "mokatebat.example.ir"])  # noqa: S104
def test_debug_is_refused_off_loopback(settings: Any, host: str) -> None:
    settings.DEBUG = True
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        refuse_debug_off_loopback(host)


def test_make_dev_on_the_network_is_refused_before_anything_starts(settings: Any) -> None:
    settings.DEBUG = True
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        call_command("serve", "--dev", "--host", "0.0.0.0", "--port", "8999")  # noqa: S104


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "[::1]"])
def test_debug_is_allowed_on_loopback(settings: Any, host: str) -> None:
    settings.DEBUG = True
    refuse_debug_off_loopback(host)


def test_production_settings_may_serve_the_network(settings: Any) -> None:
    settings.DEBUG = False
    refuse_debug_off_loopback("0.0.0.0")  # noqa: S104


def test_public_site_url_follows_host_and_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOST", "127.0.0.1")
    monkeypatch.setenv("PORT", "8765")
    assert served_url() == "http://127.0.0.1:8765"
    monkeypatch.delenv("HOST")
    monkeypatch.delenv("PORT")
    assert served_url() == "http://127.0.0.1:8000"
