from __future__ import annotations

import io
import json
import logging
import logging.config
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connections


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """The project's own LOGGING handler (JSON, with its filters), writing to a buffer."""
    stream = io.StringIO()
    config = settings.LOGGING["handlers"]["console"]
    logging.config.dictConfig(
        {**settings.LOGGING, "handlers": {"console": {**config, "formatter": "json", "stream": stream}}}
    )
    try:
        yield stream
    finally:
        logging.config.dictConfig(settings.LOGGING)


def log_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens there once the socket is closed


@pytest.fixture
def database_down(django_db_blocker: Any) -> Iterator[None]:
    """The real PostgreSQL driver, pointed at an address where no server answers."""
    with django_db_blocker.unblock():
        connection = connections["default"]
        connection.close()
        saved = dict(connection.settings_dict)
        options = {k: v for k, v in saved["OPTIONS"].items() if k != "host"}
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()), OPTIONS=options)
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)
