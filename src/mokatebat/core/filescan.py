"""Content checks every upload passes before it is stored (issue 18, point 13).

- A PDF may carry no active content: no JavaScript, no launch or other actions that run or open
  something, no embedded or attached files, no XFA forms, no rich media. Such a PDF is refused with
  a message saying what to do (print it to a new PDF), never silently altered.
- A file that is also an HTML page (a PDF/HTML polyglot) is refused: a browser sniffing it would run
  its script in our origin.
- When ``CLAMAV_SOCKET`` (a Unix socket) or ``CLAMAV_HOST`` (with ``CLAMAV_PORT``, 3310) is set,
  every upload is streamed to clamd (``INSTREAM``); an infected file is refused. If the scanner is
  configured but does not answer, uploads are refused for the time being (fail closed) and the
  error is logged: a records system must not take in unscanned files it promised to scan.
"""

from __future__ import annotations

import io
import logging
import re
import socket
import struct
from collections.abc import Iterable

import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Tags a browser's HTML sniffing (and a careless viewer) would act on, anywhere in the bytes.
_HTML_MARKERS = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|script|iframe|svg|object|embed|meta)[\s>/]", re.I)

# Keys and action types that make a PDF do something on its own.
_ACTIVE_KEYS = {"/JS", "/JavaScript", "/EmbeddedFiles", "/EmbeddedFile", "/XFA", "/RichMedia"}
_ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/ImportData",
    "/SubmitForm",
    "/GoToE",
    "/GoToR",
    "/RichMediaExecute",
    "/Rendition",
}


class ScannerUnavailable(Exception):
    """clamd is configured but did not answer."""


def refuse_html(data: bytes, name: str) -> None:
    if _HTML_MARKERS.search(data):
        raise ValidationError(
            _("پرونده «%(name)s» کد صفحه وب (HTML) دارد و پذیرفته نیست.") % {"name": name}, code="html_polyglot"
        )


def _inspect(obj: pikepdf.Object, found: set[str]) -> None:
    keys = set(obj.keys())
    found |= keys & _ACTIVE_KEYS
    subtype = obj.get("/S")
    if isinstance(subtype, pikepdf.Name) and str(subtype) in _ACTIVE_ACTIONS:
        found.add(str(subtype))
    if obj.get("/Subtype") == pikepdf.Name.FileAttachment:
        found.add("/FileAttachment")
    if obj.get("/Type") == pikepdf.Name.Filespec and "/EF" in keys:
        found.add("/EF")


def _active_parts(pdf: pikepdf.Pdf) -> set[str]:
    """Every dictionary of the file: each indirect object and the direct ones nested inside it (an
    /OpenAction is usually a direct dictionary in the catalogue)."""
    found: set[str] = set()
    for top in pdf.objects:
        stack: list[tuple[pikepdf.Object, int]] = [(top, 0)]
        while stack:
            obj, depth = stack.pop()
            if depth > 64:  # deeper nesting is no document's; treat it as hiding something
                found.add("/Nesting")
                break
            if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                _inspect(obj, found)
                children = list(obj.values())
            elif isinstance(obj, pikepdf.Array):
                children = list(obj)
            else:
                continue
            stack.extend(
                (child, depth + 1) for child in children if isinstance(child, pikepdf.Object) and not child.is_indirect
            )
    return found


_RAW_NAME = re.compile(rb"/((?:[A-Za-z0-9]|#[0-9A-Fa-f]{2})+)")


def _raw_active_names(data: bytes) -> set[str]:
    """Active-content names in a PDF qpdf cannot parse (``#xx`` escapes decoded, as a reader would)."""
    found = set()
    for match in _RAW_NAME.finditer(data):
        name = "/" + re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), match.group(1)).decode(
            "latin-1"
        )
        if name in _ACTIVE_KEYS or name in _ACTIVE_ACTIONS:
            found.add(name)
    return found


def check_pdf(data: bytes, name: str) -> None:
    """Refuse a PDF that carries active content (or asks for a password we cannot check past)."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            found = _active_parts(pdf)
    except pikepdf.PasswordError as error:
        raise ValidationError(
            _("پرونده «%(name)s» رمز دارد؛ لطفاً نسخه بدون رمز بفرستید.") % {"name": name}, code="pdf_encrypted"
        ) from error
    except (pikepdf.PdfError, ValueError, RecursionError):
        # Too damaged for qpdf to rebuild: no reader can build an object tree from it either, so a
        # scan of its raw names is as far as active content could get.
        found = _raw_active_names(data)
    if found:
        logger.info("refused a PDF with active content: %s", ", ".join(sorted(found)))
        raise ValidationError(
            _(
                "پرونده «%(name)s» اسکریپت، فرمان اجرایی یا پرونده پیوست‌شده درون خود دارد و پذیرفته نیست. "
                "لطفاً آن را دوباره به PDF چاپ کنید (Print to PDF) و نسخه تازه را بفرستید."
            )
            % {"name": name},
            code="pdf_active_content",
        )


def _clamd_connection() -> socket.socket | None:
    timeout = settings.CLAMAV_TIMEOUT_SECONDS
    try:
        if settings.CLAMAV_SOCKET:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            sock.connect(settings.CLAMAV_SOCKET)
            return sock
        if settings.CLAMAV_HOST:
            return socket.create_connection((settings.CLAMAV_HOST, settings.CLAMAV_PORT), timeout=timeout)
    except OSError as error:
        raise ScannerUnavailable(str(error)) from error
    return None


def _chunks(data: bytes, size: int = 64 * 1024) -> Iterable[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def clamd_scan(data: bytes) -> str | None:
    """The signature clamd found in ``data``, or None if clean; None too when no scanner is configured."""
    sock = _clamd_connection()
    if sock is None:
        return None
    try:
        with sock:
            sock.sendall(b"zINSTREAM\0")
            for chunk in _chunks(data):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
    except OSError as error:
        raise ScannerUnavailable(str(error)) from error
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    # "stream: OK", "stream: Eicar-Signature FOUND", or "... ERROR" (e.g. the size limit).
    if answer.endswith("FOUND"):
        return answer.removeprefix("stream:").removesuffix("FOUND").strip()
    if answer.endswith("OK"):
        return None
    raise ScannerUnavailable(answer or "no answer")


def scan_for_malware(data: bytes, name: str) -> None:
    try:
        signature = clamd_scan(data)
    except ScannerUnavailable as error:
        logger.error("virus scanner unavailable, upload refused: %s", error)
        raise ValidationError(
            _("بررسی ویروس پرونده‌ها اکنون در دسترس نیست؛ لطفاً چند دقیقه بعد دوباره بفرستید."),
            code="scanner_unavailable",
        ) from error
    if signature:
        logger.warning("refused an infected upload: %s", signature)
        raise ValidationError(
            _("پرونده «%(name)s» آلوده به بدافزار تشخیص داده شد و پذیرفته نیست.") % {"name": name}, code="infected"
        )
