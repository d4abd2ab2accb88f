"""Small request helpers shared by views."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render


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


# --- Post/Redirect/Get for a form sent back with its errors ------------------------------------------

RETRY_SESSION_KEY = "form_retries"
MAX_RETRIES = 5  # per session: a few tabs with a failed form each


@dataclass(frozen=True)
class RetriedInput:
    """What a person sent in a form that came back with errors, to bind the form again on a GET."""

    data: QueryDict
    file_errors: dict[str, list[str]]

    def restore(self, form: forms.BaseForm) -> None:
        """Validate again and put back the errors of files, which are not sent twice."""
        form.is_valid()
        for name, messages in self.file_errors.items():
            if name in form.fields:
                form.errors.pop(name, None)  # "upload it" now that no file came: the first reason stands
                form.add_error(name, messages)


def redirect_with_input(
    request: HttpRequest, form: forms.BaseForm, *, kept: dict[str, list[str]], to: str = ""
) -> HttpResponse:
    """Answer a failed POST with a redirect to a GET that shows the same form with the same errors.

    A page that answers a POST sits in the history as that POST: Back to it asks to "Confirm form
    resubmission" (a form with a file box is never kept by the browser). The typed input waits in the
    session under a random key in the address; uploads that passed are already kept server-side
    (``kept``: their ids, to tick again). ``to``: the page that shows the form, if not the one posted to."""
    path = to or request.path
    token = secrets.token_urlsafe(9)
    data = {key: values for key, values in request.POST.lists() if key != "csrfmiddlewaretoken"}
    for key, values in kept.items():
        data[key] = list(dict.fromkeys([*data.get(key, []), *values]))
    file_errors = {
        name: [str(message) for message in messages]
        for name, messages in form.errors.items()
        if isinstance(form.fields.get(name), forms.FileField)
    }
    retries = {**request.session.get(RETRY_SESSION_KEY, {}), token: {"path": path, "data": data}}
    retries[token]["file_errors"] = file_errors
    request.session[RETRY_SESSION_KEY] = dict(list(retries.items())[-MAX_RETRIES:])
    query = request.GET.copy() if not to else QueryDict(mutable=True)
    query["retry"] = token
    return redirect(f"{path}?{query.urlencode()}")


def retried_input(request: HttpRequest) -> RetriedInput | None:
    """The input of a failed POST to this page, when the address carries its key (None otherwise)."""
    entry = request.session.get(RETRY_SESSION_KEY, {}).get(request.GET.get("retry", ""))
    if not entry or entry.get("path") != request.path:
        return None
    data = QueryDict(mutable=True)
    for key, values in entry["data"].items():
        data.setlist(key, values)
    return RetriedInput(data=data, file_errors=entry.get("file_errors", {}))


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
