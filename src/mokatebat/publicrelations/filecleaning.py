"""The files of an anonymised copy (issue 18, point 4): what the unit receives is a new file, never
the citizen's original — a neutral name, no metadata (PDF document info and XMP, image EXIF and text
chunks), and the regions the PR expert covered painted over.

Regions are rectangles in percent of the page or image (so they do not depend on the preview's
size): ``Region(page, x, y, width, height)``, page 1 for an image. A PDF with covered regions is
rebuilt from its rendered pages (its text layer goes with it: what is covered cannot be copied out
from under the black box); without regions it keeps its pages and loses only its metadata.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pikepdf
import pypdfium2
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageOps

from mokatebat.core.i18n import screen_digits
from mokatebat.core.persian import to_ascii_digits

PREVIEW_MAX_PIXELS = 1400
RENDER_SCALE = 2.0  # 144 dpi: a scanned page stays legible, covered text does not leak at the edges
MAX_PAGES = 50


@dataclass(frozen=True)
class Region:
    page: int
    x: float
    y: float
    width: float
    height: float


_LINE = re.compile(r"^(?:(\d+)\s*:\s*)?(\d+(?:\.\d+)?)[\s,]+(\d+(?:\.\d+)?)[\s,]+(\d+(?:\.\d+)?)[\s,]+(\d+(?:\.\d+)?)$")


def parse_regions(text: str) -> list[Region]:
    """One rectangle a line: ``[page:] x y width height`` in percent; Persian digits and ، are fine."""
    regions = []
    for raw in to_ascii_digits(text or "").replace("،", ",").replace("٫", ".").splitlines():
        line = raw.strip()
        if not line:
            continue
        match = _LINE.match(line)
        if not match:
            raise ValidationError(
                _("ناحیه «%(line)s» را این‌طور بنویسید: صفحه: x y پهنا بلندی (به درصد).") % {"line": line}
            )
        page, x, y, w, h = match.groups()
        region = Region(int(page or 1), float(x), float(y), float(w), float(h))
        if not (0 <= region.x < 100 and 0 <= region.y < 100 and 0 < region.width <= 100 and 0 < region.height <= 100):
            raise ValidationError(_("ناحیه «%(line)s» بیرون از صفحه است.") % {"line": line})
        if region.page < 1 or region.page > MAX_PAGES:
            raise ValidationError(_("شماره صفحه در «%(line)s» درست نیست.") % {"line": line})
        regions.append(region)
    return regions


def _cover(image: Image.Image, regions: list[Region]) -> Image.Image:
    draw = ImageDraw.Draw(image)
    for r in regions:
        left, top = image.width * r.x / 100, image.height * r.y / 100
        right = min(image.width, left + image.width * r.width / 100)
        bottom = min(image.height, top + image.height * r.height / 100)
        draw.rectangle([left, top, right, bottom], fill="black")
    return image


def _bare_image(data: bytes) -> Image.Image:
    """The pixels only, upright: no EXIF, ICC, XMP or text chunks survive."""
    with Image.open(io.BytesIO(data)) as original:
        upright = ImageOps.exif_transpose(original) or original
        mode = "RGBA" if upright.mode in ("RGBA", "LA", "P") and original.format == "PNG" else "RGB"
        pixels = upright.convert(mode)
        bare = Image.new(mode, pixels.size)
        bare.paste(pixels)
        return bare


def _strip_pdf(data: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                for key in ("/Metadata", "/PieceInfo"):
                    if key in obj:
                        del obj[key]
        out = io.BytesIO()
        pdf.save(out, fix_metadata_version=False, deterministic_id=True)
        return out.getvalue()


def _pdf_pages(data: bytes) -> list[Image.Image]:
    document = pypdfium2.PdfDocument(data)
    try:
        if len(document) > MAX_PAGES:
            raise ValidationError(
                _("این PDF بیش از %(n)s صفحه دارد؛ برای پوشاندن ناحیه‌ها کوتاه‌ترش کنید.") % {"n": MAX_PAGES}
            )
        return [page.render(scale=RENDER_SCALE).to_pil().convert("RGB") for page in document]
    finally:
        document.close()


def clean_copy(data: bytes, content_type: str, regions: list[Region]) -> bytes:
    """The file the unit receives: metadata gone, regions covered."""
    if content_type == "application/pdf":
        if regions:
            pages = [_cover(page, [r for r in regions if r.page == n]) for n, page in enumerate(_pdf_pages(data), 1)]
            out = io.BytesIO()
            pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=72 * RENDER_SCALE)
            data = out.getvalue()
        return _strip_pdf(data)
    image = _cover(_bare_image(data), regions)
    out = io.BytesIO()
    if content_type == "image/png":
        image.save(out, format="PNG", optimize=True)
    else:
        image.convert("RGB").save(out, format="JPEG", quality=90)
    return out.getvalue()


def pdf_page_count(data: bytes) -> int:
    document = pypdfium2.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()


def preview_png(data: bytes, content_type: str, page: int = 1) -> tuple[bytes, int]:
    """A PNG of one page (or the image) for the expert's review, and the number of pages."""
    if content_type == "application/pdf":
        document = pypdfium2.PdfDocument(data)
        try:
            count = len(document)
            index = min(max(page, 1), count) - 1
            image = document[index].render(scale=RENDER_SCALE).to_pil().convert("RGB")
        finally:
            document.close()
    else:
        image, count = _bare_image(data), 1
    image.thumbnail((PREVIEW_MAX_PIXELS, PREVIEW_MAX_PIXELS))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue(), count


EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


def neutral_name(index: int, content_type: str) -> str:
    """«پیوست ۱.pdf»: nothing of the citizen's file name reaches the unit."""
    return f"{_('پیوست')} {screen_digits(index)}.{EXTENSIONS.get(content_type, 'bin')}"
