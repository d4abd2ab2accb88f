"""The counter's receipt as a one-page A5 PDF, in the same font and shaping as the response letters.

The official fee is printed in a box of its own: overcharging is the complaint counters hear most,
and the applicant can only object to a price they can read.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from fpdf import FPDF

from mokatebat.core.jalali import format_jalali_datetime
from mokatebat.core.persian import to_persian_digits
from mokatebat.core.tracking import format_tracking_code
from mokatebat.correspondence.letters_pdf import FONT_FAMILY, FONT_FILES, INK, MUTED, RULE, _font_path
from mokatebat.correspondence.models import Item

from .templatetags.counter_tags import format_rials

MARGIN = 12.0
ROW_HEIGHT = 7.0
LABEL_WIDTH = 34.0
A5 = (148.0, 210.0)  # mm; a half sheet, as counters print receipts


@dataclass(frozen=True)
class ReceiptData:
    item: Item
    operator_name: str
    fee: int


class ReceiptPDF(FPDF):
    def __init__(self, receipt: ReceiptData) -> None:
        super().__init__(orientation="portrait", unit="mm", format=A5)
        self.receipt = receipt
        for style, relative in FONT_FILES.items():
            self.add_font(FONT_FAMILY, style, _font_path(relative))
        self.set_text_shaping(use_shaping_engine=True, direction="rtl", script="arab", language="fas")
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN)
        self.set_creation_date(receipt.item.submitted_at)
        self.set_lang("fa-IR")
        self.set_title(f"رسید کد رهگیری {to_persian_digits(receipt.item.tracking_code)}")
        self.set_creator("Mokatebat")
        self.set_text_color(*INK)

    def font(self, size: float, style: str = "") -> None:
        self.set_font(FONT_FAMILY, style, size)

    def ltr(self, w: float, h: float, text: str, align: str = "C") -> None:
        self.set_text_shaping(use_shaping_engine=True, direction="ltr")
        self.cell(w, h, text, align=align, new_x="LMARGIN", new_y="NEXT")
        self.set_text_shaping(use_shaping_engine=True, direction="rtl", script="arab", language="fas")

    def row(self, label: str, value: str) -> None:
        y = self.get_y()
        self.font(10, "B")
        self.set_xy(self.w - MARGIN - LABEL_WIDTH, y)
        self.cell(LABEL_WIDTH, ROW_HEIGHT, label, align="R")
        self.font(10)
        self.set_xy(MARGIN, y)
        self.multi_cell(self.epw - LABEL_WIDTH - 2, ROW_HEIGHT, value, align="R", new_x="LMARGIN", new_y="NEXT")

    def draw(self) -> None:
        item = self.receipt.item
        office = item.counter_office
        self.add_page()
        self.font(13, "B")
        self.cell(self.epw, 8, "رسید ثبت نامه در دفتر پیشخوان دولت", align="C", new_x="LMARGIN", new_y="NEXT")
        if office is not None:
            self.font(10)
            self.set_text_color(*MUTED)
            self.cell(
                self.epw, 6, f"{office.name} — شناسه دفتر: {office.code}", align="C", new_x="LMARGIN", new_y="NEXT"
            )
            self.set_text_color(*INK)
        self.ln(3)
        self.font(10, "B")
        self.cell(self.epw, 6, "کد رهگیری", align="C", new_x="LMARGIN", new_y="NEXT")
        self.font(24, "B")
        self.ltr(self.epw, 12, to_persian_digits(format_tracking_code(item.tracking_code)))
        self.ln(2)
        self.set_draw_color(*RULE)
        self.line(MARGIN, self.get_y(), self.w - MARGIN, self.get_y())
        self.ln(2)
        self.row("دستگاه گیرنده:", item.agency.name)
        self.row("موضوع:", to_persian_digits(item.subject))
        self.row("متقاضی:", item.requester.display_name)
        self.row("تاریخ و ساعت ثبت:", format_jalali_datetime(item.submitted_at))
        self.row("اپراتور:", self.receipt.operator_name)
        self.ln(4)
        self.fee_box()
        self.ln(4)
        self.font(9)
        self.set_text_color(*MUTED)
        site = settings.PUBLIC_SITE_URL
        note = (
            "هر مرحله رسیدگی به شماره همراه متقاضی پیامک می‌شود. پیگیری با کد ملی و کد رهگیری "
            "در هر دفتر پیشخوان دولت یا در سامانه:"
        )
        self.multi_cell(self.epw, 5, note, align="R", new_x="LMARGIN", new_y="NEXT")
        self.ltr(self.epw, 5, f"{site}/track/", align="R")
        self.set_text_color(*INK)

    def fee_box(self) -> None:
        top = self.get_y()
        self.set_line_width(0.6)
        self.rect(MARGIN, top, self.epw, 20, round_corners=True, corner_radius=2)
        self.set_line_width(0.2)
        self.set_xy(MARGIN, top + 2)
        self.font(13, "B")
        text = f"هزینه رسمی این خدمت: {format_rials(self.receipt.fee)} ریال"
        self.cell(self.epw, 9, text, align="C", new_x="LMARGIN", new_y="NEXT")
        self.font(9)
        self.cell(self.epw, 6, "دریافت مبلغی بیش از تعرفه رسمی تخلف است.", align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_y(top + 20)


def render_receipt_pdf(receipt: ReceiptData) -> bytes:
    pdf = ReceiptPDF(receipt)
    pdf.draw()
    return bytes(pdf.output())
