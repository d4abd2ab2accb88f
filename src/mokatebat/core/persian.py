"""Persian text normalisation shared by every input edge and search column.

Citizens type on Arabic keyboards, paste from PDFs and phones, and mix digit
scripts; without one canonical form the same name or code would be stored and
searched in several spellings. This module is framework-free on purpose.
"""

import re
import unicodedata

ZWNJ = "\u200c"

_PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
_ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
_ASCII_DIGITS = "0123456789"

_TO_ASCII_DIGITS = str.maketrans(_PERSIAN_DIGITS + _ARABIC_INDIC_DIGITS, _ASCII_DIGITS + _ASCII_DIGITS)
_TO_PERSIAN_DIGITS = str.maketrans(_ASCII_DIGITS, _PERSIAN_DIGITS)


def _build_normalize_table() -> dict[int, str | None]:
    """Map every single code point that normalize_text rewrites or drops."""
    table: dict[int, str | None] = {
        0x064A: "ی",  # Arabic yeh
        0x0649: "ی",  # Arabic alef maksura
        0x0643: "ک",  # Arabic kaf
        0x06AA: "ک",  # swash kaf
        0x06D5: "ه",  # Arabic letter AE, typed as heh by some keyboards
        0x06C1: "ه",  # heh goal (Urdu keyboards)
        0x06BE: "ه",  # heh doachashmee
    }
    table.update({code: chr(ascii_code) for code, ascii_code in _TO_ASCII_DIGITS.items()})
    # C0/C1 controls vanish, except the line structure we keep or rebuild.
    for code in [*range(0x20), *range(0x7F, 0xA0)]:
        table[code] = None
    table[ord("\t")] = "\t"
    table[ord("\n")] = "\n"
    for code in (0x0B, 0x0C):  # vertical tab, form feed: whitespace, not noise
        table[code] = " "
    for code in (0x85, 0x2028, 0x2029):  # NEL, line and paragraph separators
        table[code] = "\n"
    # Bidi controls, zero-width space and BOM carry no text and enable spoofing.
    for code in [0x061C, 0x200B, 0x200E, 0x200F, 0xFEFF, *range(0x202A, 0x202F)]:
        table[code] = None
    for code in range(0x2066, 0x206A):
        table[code] = None
    for code in [0x00A0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000]:
        table[code] = " "
    return table


_NORMALIZE_TABLE = _build_normalize_table()

# Arabic presentation forms (from legacy PDFs) fold to plain letters via NFKC.
_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufefc]+")
_ZWNJ_RUN = re.compile(ZWNJ + "+")
_ZWJ_AT_WORD_EDGE = re.compile(r"(?<!\S)\u200d+|\u200d+(?!\S)")
_INLINE_SPACE_RUN = re.compile(r"[ \t]+")
_EXTRA_BLANK_LINES = re.compile(r"\n{3,}")

# Diacritics (harakat, shadda, superscript alef) and tatweel are dropped.
_SEARCH_TABLE: dict[int, str | None] = {
    **dict.fromkeys([*range(0x064B, 0x0660), 0x0670, 0x0640]),
    ord("آ"): "ا",
    ord("أ"): "ا",
    ord("إ"): "ا",
    ord("ٱ"): "ا",
    ord("ة"): "ه",
    ord("ۀ"): "ه",
    ord("ؤ"): "و",
    ord(ZWNJ): " ",
}


def _is_word_char(char: str) -> bool:
    """True for letters and combining marks, the only valid ZWNJ neighbours."""
    return unicodedata.category(char)[0] in "LM"


def _tidy_zwnj(text: str) -> str:
    """Keep a single ZWNJ only where it joins two word characters."""

    def keep_if_inside_word(match: re.Match[str]) -> str:
        start, end = match.span()
        inside = start > 0 and end < len(text) and _is_word_char(text[start - 1]) and _is_word_char(text[end])
        return ZWNJ if inside else ""

    return _ZWNJ_RUN.sub(keep_if_inside_word, text)


