"""Site-wide pages: errors in Persian, never a stack trace. Every error page shows the request id
as its reference, the same id the log lines of that request carry."""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .http import rate_limited_response
from .logs import current_request_id

logger = logging.getLogger("mokatebat.errors")

# Seconds a client is asked to wait when the database is unreachable.
UNAVAILABLE_RETRY_AFTER_SECONDS = 30


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return rate_limited_response(request)


def _reference() -> dict[str, str]:
    return {"reference": current_request_id()}


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", _reference(), status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", _reference(), status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", _reference(), status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django calls this inside its ``except`` block, so the exception is at hand: an unreachable
    database is an outage to wait out (503 with Retry-After), not a bug of this request."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        logger.error("database unavailable (%s); answered 503", type(error).__name__)
        return service_unavailable(request)
    if _interface(request) is not None:
        return _interface_error(request, 500, _("خطایی در سامانه رخ داد؛ درخواست انجام نشد."))
    # Rendered without the request: its context processors could be what failed.
    return HttpResponse(render_to_string("500.html", _reference()), status=500)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """503 in the format of the interface asked: the API's and Open311's own error shapes, or the
    Persian page. Touches neither the database nor the session."""
    if _interface(request) is not None:
        response = _interface_error(request, 503, _("سامانه موقتاً در دسترس نیست؛ چند لحظه بعد دوباره تلاش کنید."))
    else:
        response = HttpResponse(render_to_string("503.html", _reference()), status=503)
    response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER_SECONDS)
    return response


def _interface(request: HttpRequest) -> str | None:
    if request.path.startswith("/api/"):
        return "api"
    if request.path.startswith("/open311/"):
        return "open311"
    return None


def _interface_error(request: HttpRequest, status: int, message: str) -> HttpResponse:
    reference = current_request_id()
    if _interface(request) == "open311":
        from mokatebat.api.open311 import _errors

        fmt = "xml" if request.path.endswith(".xml") else "json"
        return _errors(fmt, status, f"{message} ({_('کد پیگیری خطا')}: {reference})")
    from mokatebat.api.errors import error_body

    code = "unavailable" if status == 503 else "error"
    body = error_body(code, message)
    body["error"]["reference"] = reference
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", _reference(), status=403)


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """Lets a citizen add the service to the home screen of a phone (R12)."""
    data = {
        "name": str(_("سامانه مکاتبات مردمی")),
        "short_name": str(_("مکاتبات")),
        "lang": "fa",
        "dir": "rtl",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0d47a1",
        "icons": [
            {"src": static(f"mokatebat/icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
            for size in (192, 512)
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the root so it may answer for every page; it only ever caches public assets."""
    context = {
        "offline_url": reverse("offline"),
        "assets": [
            static("vendor/bootstrap.rtl.min.css"),
            static("mokatebat/site.css"),
            static("mokatebat/site.js"),
            static("vendor/fonts/Vazirmatn-Variable.woff2"),
        ],
    }
    response = render(request, "core/sw.js", context, content_type="application/javascript")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "core/offline.html")
