"""Persian text normalisation: the canonical form every input is stored in."""

import re

from hypothesis import given
from hypothesis import strategies as st

from mokatebat.core.persian import (
    normalize_text,
    search_key,
    to_ascii_digits,
    to_persian_digits,
)

# Characters that real input contains and normalisation must deal with.
TRICKY = (
    "يىكە ۀ ہ ھ ڪ ۰۱۲۳۴۵۶۷۸۹ ٠١٢٣٤٥٦٧٨٩ \u200c\u200d\u200b\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\ufeff"
    "\u00a0\u2000\u2005\u200a\u202f\u3000\t\n\r\x00\x07\x0b\x0c\x1f\x7f\x85\x9f"
    "\u2028\u2029\u064b\u064e\u0651\u0654\u0670\u0640آأإؤئةـ"
    "\ufef3\ufef4\ufedb\ufdf2\u0301e aA ك‌ی"
)
texts = st.text(
    alphabet=st.one_of(st.sampled_from(TRICKY), st.characters(codec="utf-8")),
    max_size=60,
)

BIDI_AND_INVISIBLE = re.compile("[\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
FOREIGN_DIGITS = re.compile("[۰-۹٠-٩]")
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@given(texts)
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


@given(texts)
def test_single_line_normalisation_is_idempotent(text: str) -> None:
    once = normalize_text(text, multiline=False)
    assert normalize_text(once, multiline=False) == once


@given(texts)
def test_normalised_text_has_no_arabic_letters_foreign_digits_or_invisible_controls(
    text: str,
) -> None:
    result = normalize_text(text)
    assert "ي" not in result
    assert "ك" not in result
    assert "ى" not in result
    assert not FOREIGN_DIGITS.search(result)
    assert not BIDI_AND_INVISIBLE.search(result)
    assert not CONTROLS.search(result)
    assert "\r" not in result


@given(texts)
def test_normalised_text_has_no_stray_whitespace(text: str) -> None:
    result = normalize_text(text)
    assert result == result.strip()
    assert "  " not in result
    assert "\t" not in result
    assert "\n\n\n" not in result
    assert all(line == line.strip() for line in result.split("\n"))


@given(texts)
def test_single_line_normalisation_never_contains_a_newline(text: str) -> None:
    assert "\n" not in normalize_text(text, multiline=False)


@given(texts)
def test_search_key_is_idempotent(text: str) -> None:
    once = search_key(text)
    assert search_key(once) == once


def test_arabic_yeh_and_kaf_become_persian() -> None:
    assert normalize_text("علي كريمي") == "علی کریمی"
    assert normalize_text("مصطفى") == "مصطفی"


def test_persian_and_arabic_indic_digits_become_ascii() -> None:
    assert normalize_text("۰۹۱۲ ٣٤٥") == "0912 345"


def test_arabic_presentation_forms_from_pdfs_become_plain_persian_letters() -> None:
    assert normalize_text("\ufedb\ufe98\ufe8e\ufe8f") == "کتاب"


def test_heh_with_yeh_above_is_kept() -> None:
    assert normalize_text("خانۀ ما") == "خانۀ ما"


def test_bidi_controls_and_zero_width_space_are_removed() -> None:
    assert normalize_text("\u202eabc\u202c\u200f\u200bد\ufeff") == "abcد"


def test_control_characters_are_removed_but_tabs_and_newlines_survive_as_spacing() -> None:
    assert normalize_text("a\x00b\tc\r\nd\re") == "ab c\nd\ne"


def test_repeated_zwnj_collapses_to_one_inside_a_word() -> None:
    assert normalize_text("می\u200c\u200c\u200cروم") == "می\u200cروم"


def test_zwnj_at_word_edges_or_next_to_space_is_dropped() -> None:
    assert normalize_text("\u200cمی\u200c روم\u200c") == "می روم"
    assert normalize_text("کتاب\u200c.") == "کتاب."


def test_zwj_next_to_space_is_dropped_but_kept_inside_words() -> None:
    assert normalize_text("a\u200d b") == "a b"
    assert normalize_text("a\u200db") == "a\u200db"


def test_unicode_spaces_collapse_to_one_ascii_space() -> None:
    assert normalize_text("a\u00a0\u2003\u202f\u3000 b") == "a b"


def test_three_or_more_blank_lines_collapse_to_one_blank_line() -> None:
    assert normalize_text("  a  \n\n\n\n  b \n c ") == "a\n\nb\nc"


def test_single_line_mode_turns_newlines_into_single_spaces() -> None:
    assert normalize_text("a\n\n b\nc", multiline=False) == "a b c"


def test_search_key_ignores_diacritics_tatweel_alef_variants_and_zwnj() -> None:
    assert search_key("مُحَمّـــد") == search_key("محمد")
    assert search_key("آقای") == search_key("اقای")
    assert search_key("أحمد إبراهيم") == "احمد ابراهیم"
    assert search_key("می\u200cروم") == "می روم"
    assert search_key("مدرسة") == "مدرسه"
    assert search_key("مؤسسه") == "موسسه"
    assert search_key("  Tehran   CITY ") == "tehran city"


def test_search_key_matches_arabic_keyboard_input_with_persian_text() -> None:
    assert search_key("علي كريمي") == search_key("علی کریمی")


def test_digits_convert_to_persian_for_display_and_back_for_parsing() -> None:
    assert to_persian_digits(1405) == "۱۴۰۵"
    assert to_persian_digits("12.50") == "۱۲.۵۰"
    assert to_ascii_digits("۱۴۰۵/٠٩") == "1405/09"


@given(st.integers(min_value=0))
def test_persian_digits_round_trip_to_ascii(number: int) -> None:
    assert to_ascii_digits(to_persian_digits(number)) == str(number)


def test_search_stems_fold_word_forms_and_drop_empty_words() -> None:
    from mokatebat.core.persian import search_stems

    assert search_stems("مجوزهای مطب‌ها") == ["مجوز", "مطب"]
    assert search_stems("پزشکان برای مطب") == ["پزشک", "مطب"]
    assert search_stems("مجوز مطب") == ["مجوز", "مطب"]
    assert search_stems("  ") == []


def test_amounts_are_grouped_with_the_persian_separator_never_a_latin_comma() -> None:
    from mokatebat.core.persian import group_thousands

    assert group_thousands(450_000) == "۴۵۰٬۰۰۰"
    assert group_thousands(1_050_000) == "۱٬۰۵۰٬۰۰۰"
    assert group_thousands(0) == "۰"
    assert "," not in group_thousands(123_456_789)
