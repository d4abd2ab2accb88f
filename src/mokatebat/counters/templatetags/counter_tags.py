"""Amounts of money the way a receipt shows them: ۴۵۰٬۰۰۰ on Persian pages, 450,000 on English ones."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from mokatebat.core.persian import PERSIAN_THOUSANDS, group_thousands, to_ascii_digits

register = template.Library()


def format_rials(amount: int | None) -> str:
    """Grouped in thousands with Persian digits, for pages and printed receipts."""
    return group_thousands(amount or 0)


@register.filter
def rials(amount: int | None) -> str:
    text = format_rials(amount)
    if (get_language() or "fa").startswith("fa"):
        return text
    return to_ascii_digits(text).replace(PERSIAN_THOUSANDS, ",")
