"""An issued response as an official Iranian letter in PDF: letterhead, number box, body, signature, QR.

The PDF is one more rendering of a response, so it carries nothing the citizen's tracking page does
not already show; who may download it is decided by the view, not here. The layout follows the
usual Iranian government letter: «بسمه تعالی» on top, the agency at the top right, the number box
at the top left, the signature at the bottom left, and a QR code leading to the public
verification page on every page.

Rendering is deterministic for one response (fixed creation date, fonts, QR image), so the bytes
can be hashed or cached later.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import qrcode
from django.conf import settings
from django.contrib.staticfiles import finders
from fpdf import FPDF

from mokatebat.core.jalali import format_jalali_date
from mokatebat.core.persian import persian_text_digits, to_persian_digits

from .models import Response

# fontTools logs every font subset at INFO: a few hundred lines per letter in the server's log.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_FAMILY = "Vazirmatn"
FONT_FILES = {"": "vendor/fonts/Vazirmatn-Regular.ttf", "B": "vendor/fonts/Vazirmatn-Bold.ttf"}

MARGIN = 20.0  # mm, sides and top
FOOTER_HEIGHT = 38.0  # mm kept free at the bottom of each page for the QR footer
BOX_WIDTH = 64.0  # the number box at the top left
LINE_HEIGHT = 7.5
BODY_SIZE = 12
LIST_INDENT = 8.0
QR_SIZE = 24.0
INK = (20, 20, 20)
MUTED = (90, 90, 90)
RULE = (150, 150, 150)

# fpdf2's markdown markers: literal occurrences in the letter's text are escaped.
_MARKERS = re.compile(r"(\*\*|__|~~|--)")
_SPACES = re.compile(r"[ \t\r\n\f]+")
_STYLE_MARKERS = {"b": "**", "i": "__", "u": "--"}
_STYLE_TAGS = {"strong": "b", "b": "b", "em": "i", "i": "i", "u": "u"}
_BLOCK_TAGS = {"p", "li", "blockquote"}


class LetterFontMissingError(RuntimeError):
    """The Vazirmatn TTFs are not in the static files: run ``make vendor`` (not worth retrying)."""


def verification_url(response: Response) -> str:
    """The public page the QR code and the footer link point to."""
    return f"{settings.PUBLIC_SITE_URL}/verify/{response.verification_code}/"


def grouped_digest(response: Response, length: int = 16) -> str:
    """The start of the content hash in groups of four, easy to read aloud and compare by eye."""
    head = response.content_sha256[:length]
    return " ".join(head[index : index + 4] for index in range(0, len(head), 4))


# --- the body: sanitised HTML → blocks of fpdf2 markdown -------------------------------------------


def escape_markdown(text: str) -> str:
    """Keep a letter's own ``**``, ``--``, ``[a](b)`` from being read as formatting or links."""
    text = text.replace("\\", "\\\\")
    text = _MARKERS.sub(r"\\\1", text)
    # A zero-width non-joiner (in every Persian font) breaks the "](" of a would-be link.
    return text.replace("](", "]\u200c(")


@dataclass
class Block:
    """One paragraph, list item or quotation, as fpdf2 markdown with its list marker and depth."""

    text: str
    marker: str = ""
    depth: int = 0
    quote: bool = False


@dataclass
class _ListState:
    ordered: bool
    count: int = 0


