"""One error shape for the whole API: {"error": {"code", "message" (Persian), "fields"}}.

DRF's own errors (validation, authentication, throttling, 404, 405…), workflow refusals and Django
404s under /api/ all come out in this shape, so a client handles errors in one place.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from mokatebat.api.parsers import RefusedJSON
from mokatebat.correspondence.workflow import IdempotencyKeyReused, WorkflowConflict, WorkflowError


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _messages() -> dict[str, str]:
    return {
        "invalid": _("برخی از داده‌ها درست نیستند؛ پیام هر فیلد را ببینید."),
        "parse_error": _("بدنه درخواست خوانده نشد؛ JSON (یا multipart/form-data) درست بفرستید."),
        "not_authenticated": _("برای این درخواست توکن سامانه لازم است (سرآیند Authorization: Bearer …)."),
        "authentication_failed": _("توکن سامانه معتبر نیست یا غیرفعال شده است."),
        "permission_denied": _("این سامانه اجازه این کار را ندارد."),
        "not_found": _("چنین موردی پیدا نشد."),
        "method_not_allowed": _("این روش درخواست (HTTP method) اینجا پذیرفته نمی‌شود."),
        "not_acceptable": _("قالب پاسخ خواسته‌شده پشتیبانی نمی‌شود."),
        "unsupported_media_type": _(
            "قالب بدنه درخواست پشتیبانی نمی‌شود؛ JSON بفرستید (و برای پرونده‌ها، هر جا که گفته شده، multipart/form-data)."
        ),
        "throttled": _("تعداد درخواست‌ها بیش از حد مجاز است؛ کمی بعد دوباره تلاش کنید."),
        "conflict": _("این کار در وضعیت کنونی نامه ممکن نیست."),
    }


def error_body(code: str, message: str | None = None, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message or _messages().get(code, code), "fields": fields or {}}}


def _code_of(exc: Exception) -> str:
    if isinstance(exc, Http404):
        return "not_found"
    if isinstance(exc, PermissionDenied):
        return "permission_denied"
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    if isinstance(exc, exceptions.APIException):
        return str(exc.default_code)
    return "error"


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, IdempotencyKeyReused):
        # The Idempotency-Key draft: the same key with another body is 422, never the first answer.
        return Response(error_body("idempotency_key_reused", exc.message), status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    if isinstance(exc, WorkflowError):
        code = "conflict"
        return Response(error_body(code, exc.message), status=status.HTTP_409_CONFLICT)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 page, logged, never hidden
    code = _code_of(exc)
    fields: dict[str, Any] = {}
    message = None
    if code == "invalid":
        data = response.data
        fields = data if isinstance(data, dict) else {"non_field_errors": data}
    elif isinstance(exc, Conflict | exceptions.NotFound | RefusedJSON) and str(exc.detail) != str(exc.default_detail):
        message = str(exc.detail)  # our own Persian explanation; DRF's generic texts are replaced above
    response.data = error_body(code, message, fields)
    return response


def workflow_conflict_code(exc: WorkflowError) -> str:
    return "version_conflict" if isinstance(exc, WorkflowConflict) else "conflict"


@csrf_exempt  # a POST to an unknown API address is a 404 too, not the CSRF page
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Every unknown address under /api/ answers in the API's shape, not with the HTML 404 page."""
    return JsonResponse(error_body("not_found"), status=404, json_dumps_params={"ensure_ascii": False})
