"""Signing out staff sessions nobody is using (R16): an office PC left unlocked at lunch."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

LAST_SEEN_SESSION_KEY = "staff_last_seen"
# Writing the session on every request would be a database write per click; a minute is precise enough.
TOUCH_INTERVAL_SECONDS = 60


class StaffIdleTimeoutMiddleware:
    """Log out a signed-in session idle longer than ``STAFF_IDLE_TIMEOUT_SECONDS``.

    Every signed-in session counts, including one that passed the password but not yet the code:
    it is half of a staff login and must not wait eight hours for someone to finish it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        now = int(time.time())
        last_seen = request.session.get(LAST_SEEN_SESSION_KEY)
        if isinstance(last_seen, int) and now - last_seen > settings.STAFF_IDLE_TIMEOUT_SECONDS:
            logout(request)
            messages.info(request, _("به دلیل بی‌کاری طولانی از سامانه خارج شدید. دوباره وارد شوید."))
            return
        if not isinstance(last_seen, int) or now - last_seen >= TOUCH_INTERVAL_SECONDS:
            request.session[LAST_SEEN_SESSION_KEY] = now
