"""Digits on screen follow the page's language: Persian pages show ۰–۹, English pages 0–9."""

from __future__ import annotations

from django.utils.translation import get_language

from .persian import to_ascii_digits, to_persian_digits


def is_persian_page() -> bool:
    return (get_language() or "fa").startswith("fa")


def for_page(persian: str) -> str:
    """Text rendered the Persian way, adapted for an English page (ASCII digits, no Persian words)."""
    if is_persian_page():
        return persian
    return to_ascii_digits(persian).replace(" ساعت ", " ")


def screen_digits(value: object) -> str:
    return for_page(to_persian_digits(str(value)))
