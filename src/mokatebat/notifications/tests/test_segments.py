"""How many parts an SMS is billed as: Persian is UCS-2 (70 in one part, 67 per part after),
pure Latin is GSM-7 (160, then 153; the extension characters count twice)."""

from __future__ import annotations

import pytest

from mokatebat.notifications.messages import sms_segments


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("", 1),
        ("س" * 70, 1),
        ("س" * 71, 2),
        ("س" * 134, 2),
        ("س" * 135, 3),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # two septets each: 160
        ("€" * 81, 2),
        ("a" * 100 + "ی", 2),  # one Persian letter makes the whole text UCS-2
        ("😀" * 35, 1),  # a surrogate pair is two UCS-2 units
        ("😀" * 36, 2),
    ],
)
def test_parts_follow_the_alphabet_the_text_needs(text, parts):
    assert sms_segments(text) == parts


def test_a_queued_message_stores_its_parts(queue_message):
    message = queue_message()

    assert message.segments == sms_segments(message.body) == 2
