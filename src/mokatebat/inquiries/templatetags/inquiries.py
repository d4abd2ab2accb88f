"""The «استعلام‌ها» section of the staff item page, rendered from this app so the page's own view
needs no change: ``{% include "inquiries/_item_section.html" %}``."""

from __future__ import annotations

from typing import Any

from django import template

from mokatebat.correspondence.auth import handed_over_at
from mokatebat.correspondence.models import Item
from mokatebat.organization.models import User

from ..auth import askable_types, can_ask
from ..forms import AskForm

register = template.Library()


@register.inclusion_tag("inquiries/_section.html", takes_context=True)
def inquiries_section(context: template.Context, item: Item) -> dict[str, Any]:
    # The page's view already fetched ``item`` for this user; the section shows only its inquiries.
    user = context["request"].user
    asking = isinstance(user, User) and can_ask(user, item)
    types = askable_types(item)
    inquiries = item.inquiries.select_related("inquiry_type", "target_agency", "answer_attachment", "asked_by")
    handed_over = handed_over_at(user, item) if isinstance(user, User) else None
    if handed_over is not None:
        inquiries = inquiries.filter(asked_at__lte=handed_over)  # the receiving agency's are its own
    return {
        "item": item,
        "inquiries": list(inquiries.order_by("asked_at", "pk")),
        "can_ask": asking,
        "form": AskForm(types=types) if asking and types.exists() else None,
        "types": list(types) if asking else [],
        "csrf_token": context.get("csrf_token"),
        "request": context["request"],
    }
