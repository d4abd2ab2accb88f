"""Rich text from staff (response letters) is limited to safe formatting before it is stored."""

from __future__ import annotations

import re

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "blockquote"}

# Blocks that are already paragraphs or lists; the text around them is made into paragraphs.
_BLOCK = re.compile(r"<(p|ul|ol|blockquote)>.*?</\1>", re.DOTALL)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _clean(value: str) -> str:
    return nh3.clean(value, tags=ALLOWED_TAGS, attributes={}, url_schemes=set(), strip_comments=True)


def _paragraphs(text: str) -> str:
    paragraphs = [p.strip() for p in _BLANK_LINE.split(text.replace("\r\n", "\n")) if p.strip()]
    return "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs)


def sanitize_letter_html(value: str) -> str:
    """Keep paragraphs, line breaks, emphasis and lists; drop every attribute, link, image and script.

    Text typed in the plain box (with or without the toolbar's bold, italic and list tags) becomes
    paragraphs at blank lines and line breaks at single ones, so a letter reads as it was typed."""
    clean = _clean(value)
    pieces: list[str] = []
    position = 0
    for block in _BLOCK.finditer(clean):
        pieces.append(_paragraphs(clean[position : block.start()]))
        pieces.append(block[0])
        position = block.end()
    pieces.append(_paragraphs(clean[position:]))
    return _clean("".join(pieces))
