"""Other renderings of an issued response: the citizen's PDF and the public verification page.

Both go through the same permission rule as the tracking page (RELIABILITY, the "Froide" row): the
PDF only for an item opened on tracking in this browser session; the verification page shows only
what a QR code on the paper letter already vouches for, never the requester or the text.
"""

from __future__ import annotations

import re
import uuid

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from mokatebat.core.http import client_ip, rate_limited_response
from mokatebat.core.ratelimit import exceeded
from mokatebat.core.replica import first_or_primary, replica_reads

from .forms import VerifyCodeForm
from .letters_pdf import render_response_pdf
from .models import Attachment, Response
from .views import TRACKED_SESSION_KEY, _get_item_for_session

VERIFY_RATE = "60/h"
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9_-]+")


def pdf_filename(response: Response) -> str:
    """ASCII only, so the header needs no RFC 5987 encoding; a number like «م‌ب/1405/12» → ``1405-12``."""
    number = _UNSAFE_FILENAME.sub("-", response.outgoing_number).strip("-") or str(response.public_id)
    return f"response-{number}.pdf"


@require_GET
def response_pdf(request: HttpRequest, public_id: uuid.UUID, response_id: uuid.UUID) -> HttpResponse:
    """The citizen downloads an answer to an item they have opened on tracking in this browser."""
    item = _get_item_for_session(request, TRACKED_SESSION_KEY, public_id)
    letter = item.responses.filter(public_id=response_id).first()
    if letter is None:
        raise Http404
    letter.item = item  # already loaded with its agency and requester
    return pdf_download(letter)


def pdf_download(letter: Response) -> HttpResponse:
    """The PDF as a download that no browser renders inline or caches, and no search engine keeps."""
    download = HttpResponse(render_response_pdf(letter), content_type="application/pdf")
    download["Content-Disposition"] = f'attachment; filename="{pdf_filename(letter)}"'
    download["X-Content-Type-Options"] = "nosniff"
    download["Cache-Control"] = "private, no-store"
    download["X-Robots-Tag"] = "noindex"
    return download


def attachment_file_response(attachment: Attachment, *, filename: str = "", content_type: str = "") -> FileResponse:
    """An uploaded file as staff pages and the API hand it out: always a download, never rendered on
    our origin (``sandbox``, ``nosniff``), never cached."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=filename or attachment.original_name,
        content_type=content_type or attachment.content_type,
    )
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def verify_start(request: HttpRequest) -> HttpResponse:
    """Where a code read off a printed letter is typed, for whoever cannot scan its QR code."""
    form = VerifyCodeForm(request.GET or None)
    if form.is_valid():
        return redirect("verify-response", code=form.cleaned_data["code"])
    return render(request, "correspondence/verify_start.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
@replica_reads
def verify_response(request: HttpRequest, code: str) -> HttpResponse:
    """Anyone holding the paper letter checks that the agency issued it and, by the hash, that the text is unchanged."""
    if exceeded(request, [("verify-response", client_ip(request), VERIFY_RATE)]):
        return rate_limited_response(request)
    letter = first_or_primary(Response.objects.select_related("item__agency").filter(verification_code=code))
    if letter is None:
        return render(request, "correspondence/verify.html", {"letter": None}, status=404)
    digest = letter.content_sha256
    context = {
        "letter": letter,
        "agency": letter.item.agency,
        "digest_groups": [digest[index : index + 4] for index in range(0, len(digest), 4)],
    }
    page = render(request, "correspondence/verify.html", context)
    page["X-Robots-Tag"] = "noindex"
    return page
