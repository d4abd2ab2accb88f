"""Validation and canonical forms of Iranian personal and legal identifiers.

Citizens type these with Persian digits, spaces, hyphens and country codes;
we store one canonical ASCII form so that lookups and uniqueness work.
Framework-free so that forms, imports and tests share the same rules.
"""

import random
import re
from typing import Literal

from mokatebat.core.persian import normalize_text

ErrorCode = Literal["format", "checksum", "same_digits"]

_SEPARATORS = re.compile("[\\s\\-\u2010-\u2015\u2212()]+")
_LEGAL_ID_WEIGHTS = (29, 27, 23, 19, 17, 29, 27, 23, 19, 17)


class InvalidIdentifier(ValueError):
    """An identifier failed validation; ``code`` says why, for message lookup."""

    def __init__(self, code: ErrorCode) -> None:
        super().__init__(code)
        self.code: ErrorCode = code


def _compact(value: str) -> str:
    """Normalise digits and drop the separators people type between them."""
    return _SEPARATORS.sub("", normalize_text(value, multiline=False))


def _require_digits(value: str, length: int) -> str:
    """Return the compacted digits, or raise if they are not ``length`` long."""
    digits = _compact(value)
    if not re.fullmatch(f"[0-9]{{{length}}}", digits):
        raise InvalidIdentifier("format")
    if len(set(digits)) == 1:
        raise InvalidIdentifier("same_digits")
    return digits


def _national_id_check_digit(body: str) -> int:
    """Mod-11 check digit of the first nine digits of a national ID."""
    remainder = sum(int(digit) * (10 - i) for i, digit in enumerate(body)) % 11
    return remainder if remainder < 2 else 11 - remainder


def _legal_id_check_digit(body: str) -> int:
    """Check digit of the first ten digits of a legal-entity national ID."""
    offset = int(body[9]) + 2
    total = sum((int(digit) + offset) * weight for digit, weight in zip(body, _LEGAL_ID_WEIGHTS, strict=True))
    remainder = total % 11
    return 0 if remainder == 10 else remainder


def clean_national_id(value: str) -> str:
    """Return the canonical 10-digit national ID (کد ملی) or raise."""
    digits = _require_digits(value, 10)
    if _national_id_check_digit(digits[:9]) != int(digits[9]):
        raise InvalidIdentifier("checksum")
    return digits


def is_valid_national_id(value: str) -> bool:
    """True if ``value`` is a well-formed national ID with a correct check digit."""
    try:
        clean_national_id(value)
    except InvalidIdentifier:
        return False
    return True


def clean_legal_id(value: str) -> str:
    """Return the canonical 11-digit legal-entity ID (شناسه ملی) or raise."""
    digits = _require_digits(value, 11)
    if _legal_id_check_digit(digits[:10]) != int(digits[10]):
        raise InvalidIdentifier("checksum")
    return digits


def is_valid_legal_id(value: str) -> bool:
    """True if ``value`` is a well-formed legal-entity ID with a correct check digit."""
    try:
        clean_legal_id(value)
    except InvalidIdentifier:
        return False
    return True


def clean_mobile(value: str) -> str:
    """Return an Iranian mobile number as ``09xxxxxxxxx`` or raise.

    Accepts the national form with or without the leading zero and the
    international forms +98, 0098 and 98 (optionally followed by the 0).
    """
    digits = _compact(value)
    international = digits.startswith(("+", "00"))
    digits = digits.removeprefix("+").removeprefix("00") if international else digits
    if not re.fullmatch("[0-9]+", digits):
        raise InvalidIdentifier("format")
    if international or (len(digits) == 12 and digits.startswith("98")):
        if not digits.startswith("98"):
            raise InvalidIdentifier("format")
        digits = digits[2:]
    subscriber = digits.removeprefix("0")
    if not re.fullmatch("9[0-9]{9}", subscriber):
        raise InvalidIdentifier("format")
    return "0" + subscriber


def is_valid_mobile(value: str) -> bool:
    """True if ``value`` can be read as an Iranian mobile number."""
    try:
        clean_mobile(value)
    except InvalidIdentifier:
        return False
    return True


def _random_digits(rng: random.Random, count: int) -> str:
    """Draw digits from the caller's seeded generator, for reproducible data."""
    return "".join(rng.choice("0123456789") for _ in range(count))


def generate_national_id(rng: random.Random) -> str:
    """Return a random valid national ID, for demo data and tests."""
    while True:
        body = _random_digits(rng, 9)
        candidate = body + str(_national_id_check_digit(body))
        if len(set(candidate)) > 1:
            return candidate


def generate_legal_id(rng: random.Random) -> str:
    """Return a random valid legal-entity ID, for demo data and tests."""
    while True:
        body = _random_digits(rng, 10)
        candidate = body + str(_legal_id_check_digit(body))
        if len(set(candidate)) > 1:
            return candidate


def mask_mobile(value: str) -> str:
    """``09123456789`` → ``0912***6789``: the operator prefix and the last four digits, as on a bill."""
    return f"{value[:4]}***{value[-4:]}" if len(value) > 8 else "***"


def mask_national_id(value: str) -> str:
    """``0499370899`` → ``04***899``: enough to match the card in hand, too little to use elsewhere."""
    return f"{value[:2]}***{value[-3:]}" if len(value) > 6 else "***"
