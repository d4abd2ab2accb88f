"""Checks every uploaded attachment before it is stored: count, size, type by content, safe name.

The browser's claimed content type and the file name are never trusted: the extension and the
magic bytes must agree with the allow-list, images are re-encoded (dropping EXIF and anything
appended after the image data), PDFs with active content or HTML inside are refused, every file is
scanned by clamd when one is configured (``mokatebat.core.filescan``), and the stored name is random.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from collections.abc import Sequence
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from mokatebat.core.filescan import check_pdf, refuse_html, scan_for_malware
from mokatebat.core.i18n import screen_digits
from mokatebat.core.persian import normalize_text

from .workflow import CheckedUpload

ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
MAX_IMAGE_PIXELS = 40_000_000
_UNSAFE_NAME = re.compile(r"[^\w.\- ]+", re.UNICODE)


def safe_file_name(name: str) -> str:
    """A display name without paths, control or markup characters; the stored name is random anyway."""
    base = PurePath(name.replace("\\", "/")).name
    base = normalize_text(unicodedata.normalize("NFC", base), multiline=False)
    base = _UNSAFE_NAME.sub("_", base).strip(" ._") or "file"
    stem, dot, ext = base.rpartition(".")
    if not dot:
        return base[:120]
    return f"{stem[:110]}.{ext[:10].lower()}"


def _reencode_image(data: bytes, kind: str) -> bytes:
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValidationError(_("ابعاد تصویر بیش از حد بزرگ است."))
            image.load()
            output = io.BytesIO()
            if kind == "png":
                image.save(output, format="PNG", optimize=True)
            else:
                image.convert("RGB").save(output, format="JPEG", quality=90)
            return output.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError(_("تصویر خراب است یا قابل خواندن نیست.")) from error


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """Validate one file; raise ValidationError with a message the citizen can act on."""
    name = safe_file_name(upload.name or "file")
    max_mb = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
    if (upload.size or 0) > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("پرونده «%(name)s» بزرگ‌تر از %(max)s مگابایت است.") % {"name": name, "max": screen_digits(max_mb)}
        )
    if not upload.size:
        raise ValidationError(_("پرونده «%(name)s» خالی است.") % {"name": name})
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in ALLOWED_TYPES:
        raise ValidationError(_("نوع پرونده «%(name)s» پذیرفته نیست. فقط PDF، JPG و PNG.") % {"name": name})
    upload.seek(0)
    data = upload.read()
    scan_for_malware(data, name)  # first: an infected file is called that, whatever else is wrong with it
    sniffed = filetype.guess(data)
    expected = ALLOWED_TYPES[extension]
    if sniffed is None or sniffed.mime != expected:
        raise ValidationError(_("محتوای پرونده «%(name)s» با پسوند آن مطابقت ندارد.") % {"name": name})
    if expected == "application/pdf":
        refuse_html(data, name)
        check_pdf(data, name)
    if expected.startswith("image/"):
        data = _reencode_image(data, "png" if expected == "image/png" else "jpeg")
    clean = InMemoryUploadedFile(io.BytesIO(data), "file", name, expected, len(data), charset=None)
    return CheckedUpload(file=clean, safe_name=name, content_type=expected, sha256=hashlib.sha256(data).hexdigest())


def check_uploads(uploads: Sequence[UploadedFile]) -> list[CheckedUpload]:
    if len(uploads) > settings.ATTACHMENT_MAX_COUNT:
        raise ValidationError(
            _("حداکثر %(count)s پرونده می‌توانید پیوست کنید.") % {"count": screen_digits(settings.ATTACHMENT_MAX_COUNT)}
        )
    checked: list[CheckedUpload] = []
    errors: list[ValidationError] = []
    for upload in uploads:
        try:
            checked.append(check_upload(upload))
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return checked
