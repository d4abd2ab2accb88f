"""Iranian national IDs, legal-entity IDs and mobile numbers."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mokatebat.core.identifiers import (
    InvalidIdentifier,
    clean_legal_id,
    clean_mobile,
    clean_national_id,
    generate_legal_id,
    generate_national_id,
    is_valid_legal_id,
    is_valid_mobile,
    is_valid_national_id,
)
from mokatebat.core.persian import to_persian_digits

seeds = st.integers(min_value=0, max_value=2**32)
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_known_valid_national_id_is_accepted() -> None:
    assert is_valid_national_id("0499370899")
    assert clean_national_id("049-937089-9") == "0499370899"
    assert clean_national_id("۰۴۹۹۳۷۰۸۹۹") == "0499370899"


def test_national_id_with_wrong_check_digit_is_rejected_as_checksum_error() -> None:
    assert not is_valid_national_id("0499370898")
    with pytest.raises(InvalidIdentifier) as error:
        clean_national_id("0499370898")
    assert error.value.code == "checksum"


@pytest.mark.parametrize("digit", "0123456789")
def test_national_ids_of_one_repeated_digit_are_rejected(digit: str) -> None:
    with pytest.raises(InvalidIdentifier) as error:
        clean_national_id(digit * 10)
    assert error.value.code == "same_digits"


@pytest.mark.parametrize("value", ["", "499370899", "04993708990", "04993708a9", "١٢"])
def test_national_id_of_wrong_length_or_characters_is_a_format_error(
    value: str,
) -> None:
    with pytest.raises(InvalidIdentifier) as error:
        clean_national_id(value)
    assert error.value.code == "format"


def test_invalid_identifier_is_a_value_error() -> None:
    assert issubclass(InvalidIdentifier, ValueError)


@given(seeds)
def test_every_generated_national_id_validates(seed: int) -> None:
    national_id = generate_national_id(random.Random(seed))
    assert len(national_id) == 10
    assert clean_national_id(national_id) == national_id


def _single_digit_changes(value: str) -> list[str]:
    return [
        value[:position] + digit + value[position + 1 :]
        for position in range(len(value))
        for digit in "0123456789"
        if digit != value[position]
    ]


@given(seeds)
def test_every_single_digit_change_of_a_national_id_is_rejected_unless_check_is_1(
    seed: int,
) -> None:
    # The official mod-11 scheme maps remainders 1 and 10 both to check digit 1,
    # so only IDs ending in 1 can survive a typo; all others never do.
    national_id = generate_national_id(random.Random(seed))
    for changed in _single_digit_changes(national_id):
        if is_valid_national_id(changed):
            assert national_id[9] == changed[9] == "1", changed


def test_national_ids_ending_in_1_have_an_inherent_single_typo_blind_spot() -> None:
    # Documents the weakness of the official algorithm rather than hiding it.
    assert is_valid_national_id("2607404991")
    assert is_valid_national_id("0607404991")


@given(seeds)
def test_changing_the_check_digit_of_a_national_id_is_always_rejected(
    seed: int,
) -> None:
    national_id = generate_national_id(random.Random(seed))
    for digit in "0123456789":
        if digit != national_id[9]:
            assert not is_valid_national_id(national_id[:9] + digit)


def test_known_valid_legal_id_is_accepted() -> None:
    # Valid example used by the persian-tools library's test suite.
    assert is_valid_legal_id("10380284790")
    assert clean_legal_id("۱۰۳۸۰۲۸۴۷۹۰") == "10380284790"


def test_legal_id_with_wrong_check_digit_is_rejected() -> None:
    assert not is_valid_legal_id("10380284792")
    assert not is_valid_legal_id("10380285692")


def test_claimed_legal_id_10100317526_fails_the_published_checksum() -> None:
    # The published algorithm gives check digit 1 for 1010031752, not 6; the
    # same algorithm accepts the reference value above, so this input is
    # rejected rather than the algorithm bent to fit it.
    with pytest.raises(InvalidIdentifier) as error:
        clean_legal_id("10100317526")
    assert error.value.code == "checksum"
    assert is_valid_legal_id("10100317521")


def test_legal_id_of_one_repeated_digit_is_rejected() -> None:
    with pytest.raises(InvalidIdentifier) as error:
        clean_legal_id("11111111111")
    assert error.value.code == "same_digits"


def test_legal_id_of_wrong_length_is_a_format_error() -> None:
    with pytest.raises(InvalidIdentifier) as error:
        clean_legal_id("1038028479")
    assert error.value.code == "format"


@given(seeds)
def test_every_generated_legal_id_validates(seed: int) -> None:
    legal_id = generate_legal_id(random.Random(seed))
    assert len(legal_id) == 11
    assert clean_legal_id(legal_id) == legal_id


@given(seeds)
def test_changing_the_check_digit_of_a_legal_id_is_rejected(seed: int) -> None:
    legal_id = generate_legal_id(random.Random(seed))
    for digit in "0123456789":
        if digit != legal_id[10]:
            assert not is_valid_legal_id(legal_id[:10] + digit)


def test_generators_are_reproducible_from_a_seed() -> None:
    assert generate_national_id(random.Random(7)) == generate_national_id(random.Random(7))
    assert generate_legal_id(random.Random(7)) == generate_legal_id(random.Random(7))


@pytest.mark.parametrize(
    "typed",
    [
        "09121234567",
        "9121234567",
        "+989121234567",
        "00989121234567",
        "989121234567",
        "+98 (912) 123-4567",
        "+98 0912 123 4567",
        "۰۹۱۲ ۱۲۳ ۴۵۶۷",
        "٠٩١٢-١٢٣-٤٥٦٧",
        "\u200e0912 123 4567\u200f",
    ],
)
def test_mobile_numbers_in_any_common_spelling_become_09_form(typed: str) -> None:
    assert clean_mobile(typed) == "09121234567"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "0912123456",
        "091212345678",
        "02112345678",
        "+19121234567",
        "0019121234567",
        "0912+1234567",
        "09121234abc",
        "+98812345678",
    ],
)
def test_non_mobile_numbers_are_rejected(typed: str) -> None:
    assert not is_valid_mobile(typed)
    with pytest.raises(InvalidIdentifier) as error:
        clean_mobile(typed)
    assert error.value.code == "format"


@given(
    subscriber=st.text(alphabet="0123456789", min_size=9, max_size=9),
    prefix=st.sampled_from(["0", "", "+98", "0098", "98", "+98 0"]),
    script=st.sampled_from(["latin", "persian", "arabic"]),
    separator=st.sampled_from(["", " ", "-"]),
)
def test_digit_scripts_and_prefixes_of_one_mobile_give_the_same_canonical_form(
    subscriber: str, prefix: str, script: str, separator: str
) -> None:
    national = "9" + subscriber
    typed = prefix + separator.join([national[:3], national[3:6], national[6:]])
    if script == "persian":
        typed = to_persian_digits(typed)
    elif script == "arabic":
        typed = typed.translate(ARABIC_INDIC)
    assert clean_mobile(typed) == "0" + national