class _BodyParser(HTMLParser):
    """Walk the sanitised body (p, br, b/strong, i/em, u, ul/ol/li, blockquote) into ``Block``s.

    The allow-list is small enough that a walker is simpler and more predictable than fpdf2's
    ``write_html``, which lays lists and paragraphs out left-to-right.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._parts: list[str] = []
        self._wanted = {"b": 0, "i": 0, "u": 0}
        self._emitted: list[str] = []
        self._lists: list[_ListState] = []
        self._marker = ""
        self._quote = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _STYLE_TAGS:
            self._wanted[_STYLE_TAGS[tag]] += 1
        elif tag == "br":
            self._close_styles()
            self._parts.append("\n")
        elif tag in ("ul", "ol"):
            self._flush()
            self._lists.append(_ListState(ordered=tag == "ol"))
        elif tag in _BLOCK_TAGS:
            self._flush()
            self._quote += tag == "blockquote"
            if tag == "li" and self._lists:
                state = self._lists[-1]
                state.count += 1
                self._marker = f"{to_persian_digits(state.count)}." if state.ordered else "•"

    def handle_endtag(self, tag: str) -> None:
        if tag in _STYLE_TAGS:
            self._wanted[_STYLE_TAGS[tag]] = max(0, self._wanted[_STYLE_TAGS[tag]] - 1)
        elif tag in ("ul", "ol"):
            self._flush()
            if self._lists:
                self._lists.pop()
        elif tag in _BLOCK_TAGS:
            self._flush()
            self._quote -= tag == "blockquote" and self._quote > 0

    def handle_data(self, data: str) -> None:
        text = _SPACES.sub(" ", data)
        if not text.strip() and (not self._parts or self._parts[-1].endswith(("\n", " "))):
            return
        self._sync_styles()
        self._parts.append(escape_markdown(persian_text_digits(text)))

    def close(self) -> None:
        super().close()
        self._flush()

    def _sync_styles(self) -> None:
        """Open and close markers lazily so that no empty ``****`` pair ever reaches fpdf2."""
        self._close_styles(keep_wanted=True)
        for style in ("b", "i", "u"):
            if self._wanted[style] and style not in self._emitted:
                self._emitted.append(style)
                self._parts.append(_STYLE_MARKERS[style])

    def _close_styles(self, *, keep_wanted: bool = False) -> None:
        while self._emitted and not (keep_wanted and all(self._wanted[s] for s in self._emitted)):
            self._parts.append(_STYLE_MARKERS[self._emitted.pop()])

    def _flush(self) -> None:
        self._close_styles()
        lines = "".join(self._parts).split("\n")
        text = "\n".join(line.strip() for line in lines).strip("\n ")
        if text:
            depth = len(self._lists) if self._marker else 0
            self.blocks.append(Block(text=text, marker=self._marker, depth=depth, quote=self._quote > 0))
        self._parts.clear()
        self._marker = ""


def body_blocks(body_html: str) -> list[Block]:
    """The body's paragraphs and list items, in reading order, with Persian digits."""
    parser = _BodyParser()
    parser.feed(body_html)
    parser.close()
    return parser.blocks


# --- the page -------------------------------------------------------------------------------------


def _font_path(relative: str) -> str:
    found = finders.find(relative)
    if isinstance(found, list):
        found = found[0] if found else None
    if not found or not Path(found).is_file():
        raise LetterFontMissingError(f"{relative} is not in the static files; run `make vendor`.")
    return str(found)


