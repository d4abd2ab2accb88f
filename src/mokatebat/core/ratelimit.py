"""One rate-limit check for every public channel: several counters, each evaluated and counted.

A check is ``(group, key value, rate)``, e.g. ``("letter-id", national_id, "10/d")``. Every counter is
evaluated (no short-circuit), so one attempt counts everywhere it should.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited


def exceeded(request: HttpRequest, checks: Sequence[tuple[str, str, str]], *, increment: bool = True) -> bool:
    """True when any of the counters is over its rate (after counting this attempt when ``increment``)."""
    limited = False
    for group, value, rate in checks:
        limited |= is_ratelimited(request, group=group, key=lambda _g, _r, v=value: v, rate=rate, increment=increment)
    return limited