def _tidy_whitespace(text: str, *, multiline: bool) -> str:
    """Collapse spaces within lines and excess blank lines between them."""
    if not multiline:
        text = text.replace("\n", " ")
    lines = [_INLINE_SPACE_RUN.sub(" ", line).strip(" ") for line in text.split("\n")]
    return _EXTRA_BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def normalize_text(value: str, *, multiline: bool = True) -> str:
    """Return the one canonical form of user text stored by the system.

    Idempotent, so it is safe to apply at every edge (forms, imports, APIs).
    With ``multiline=False`` newlines become spaces, for single-line fields.
    """
    text = unicodedata.normalize("NFC", value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _PRESENTATION_FORMS.sub(lambda match: unicodedata.normalize("NFKC", match.group()), text)
    text = text.translate(_NORMALIZE_TABLE)
    text = _tidy_zwnj(text)
    text = _ZWJ_AT_WORD_EDGE.sub("", text)
    text = _tidy_whitespace(text, multiline=multiline)
    # Dropping invisible characters can leave base + combining mark pairs.
    return unicodedata.normalize("NFC", text)


def search_key(value: str) -> str:
    """Fold text so that spelling variants of the same words compare equal.

    Used to build search columns and to prepare queries against them; the
    result is for matching only and must never be shown to users.
    """
    text = normalize_text(value, multiline=False).translate(_SEARCH_TABLE).lower()
    text = " ".join(text.split())
    return unicodedata.normalize("NFC", text)


def to_persian_digits(value: object) -> str:
    """Render ``str(value)`` with Persian digits for display to citizens."""
    return str(value).translate(_TO_PERSIAN_DIGITS)


PERSIAN_THOUSANDS = "\u066c"  # ٬ ARABIC THOUSANDS SEPARATOR (مميز هزارگان)


def group_thousands(amount: int) -> str:
    """«۴۵۰٬۰۰۰»: Persian digits grouped with the Persian separator, never a Latin comma.

    The one place amounts are grouped, for pages and printed PDFs alike.
    """
    return to_persian_digits(f"{amount:,}".replace(",", PERSIAN_THOUSANDS))


def to_ascii_digits(value: str) -> str:
    """Turn Persian and Arabic-Indic digits into ASCII for parsing."""
    return value.translate(_TO_ASCII_DIGITS)


# Endings that make word forms of one word (plural, ezafe, adjective): «مجوزها»، «مطب‌های»، «پزشکان».
_WORD_ENDINGS = ("هایی", "های", "ها", "ان", "ات", "ای", "ی")
# Words that carry nothing in a search box, including endings split off by a ZWNJ («مطب‌ها»).
_SEARCH_STOPWORDS = frozenset({"و", "در", "به", "از", "برای", "را", "با", "که", "این", "یا", *_WORD_ENDINGS})
_MIN_STEM = 3


def search_stems(query: str) -> list[str]:
    """The words of a search box reduced to their stems, each to be found as part of a search column.

    Matching a stem as a substring finds every form of the word: «مجوز» finds «مجوزهای»; stripping
    an ending that was part of the word only widens the match, never loses one.
    """
    stems = []
    for word in search_key(query).split():
        if word in _SEARCH_STOPWORDS:
            continue
        for ending in _WORD_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
                word = word[: -len(ending)]
                break
        stems.append(word)
    return list(dict.fromkeys(stems))


_TOKEN = re.compile(r"\S+")
_LATIN_TOKEN = re.compile(r"[A-Za-z]|&#")
_HTML_TAG = re.compile(r"(<[^>]*>)")


def persian_text_digits(value: object) -> str:
    """Stored text (normalised to ASCII digits for search) shown with Persian digits.

    A word with Latin letters in it (an e-mail, a web address, a form number such as ``A12``)
    keeps its digits as typed: only Persian words and bare numbers change script."""
    return _TOKEN.sub(
        lambda word: word[0] if _LATIN_TOKEN.search(word[0]) else word[0].translate(_TO_PERSIAN_DIGITS), str(value)
    )


def persian_html_digits(value: str) -> str:
    """``persian_text_digits`` for sanitised HTML: the text between tags changes, tags (``h2``) do not."""
    return "".join(part if part.startswith("<") else persian_text_digits(part) for part in _HTML_TAG.split(value))
