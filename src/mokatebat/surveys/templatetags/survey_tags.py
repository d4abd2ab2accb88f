"""Averages as Persian readers write decimals: ۳٫۷"""

from __future__ import annotations

from django import template

from mokatebat.core.persian import to_persian_digits

register = template.Library()


@register.filter
def score(value: float | None) -> str:
    if value is None:
        return "—"
    return to_persian_digits(f"{value:.1f}").replace(".", "٫")
