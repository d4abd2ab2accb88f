"""Tracking codes (کد رهگیری) that citizens quote to follow up their letters.

Twelve cryptographically random digits make codes unguessable, so knowing one
citizen's code reveals nothing about another's. A Damm check digit rejects
every single mistyped digit and every swap of two adjacent digits before the
code reaches the database.
"""

import re
import secrets

from stdnum import damm

from mokatebat.core.identifiers import InvalidIdentifier
from mokatebat.core.persian import normalize_text

TRACKING_CODE_LENGTH = 13
_RANDOM_DIGITS = TRACKING_CODE_LENGTH - 1
_SEPARATORS = re.compile("[\\s\\-\u2010-\u2015\u2212]+")
_GROUP_SIZE = 4


def _compact(value: str) -> str:
    """Normalise digits and drop the spaces and hyphens users type."""
    return _SEPARATORS.sub("", normalize_text(value, multiline=False))


def new_tracking_code() -> str:
    """Return a fresh 13-digit tracking code (may start with 0)."""
    body = f"{secrets.randbelow(10**_RANDOM_DIGITS):0{_RANDOM_DIGITS}d}"
    return body + damm.calc_check_digit(body)


def clean_tracking_code(value: str) -> str:
    """Return the canonical 13-digit ASCII code from user input or raise."""
    code = _compact(value)
    if not re.fullmatch(f"[0-9]{{{TRACKING_CODE_LENGTH}}}", code):
        raise InvalidIdentifier("format")
    if not damm.is_valid(code):
        raise InvalidIdentifier("checksum")
    return code


def is_valid_tracking_code(value: str) -> bool:
    """True if ``value`` is a 13-digit code whose Damm check digit matches."""
    try:
        clean_tracking_code(value)
    except InvalidIdentifier:
        return False
    return True


def format_tracking_code(code: str) -> str:
    """Group a code as ``1234-5678-9012-3`` so it is easy to read aloud.

    Does not validate: it is used for display, where raising would break a page.
    """
    compact = _compact(code)
    return "-".join(compact[start : start + _GROUP_SIZE] for start in range(0, len(compact), _GROUP_SIZE))
