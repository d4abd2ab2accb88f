"""Template helpers of the service pages, and the service section of the staff item page."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.http import HttpRequest

from mokatebat.correspondence.models import Item, PendingUpload
from mokatebat.organization.models import User

from ..auth import can_deliver
from ..forms import OutcomeForm
from ..formspec import ServiceRequestFormBase, answer_rows
from ..models import FieldType, ServiceRequest

register = template.Library()


@register.filter
def bound_field(form: forms.Form, name: str) -> forms.BoundField:
    return form[name]


@register.filter
def kept_document(form: ServiceRequestFormBase, key: str) -> PendingUpload | None:
    return form.kept_document(key)


@register.filter
def field_type_label(value: str) -> str:
    return str(FieldType(value).label) if value in FieldType.values else value


@register.inclusion_tag("services/_track_service.html")
def service_track_summary(item: Item) -> dict[str, Any]:
    """On the citizen's tracking page: which service this is, and whether its outcome is ready."""
    service_request = ServiceRequest.objects.select_related("card_version").filter(item=item).first()
    return {"service_request": service_request}


@register.inclusion_tag("services/_item_service.html", takes_context=True)
def service_request_panel(context: template.Context, item: Item) -> dict[str, Any]:
    """On the staff item page: the service, its answers and documents, and «صدور سند/تصمیم».

    The page already checked that this person may see the item; delivering needs more (``can_deliver``).
    """
    service_request = (
        ServiceRequest.objects.select_related("service", "card_version", "form_version", "outcome")
        .filter(item=item)
        .first()
    )
    if service_request is None:
        return {"service_request": None}
    request: HttpRequest = context["request"]
    user = request.user
    specs = service_request.form_version.fields if service_request.form_version else []
    deliverable = (
        isinstance(user, User)
        and service_request.outcome_id is None
        and item.status != "closed"
        and can_deliver(user, item)
    )
    return {
        "item": item,
        "service_request": service_request,
        "rows": answer_rows(specs, service_request.answers),
        "outcome_form": OutcomeForm(
            prefix=OutcomeForm.PREFIX, initial={"kind": "document", "title": service_request.card_version.title}
        )
        if deliverable
        else None,
        "csrf_token": context.get("csrf_token"),
    }
