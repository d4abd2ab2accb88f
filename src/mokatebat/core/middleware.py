"""Security headers Django does not set by itself."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

from .edge import has_nul
from .http import bad_input_response
from .logs import bind_request_id, reset_request_id, sane_request_id

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Referrer-Policy", "same-origin")
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.path.startswith(("/track", "/letters", "/staff", "/admin", "/account", "/appointments")):
            # Personal pages stay out of search engines and shared caches.
            response.setdefault("X-Robots-Tag", "noindex, nofollow")
        return response


class PersianByDefaultMiddleware:
    """Persian unless the person chose English with the language switch (a cookie).

    Many phones in Iran run an English system language; their Accept-Language header must not
    turn a Persian service English.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class RequestIdMiddleware:
    """Outermost: gives every request an id (the proxy's ``X-Request-ID`` if it sent a sane one),
    which every log line of the request carries, the SMS it queues keep, error pages show as their
    reference and the response returns in ``X-Request-ID``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = sane_request_id(request.headers.get("X-Request-ID"))
        request.request_id = request_id  # type: ignore[attr-defined]
        token = bind_request_id(request_id)
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        response["X-Request-ID"] = request_id
        return response


FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class InputEdgeMiddleware:
    """A NUL byte in a query or form parameter is refused here, for every view: PostgreSQL cannot hold
    one in text (a lookup with it was a 500), and no person or client system means to send one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul_parameter(request):
            return bad_input_response(request, _("نشانی یا فرم درخواست نویسه نامعتبر (NUL) دارد."))
        return self.get_response(request)


def _has_nul_parameter(request: HttpRequest) -> bool:
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "") or _any_nul(request.GET.lists()):
        return True
    if request.method != "POST" or request.content_type not in FORM_CONTENT_TYPES:
        return False
    try:
        return _any_nul(request.POST.lists())
    except MultiPartParserError:
        return False  # the view's own handling of a broken body applies


def _any_nul(lists: Iterable[tuple[str, list[str]]]) -> bool:
    return any(has_nul(key) or any(has_nul(v) for v in values) for key, values in lists)


class HeadAsGetMiddleware:
    """HEAD is GET without the body (RFC 9110), on every page: views that allow only GET would
    otherwise answer 405 to link checkers, monitors and proxies."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        response = self.get_response(request)
        request.method = "HEAD"
        if isinstance(response, StreamingHttpResponse | FileResponse):
            response.close()
            response.streaming_content = []
        else:
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return response
