"""Tracking codes: unguessable, and typos are caught before any lookup."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import damm

from mokatebat.core.identifiers import InvalidIdentifier
from mokatebat.core.persian import to_persian_digits
from mokatebat.core.tracking import (
    clean_tracking_code,
    format_tracking_code,
    is_valid_tracking_code,
    new_tracking_code,
)

bodies = st.text(alphabet="0123456789", min_size=12, max_size=12)
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _with_check_digit(body: str) -> str:
    return body + damm.calc_check_digit(body)


def test_new_tracking_codes_are_thirteen_ascii_digits_and_valid() -> None:
    for _ in range(100):
        code = new_tracking_code()
        assert len(code) == 13
        assert code.isascii()
        assert code.isdigit()
        assert is_valid_tracking_code(code)


def test_a_thousand_new_tracking_codes_are_all_distinct() -> None:
    assert len({new_tracking_code() for _ in range(1000)}) == 1000


@given(bodies)
def test_every_single_digit_substitution_is_rejected(body: str) -> None:
    code = _with_check_digit(body)
    assert is_valid_tracking_code(code)
    for position in range(13):
        for digit in "0123456789":
            if digit != code[position]:
                typo = code[:position] + digit + code[position + 1 :]
                assert not is_valid_tracking_code(typo), typo


@given(bodies)
def test_every_adjacent_transposition_is_rejected(body: str) -> None:
    code = _with_check_digit(body)
    for position in range(12):
        left, right = code[position], code[position + 1]
        if left != right:
            swapped = code[:position] + right + left + code[position + 2 :]
            assert not is_valid_tracking_code(swapped), swapped


def test_generated_codes_also_reject_every_single_digit_substitution() -> None:
    code = new_tracking_code()
    for position in range(13):
        for digit in "0123456789":
            if digit != code[position]:
                typo = code[:position] + digit + code[position + 1 :]
                assert not is_valid_tracking_code(typo)


@given(bodies)
def test_codes_typed_with_persian_or_arabic_digits_and_separators_are_accepted(
    body: str,
) -> None:
    code = _with_check_digit(body)
    grouped = format_tracking_code(code)
    assert clean_tracking_code(to_persian_digits(grouped)) == code
    assert clean_tracking_code(code.translate(ARABIC_INDIC)) == code
    assert clean_tracking_code(f" {grouped.replace('-', ' ')} ") == code


def test_a_code_of_the_wrong_length_is_a_format_error() -> None:
    for value in ["", "123", new_tracking_code() + "0", new_tracking_code()[:12]]:
        with pytest.raises(InvalidIdentifier) as error:
            clean_tracking_code(value)
        assert error.value.code == "format"


def test_a_code_with_a_wrong_check_digit_is_a_checksum_error() -> None:
    code = _with_check_digit("123456789012")
    wrong = code[:12] + str((int(code[12]) + 1) % 10)
    with pytest.raises(InvalidIdentifier) as error:
        clean_tracking_code(wrong)
    assert error.value.code == "checksum"


def test_codes_are_grouped_in_fours_from_the_left_for_display() -> None:
    assert format_tracking_code("1234567890123") == "1234-5678-9012-3"


def test_formatting_an_already_grouped_code_does_not_change_it() -> None:
    assert format_tracking_code("1234-5678-9012-3") == "1234-5678-9012-3"
