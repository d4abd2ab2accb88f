"""Rich text from staff (response letters) is limited to safe formatting before it is stored."""

from __future__ import annotations

import html

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "blockquote"}


def sanitize_letter_html(value: str) -> str:
    """Keep paragraphs, line breaks, emphasis and lists; drop every attribute, link, image and script.

    Plain text (no tags) becomes paragraphs, so a letter typed without an editor still reads well.
    """
    if "<" not in value:
        paragraphs = [p.strip() for p in value.replace("\r\n", "\n").split("\n\n") if p.strip()]
        value = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    return nh3.clean(value, tags=ALLOWED_TAGS, attributes={}, url_schemes=set(), strip_comments=True)
