"""Site-wide pages: errors in Persian, never a stack trace."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .http import rate_limited_response


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return rate_limited_response(request)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


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
