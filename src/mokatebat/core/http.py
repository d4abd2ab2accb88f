"""Small request helpers shared by views."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


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


def bad_input_response(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    """A refusal in the shape the caller reads: the API's error object, Open311's error list, or the
    Persian error page."""
    if request.path.startswith("/api/"):
        from mokatebat.api.errors import error_body  # the API's one error shape

        return JsonResponse(error_body("invalid", message), status=status, json_dumps_params={"ensure_ascii": False})
    if request.path.startswith("/open311/"):
        from mokatebat.api.open311 import error_response

        return error_response("xml" if request.path.endswith(".xml") else "json", status, message)
    return render(request, "400.html", {"message": message}, status=status)
