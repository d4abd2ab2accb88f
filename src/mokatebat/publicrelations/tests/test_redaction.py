"""R19: the redaction finds the requester's identifiers wherever and however they are written.

Property-based: Persian filler text (no digits) with identifiers embedded in Persian, Arabic-Indic
or Latin digits, in every written form; after redaction none of them is left, and the filler is.
"""

from __future__ import annotations

import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from mokatebat.core.identifiers import generate_legal_id, generate_national_id
from mokatebat.core.persian import search_key
from mokatebat.publicrelations.redaction import PLACEHOLDER, Identity, redact, redact_file_name

SCRIPTS = ("0123456789", "۰۱۲۳۴۵۶۷۸۹", "٠١٢٣٤٥٦٧٨٩")
FILLER_WORDS = [
    "با",
    "سلام",
    "احتراما",
    "به",
    "استحضار",
    "می‌رساند",
    "درخواست",
    "رسیدگی",
    "شکایت",
    "اینجانب",
    "از",
    "واحد",
    "پذیرش",
    "بیمارستان",
    "برخورد",
    "نامناسب",
    "کارمند",
    "داشت",
    "تاریخ",
    "مراجعه",
    "کردم",
    "لطفا",
    "پیگیری",
    "شود",
]
FIRST_NAMES = ["مریم", "علی", "محمدرضا", "زهرا", "کیوان", "فاطمه", "یگانه", "مصطفی"]
LAST_NAMES = ["رضایی", "کریمی", "یزدان‌پناه", "کاکایی", "حسینی‌زاده", "ملکی", "کیانی", "رضائی‌نژاد"]
DIGITLESS = re.compile("[0-9۰-۹٠-٩]")


def in_script(digits: str, script: str) -> str:
    return digits.translate(str.maketrans("0123456789", script))


def arabic_letters(text: str) -> str:
    """How the same name looks typed on an Arabic keyboard (and with the hamza seat spelled out)."""
    return text.replace("ئ", "ی").replace("ی", "ي").replace("ک", "ك")


def fold(text: str) -> str:
    """One spelling for comparing names: letter variants, hamza seat, no spaces or ZWNJ."""
    return search_key(text).replace("ئ", "ی").replace(" ", "")


def ascii_digits(text: str) -> str:
    return text.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789"))


@st.composite
def mobiles(draw: st.DrawFn) -> tuple[str, str]:
    """(how it is written, its 10 significant digits)."""
    subscriber = "9" + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=9, max_size=9)))
    prefix = draw(st.sampled_from(["0", "+98", "0098", "98", "+98 ", "0098-", ""]))
    grouped = draw(st.booleans())
    body = f"{subscriber[:3]} {subscriber[3:6]} {subscriber[6:]}" if grouped else subscriber
    return prefix + body, subscriber


@st.composite
def landlines(draw: st.DrawFn) -> tuple[str, str]:
    area = draw(st.sampled_from(["021", "076", "031", "0713"]))
    local = "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=8, max_size=8)))
    local = str(draw(st.integers(2, 8))) + local[1:]
    form = draw(st.sampled_from(["{a}-{l}", "({a}) {l}", "{a}{l}", "{l}", "+98 {a1} {l}"]))
    return form.format(a=area, l=local, a1=area[1:]), local


