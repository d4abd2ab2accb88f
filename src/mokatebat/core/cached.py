"""Short-lived, per-process lists for the public forms' choices (agencies, their units).

The public letter form lists every agency and the chosen agency's units on every GET: two or three
queries (each a server-side cursor) for data that changes a few times a year. Each process keeps the
rows for ``PUBLIC_LIST_CACHE_SECONDS`` (60 by default; 0 turns it off). A new unit therefore shows up
on the public form within a minute; validation of a posted choice always asks the database.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator

MAX_LISTS = 512  # distinct lists kept per process (one per agency's unit list, plus the agencies)
_lists: dict[str, tuple[float, list[Any]]] = {}
_lock = threading.Lock()


def cached_rows(queryset: QuerySet[Any]) -> list[Any]:
    """The queryset's rows, from this process's copy while it is fresh."""
    seconds = getattr(settings, "PUBLIC_LIST_CACHE_SECONDS", 60)
    if seconds <= 0:
        return list(queryset)
    key = f"{queryset.db}:{queryset.query}"
    now = time.monotonic()
    with _lock:
        hit = _lists.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    rows = list(queryset)
    with _lock:
        if len(_lists) >= MAX_LISTS:
            _lists.clear()
        _lists[key] = (now + seconds, rows)
    return rows


def forget_cached_rows() -> None:
    with _lock:
        _lists.clear()


class CachedChoiceIterator(ModelChoiceIterator):
    """A ModelChoiceField's choices drawn from ``cached_rows`` instead of a query per rendering."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in cached_rows(self.queryset):
            yield self.choice(obj)

    def __len__(self) -> int:
        return len(cached_rows(self.queryset)) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(cached_rows(self.queryset))
