from __future__ import annotations

import io
import json
import logging
import logging.config
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings


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