@st.composite
def letters_with_identifiers(draw: st.DrawFn) -> tuple[str, Identity, list[str], list[str]]:
    """(letter text, requester identity, digit strings that must vanish, name variants that must vanish)."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    national_id = generate_national_id(rng)
    legal_id = generate_legal_id(rng)
    mobile, mobile_digits = draw(mobiles())
    landline, landline_digits = draw(landlines())
    email = draw(st.from_regex(r"[a-z][a-z0-9._]{1,12}@[a-z]{2,8}\.(ir|com|org)", fullmatch=True))
    first, last = draw(st.sampled_from(FIRST_NAMES)), draw(st.sampled_from(LAST_NAMES))
    full_name = f"{first} {last}"
    written_name = draw(
        st.sampled_from(
            [full_name, arabic_letters(full_name), full_name.replace("\u200c", " "), full_name.replace("\u200c", "")]
        )
    )
    pieces = [
        f"اینجانب {written_name}",
        f"کد ملی {national_id}",
        f"شناسه ملی {legal_id}",
        f"همراه {mobile}",
        f"تلفن {landline}",
        f"رایانامه {email}",
        f"خانم {arabic_letters(last)}",
    ]
    draw(st.randoms()).shuffle(pieces)
    words = draw(st.lists(st.sampled_from(FILLER_WORDS), min_size=len(pieces), max_size=len(pieces) + 30))
    text = " ".join(words[: len(words) - len(pieces)])
    for piece, word in zip(pieces, words[len(words) - len(pieces) :], strict=True):
        script = draw(st.sampled_from(SCRIPTS))
        text += f" {word} {in_script(piece, script)}"
    identity = Identity(names=(full_name,))
    secrets = [national_id, legal_id, mobile_digits, landline_digits, email]
    # Each word of the name must go, not only the whole: «رضائی» from «رضائی‌نژاد» identifies too.
    return text, identity, secrets, [first, *last.split("\u200c")]


@settings(max_examples=300, deadline=None)
@given(letters_with_identifiers())
def test_no_identifier_survives_redaction_in_any_digit_script(
    case: tuple[str, Identity, list[str], list[str]],
) -> None:
    text, identity, secrets, names = case
    redacted = redact(text, identity)
    flat = ascii_digits(redacted)
    for secret in secrets:
        assert secret not in flat.replace(" ", "").replace("-", "")
    folded = fold(redacted)
    for name in names:
        assert fold(name) not in folded
    assert not DIGITLESS.search(redacted), redacted  # every digit in this text belonged to an identifier
    assert PLACEHOLDER in redacted


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(FILLER_WORDS), min_size=1, max_size=40), st.sampled_from(FIRST_NAMES))
def test_text_without_identifiers_is_left_as_it_was(words: list[str], name: str) -> None:
    text = " ".join(words) + " در تاریخ ۱۴۰۳/۰۵/۱۲ مبلغ ۴۵۰٬۰۰۰ ریال، ساعت ۱۰:۳۰"
    assert redact(text, Identity(names=(f"{name} ندیمی",))) == text


@settings(max_examples=200, deadline=None)
@given(letters_with_identifiers())
def test_redaction_is_idempotent(case: tuple[str, Identity, list[str], list[str]]) -> None:
    text, identity, _secrets, _names = case
    once = redact(text, identity)
    assert redact(once, identity) == once


def test_name_is_found_with_arabic_letters_zwnj_and_diacritics() -> None:
    identity = Identity(names=("سید محمد\u200cرضا یزدان\u200cپناه",))
    for written in ["سيد محمدرضا يزدان پناه", "محمد رضا", "يَزدانپناه", "یزدان\u200cپناه", "YAZDAN"]:
        result = redact(f"نامه {written} درباره", identity)
        if written == "YAZDAN":
            assert result == f"نامه {written} درباره"  # Latin spelling is not derived from a Persian name
        else:
            assert result == f"نامه {PLACEHOLDER} درباره", written


def test_titles_alone_and_other_words_containing_the_name_are_kept() -> None:
    identity = Identity(names=("آقای علی کریمی",))
    assert redact("آقای مدیر و علیرضا و کریمیان", identity) == "آقای مدیر و علیرضا و کریمیان"


def test_address_phrase_with_digits_is_removed() -> None:
    identity = Identity(names=("مریم رضایی",), phrases=("تهران، خیابان آزادی، پلاک 12",))
    assert redact("ساکن تهران خیابان آزادی پلاک ۱۲ هستم", identity) == f"ساکن {PLACEHOLDER} هستم"


def test_file_name_keeps_its_extension() -> None:
    identity = Identity(names=("مریم رضایی",))
    assert redact_file_name("شکایت-رضایي-09121234567.pdf", identity) == "شکایت-حذف-شد-حذف-شد.pdf"
    assert redact_file_name("scan.jpg", identity) == "scan.jpg"
