"""Anonymisation (بی‌نام‌سازی, R19): find the requester's identifiers in free text and replace them.

Pure functions, no Django. What is removed:

* every run of 8 or more digits, in Persian, Arabic-Indic or Latin digits, possibly split into groups
  by single spaces, dashes or brackets. That one rule covers national IDs (10 digits), legal IDs (11),
  mobiles in every form (09…, 9…, +989…, 00989…, 989…) and landlines with or without the area code
  (8 local digits). Dates (1403/05/12) and amounts with thousands separators are not touched;
  an amount written as one bare run of 8+ digits is, and the PR expert can put it back when
  reviewing the copy: a missed identifier costs more than an over-eager redaction;
* e-mail addresses;
* the requester's name: the full name and each of its words (titles such as «سید» or «آقای» alone
  excepted), in any spelling variant: ي/ی، ك/ک، ة/ۀ/ه، آ/أ/ا, with or without ZWNJ or a space inside
  the word, with diacritics or tatweel;
* any other phrase given (e.g. the requester's address), matched the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

PLACEHOLDER = "[حذف شد]"

_DIGITS_TO_ASCII = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")

# On the digit-folded copy of the text (same length, so spans carry over).
_LONG_NUMBER = re.compile(r"(?<![0-9])[+(]?[0-9](?:[ \-()\u00a0]{0,2}[0-9]){7,}\)?(?![0-9])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")

# Letters typed in several ways on Persian and Arabic keyboards.
_VARIANTS: dict[str, str] = {
    "ی": "یيىئ",
    "ي": "یيىئ",
    "ى": "یيىئ",
    "ئ": "یيىئ",  # «رضائی» and «رضایی» are the same name
    "ک": "کكڪ",
    "ك": "کكڪ",
    "ه": "هۀةەہھ",
    "ۀ": "هۀةەہھ",
    "ة": "هۀةەہھ",
    "ا": "اآأإٱ",
    "آ": "اآأإٱ",
    "أ": "اآأإٱ",
    "إ": "اآأإٱ",
    "و": "وؤ",
    "ؤ": "وؤ",
}
_DIGIT_VARIANTS = ["".join(script[d] for script in ("0123456789", "۰۱۲۳۴۵۶۷۸۹", "٠١٢٣٤٥٦٧٨٩")) for d in range(10)]
# Between two letters of a name: diacritics, tatweel, and at most one ZWNJ/ZWJ/space.
_INSIDE = "[\u064b-\u065f\u0670\u0640]*[\u200c\u200d ]?[\u064b-\u065f\u0670\u0640]*"
_LETTER = r"[^\W\d_]"
# Words that are part of a name as written but identify nobody on their own.
_TITLES = frozenset(
    {"سید", "سیده", "حاج", "حاجی", "آقای", "آقا", "خانم", "دکتر", "مهندس", "شرکت", "موسسه", "مؤسسه", "بانو"}
)
_SEPARATORS = re.compile("[\\s\u200c\u200d\u0640\u064b-\u065f\u0670،,.\\-]+")


@dataclass(frozen=True)
class Identity:
    """What identifies this requester beyond the patterns every text is searched for."""

    names: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()


def _letters(word: str) -> list[str]:
    return [ch for ch in word.translate(_DIGITS_TO_ASCII) if ch.isalnum()]


def _word_pattern(letters: Iterable[str]) -> str:
    parts = []
    for ch in letters:
        variants = _VARIANTS.get(ch, ch) if not ch.isdigit() else _DIGIT_VARIANTS[int(ch)]
        parts.append(f"[{re.escape(variants)}]" if len(variants) > 1 else re.escape(ch))
    return _INSIDE.join(parts)


def _phrase_regex(phrase: str) -> re.Pattern[str] | None:
    """A phrase's words in order, each spelled any way, separated by spaces, ZWNJ or nothing."""
    words = [w for w in (_letters(part) for part in _SEPARATORS.split(phrase)) if w]
    if not words:
        return None
    between = f"(?:{_INSIDE}|[\\s،,.\\-]+)"
    body = between.join(_word_pattern(w) for w in words)
    return re.compile(f"(?<!{_LETTER}){body}(?!{_LETTER})", re.IGNORECASE)


def _name_regexes(identity: Identity) -> list[re.Pattern[str]]:
    """Whole phrases first (longest spans), then each word of each name on its own."""
    patterns: list[re.Pattern[str]] = []
    phrases = [*identity.names, *identity.phrases]
    words: set[str] = set()
    for name in identity.names:
        parts = ["".join(_letters(word)) for word in _SEPARATORS.split(name)]
        parts = [p for p in parts if p]
        # "محمد رضا" is also written "محمدرضا": each pair of neighbours is a word too.
        words.update(a + b for a, b in pairwise(parts) if a not in _TITLES)
        words.update(p for p in parts if len(p) >= 2 and p not in _TITLES)
    for text in [*sorted(phrases, key=len, reverse=True), *sorted(words, key=len, reverse=True)]:
        regex = _phrase_regex(text)
        if regex is not None:
            patterns.append(regex)
    return patterns


def find_identifiers(text: str, identity: Identity | None = None) -> list[tuple[int, int]]:
    """Spans (start, end) of everything that identifies the requester, merged and in order."""
    folded = text.translate(_DIGITS_TO_ASCII)
    spans = [m.span() for m in _LONG_NUMBER.finditer(folded)]
    spans += [m.span() for m in _EMAIL.finditer(folded)]
    for regex in _name_regexes(identity or Identity()):
        spans += [m.span() for m in regex.finditer(text) if m.end() > m.start()]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def redact(text: str, identity: Identity | None = None, placeholder: str = PLACEHOLDER) -> str:
    """``text`` with every identifier replaced by ``placeholder``."""
    pieces, last = [], 0
    for start, end in find_identifiers(text, identity):
        pieces += [text[last:start], placeholder]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def redact_file_name(name: str, identity: Identity | None = None) -> str:
    """A file name without identifiers; the extension is kept so the type stays recognisable."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > 5:
        return redact(name, identity, placeholder="حذف-شد")
    return f"{redact(stem, identity, placeholder='حذف-شد')}.{extension}"
