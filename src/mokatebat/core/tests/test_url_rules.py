"""House rule: a view is public only when it is on this list; everything else needs a login."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

PUBLIC = {
    "home",
    "letter-new",
    "letter-receipt",  # checked against the browser's session instead
    "letter-confirm-mobile",  # the letter waiting for its mobile's code lives in the browser's session
    "unit-options",
    "track",
    "track-result",  # checked against the browser's session instead
    "staff-login",
    "staff-logout",
    "set-language",
    "sms-delivery-report",  # authenticated by the gateway's key instead
    "track-reply",  # checked against the browser's session instead
    "response-pdf",  # checked against the browser's session instead
    "verify",  # where the code of a printed letter is typed (issue 16)
    "verify-response",  # public on purpose: shows no requester and no text
    "manifest",
    "service-worker",
    "offline",
    "healthz",  # for load balancers: says only "ok"
    "readyz",  # for load balancers: check names and ages, no records
    "metrics",  # answers only loopback or the METRICS_TOKEN (core/metrics.py)
    "account-sign-in",  # the citizen's sign-in (R12)
    "account-code",
    "account-sign-out",  # signing out needs no sign-in (like staff-logout): it only ends a session
    "service-catalogue",  # the published catalogue (R5)
    "service-card",
    "service-request",
    "service-receipt",  # checked against the browser's session instead
    # The public API and Open311 on purpose (Open311's POST is authenticated by its api_key instead).
    "api-agencies",
    "api-agency",
    "api-services",
    "api-service",
    "api-submit",
    "api-track",
    "api-schema",
    "api-docs",
    "open311-discovery",
    "open311-services",
    "open311-service",
    "open311-requests",
    "open311-request",
    "open311-token",
    # Appointments (R13): citizens book without an account; a booking opens only in the browser
    # session that proved the mobile with an SMS code.
    "booking-agencies",
    "booking-calendars",
    "booking-slots",
    "booking-book",
    "booking-verify",
    "booking-manage",
    "booking-detail",
    "booking-cancel",
    "booking-reschedule",
    # Surveys (R11): the secret link in the SMS is the key.
    "survey",
    "survey-rate",
    "survey-more",
    # Public statistics (aggregates only, counts below 5 never told exactly) and their open data.
    "public-stats",
    "public-stats-csv",
    "public-agency-stats",
    "public-agency-stats-csv",
    "api-stats",
    "api-agency-stats",
}
# Citizen pages: the sign-in is an SMS code to the citizen's mobile, not a staff login.
CITIZEN_ONLY = {"account-home", "account-item", "account-item-reply", "account-response-pdf"}


def named_patterns() -> list[URLPattern]:
    found: list[URLPattern] = []

    def walk(patterns: list[URLPattern | URLResolver]) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name != "admin":
                    walk(pattern.url_patterns)
            elif pattern.name:
                found.append(pattern)

    walk(get_resolver().url_patterns)
    return found


def url_for(pattern: URLPattern) -> str:
    kwargs = {
        name: 1 if isinstance(converter, IntConverter) else uuid.uuid4()
        for name, converter in pattern.pattern.converters.items()
    }
    return reverse(pattern.name, kwargs=kwargs)  # type: ignore[arg-type]


@pytest.mark.django_db
@pytest.mark.parametrize("pattern", [p for p in named_patterns() if p.name not in PUBLIC], ids=lambda p: p.name)
def test_non_public_views_send_anonymous_visitors_to_login(pattern: URLPattern) -> None:
    client = Client()
    response = client.get(url_for(pattern))
    if response.status_code == 405:  # a POST-only view: its sign-in check must run for a POST too
        response = client.post(url_for(pattern))

    assert response.status_code in {302, 401, 403, 404}  # 401: the API's bearer-token challenge
    if response.status_code == 302:
        login = "account-sign-in" if pattern.name in CITIZEN_ONLY else "staff-login"
        assert response["Location"].startswith(reverse(login))


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/track/" + str(uuid.uuid4()) + "/", "/letters/receipt/" + str(uuid.uuid4()) + "/"])
def test_session_bound_pages_of_unknown_items_are_not_found(path: str) -> None:
    assert Client().get(path).status_code == 404