def _qr_png(url: str) -> io.BytesIO:
    """The verification link as a PNG in memory; medium error correction survives a smudged print."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=1)
    code.add_data(url)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


class LetterPDF(FPDF):
    """A4, right-to-left, Vazirmatn; the letterhead on page one, the QR footer on every page."""

    def __init__(self, response: Response, *, total_pages: int | None = None) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.response = response
        self.agency = response.item.agency
        self.total_pages = total_pages
        self.url = verification_url(response)
        self.qr = _qr_png(self.url)
        # "{nb}" in a letter's text must stay text; page totals come from a first rendering pass.
        self.str_alias_nb_pages = ""
        for style, relative in FONT_FILES.items():
            self.add_font(FONT_FAMILY, style, _font_path(relative))
        # Vazirmatn has no italic: emphasis falls back to the upright face, as in Persian typesetting.
        self.add_font(FONT_FAMILY, "I", _font_path(FONT_FILES[""]))
        self.add_font(FONT_FAMILY, "BI", _font_path(FONT_FILES["B"]))
        self.set_text_shaping(use_shaping_engine=True, direction="rtl", script="arab", language="fas")
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=FOOTER_HEIGHT)
        self.set_creation_date(response.issued_at)
        self.set_lang("fa-IR")
        self.set_title(f"نامه شماره {to_persian_digits(response.outgoing_number)}")
        self.set_author(self.agency.name)
        self.set_creator("Mokatebat")
        self.set_text_color(*INK)

    # Helpers ---------------------------------------------------------------------------------------

    def font(self, size: float, style: str = "") -> None:
        self.set_font(FONT_FAMILY, style, size)

    def ltr_cell(self, w: float, h: float, text: str, align: str = "L", link: str = "") -> None:
        """A reference number, URL or hash: shown left to right, as the web pages show it."""
        self.set_text_shaping(use_shaping_engine=True, direction="ltr")
        self.cell(w, h, text, align=align, link=link)
        self.set_text_shaping(use_shaping_engine=True, direction="rtl", script="arab", language="fas")

    def box_row(self, label: str, value: str, *, ltr: bool) -> None:
        """One «شماره: …» row of the number box: label on the right, value to its left."""
        x, y = self.get_x(), self.get_y()
        label_width = 16.0
        self.font(10, "B")
        self.set_xy(x + BOX_WIDTH - label_width - 2, y)
        self.cell(label_width, 6.5, label, align="R")
        self.font(10)
        self.set_xy(x + 2, y)
        if ltr:
            self.ltr_cell(BOX_WIDTH - label_width - 5, 6.5, value, align="R")
        else:
            self.cell(BOX_WIDTH - label_width - 5, 6.5, value, align="R")
        self.set_xy(x, y + 6.5)

    # Page furniture --------------------------------------------------------------------------------

    def header(self) -> None:
        if self.page_no() == 1:
            self._letterhead()
            return
        self.font(9)
        self.set_text_color(*MUTED)
        self.set_xy(MARGIN, 10)
        number = to_persian_digits(self.response.outgoing_number)
        date = format_jalali_date(self.response.issued_at)
        self.cell(self.epw, 6, f"ادامه نامه شماره {number} مورخ {date}", align="R")
        self.set_draw_color(*RULE)
        self.line(MARGIN, 17, self.w - MARGIN, 17)
        self.set_text_color(*INK)
        self.set_y(MARGIN + 2)

    def _letterhead(self) -> None:
        response = self.response
        self.font(11)
        self.set_xy(MARGIN, 10)
        self.cell(self.epw, 7, "بسمه تعالی", align="C")
        head_width = self.epw - BOX_WIDTH - 8
        self.set_xy(self.w - MARGIN - head_width, 19)
        self.font(14, "B")
        self.multi_cell(head_width, 7.5, self.agency.name, align="R", new_x="LEFT", new_y="NEXT")
        if response.unit_name:
            self.font(11)
            self.set_text_color(*MUTED)
            self.multi_cell(head_width, 6.5, response.unit_name, align="R", new_x="LEFT", new_y="NEXT")
            self.set_text_color(*INK)
        head_bottom = self.get_y()
        rows = [
            ("شماره:", to_persian_digits(response.outgoing_number), True),
            ("تاریخ:", format_jalali_date(response.issued_at), True),
            ("پیوست:", "ندارد", False),
        ]
        if response.in_reply_to:
            rows.append(("عطف به:", to_persian_digits(response.in_reply_to), True))
        self.set_xy(MARGIN, 19)
        for label, value, ltr in rows:
            self.box_row(label, value, ltr=ltr)
        self.set_draw_color(*RULE)
        self.rect(MARGIN, 18, BOX_WIDTH, 6.5 * len(rows) + 2, round_corners=True, corner_radius=1.5)
        top = max(head_bottom, 18 + 6.5 * len(rows) + 2) + 4
        self.line(MARGIN, top, self.w - MARGIN, top)
        self.set_y(top + 6)

    def footer(self) -> None:
        top = self.h - FOOTER_HEIGHT + 6
        self.set_draw_color(*RULE)
        self.line(MARGIN, top, self.w - MARGIN, top)
        self.image(self.qr, x=MARGIN, y=top + 3, w=QR_SIZE, h=QR_SIZE, alt_text=self.url)
        self.link(MARGIN, top + 3, QR_SIZE, QR_SIZE, self.url)
        text_x, text_w = MARGIN + QR_SIZE + 4, self.epw - QR_SIZE - 4
        self.set_text_color(*MUTED)
        self.font(8.5)
        self.set_xy(text_x, top + 3)
        self.multi_cell(
            text_w,
            5,
            "برای اطمینان از اصالت این نامه، کد را اسکن کنید یا به این نشانی بروید:",
            align="R",
            new_x="LEFT",
            new_y="NEXT",
        )
        self.ltr_cell(text_w, 5, self.url, align="R", link=self.url)
        self.set_xy(text_x, self.get_y() + 5)
        label = "چکیده متن (SHA-256):"
        label_w = self.get_string_width(label) + 2
        self.cell(text_w, 5, label, align="R")
        self.set_x(text_x)
        self.ltr_cell(text_w - label_w, 5, grouped_digest(self.response), align="R")
        self.set_xy(text_x, self.get_y() + 5)
        self.cell(text_w, 5, self._page_label(), align="R")
        self.set_text_color(*INK)

    def _page_label(self) -> str:
        page = to_persian_digits(self.page_no())
        if self.total_pages:
            return f"صفحه {page} از {to_persian_digits(self.total_pages)}"
        return f"صفحه {page}"

    # Content ---------------------------------------------------------------------------------------

    def addressee(self) -> None:
        requester = self.response.item.requester
        if requester.kind == requester.Kind.LEGAL and requester.legal_name:
            name = requester.legal_name
        else:
            name = f"جناب آقای/سرکار خانم {requester.full_name}"
        self.font(BODY_SIZE, "B")
        self.multi_cell(self.epw, LINE_HEIGHT, name, align="R", new_x="LMARGIN", new_y="NEXT")
        self.font(BODY_SIZE)
        subject = f"**موضوع:** {escape_markdown(persian_text_digits(self.response.item.subject))}"
        self.multi_cell(self.epw, LINE_HEIGHT, subject, align="R", markdown=True, new_x="LMARGIN", new_y="NEXT")
        self.ln(4)

    def body(self) -> None:
        for block in body_blocks(self.response.body):
            self.block(block)

    def block(self, block: Block) -> None:
        self.font(BODY_SIZE)
        quote_indent = LIST_INDENT if block.quote else 0.0
        indent = quote_indent + LIST_INDENT * block.depth
        width = self.epw - indent - quote_indent
        if block.marker:
            if self.will_page_break(LINE_HEIGHT):
                self.add_page()
            y = self.get_y()
            self.set_xy(self.w - MARGIN - indent, y)
            self.cell(LIST_INDENT - 1, LINE_HEIGHT, block.marker, align="R")
            self.set_y(y)
        if block.quote:
            self.set_text_color(*MUTED)
        self.set_x(MARGIN + quote_indent)
        self.multi_cell(width, LINE_HEIGHT, block.text, align="R", markdown=True, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)
        self.ln(1 if block.marker else 2.5)

    def signature(self) -> None:
        response = self.response
        lines = [(response.signer_name, "B"), (response.signer_title, "")]
        lines = [(text, style) for text, style in lines if text]
        if not lines:
            return
        self.ln(6)
        if self.will_page_break(LINE_HEIGHT * len(lines)):
            self.add_page()
        for text, style in lines:
            self.font(BODY_SIZE, style)
            self.set_x(MARGIN)
            self.cell(70, LINE_HEIGHT, text, align="C", new_x="LMARGIN", new_y="NEXT")


def _render(response: Response, total_pages: int | None) -> LetterPDF:
    pdf = LetterPDF(response, total_pages=total_pages)
    pdf.add_page()
    pdf.addressee()
    pdf.body()
    pdf.signature()
    return pdf


def render_response_pdf(response: Response) -> bytes:
    """The response as an A4 letter. Rendered twice: the first pass only counts the pages."""
    counted = _render(response, total_pages=None)
    return bytes(_render(response, total_pages=counted.page_no()).output())
