"""Small request helpers shared by views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control


def client_ip(request: HttpRequest) -> str:
    """The client's address; behind a trusted proxy, the first address of CLIENT_IP_HEADER."""
    if settings.CLIENT_IP_HEADER:
        forwarded = request.META.get(settings.CLIENT_IP_HEADER, "")
        if forwarded:
            return str(forwarded).split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def rate_limited_response(request: HttpRequest) -> HttpResponse:
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "3600"
    return response


def never_cache_but_back(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """``never_cache``, except for a form sent back with its errors (a 400 answer to a POST).

    A ``no-store`` answer to a POST is not kept for history navigation, so after the person fixes the
    form and goes on, Back asks them to "Confirm form resubmission". That page may be kept by this
    browser alone (``private``), so Back shows it again; a reload still asks the server."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if request.method == "POST" and response.status_code in (400, 404):
            patch_cache_control(response, private=True, max_age=0)
        else:
            add_never_cache_headers(response)
        return response

    return wrapper
