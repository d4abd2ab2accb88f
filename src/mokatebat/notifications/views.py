"""Staff pages about SMS (the outbox a clerk or an on-call engineer reads) and the gateway's
delivery-report webhook."""

from __future__ import annotations

import hmac
import uuid

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from mokatebat.core.edge import loads_json
from mokatebat.correspondence.auth import items_visible_to
from mokatebat.organization.access import staff_required
from mokatebat.publicrelations.auth import identity_hidden_items

from .messages import staff_text
from .models import GatewayPause, OutboxMessage, SmsState
from .outbox import record_delivery_report

REPORT_STATUSES = ("delivered", "failed")  # a tuple: `in` must not hash whatever JSON sent


@staff_required
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    """Messages about items this user may see, newest first, filterable by state."""
    messages = OutboxMessage.objects.filter(item__in=items_visible_to(request.user))  # type: ignore[arg-type]
    messages = messages.exclude(item__in=identity_hidden_items(request.user))  # type: ignore[arg-type]
    state = request.GET.get("state", "")
    if state in SmsState.values:
        messages = messages.filter(state=state)
    page = Paginator(messages.select_related("item").order_by("-created_at", "-id"), 50).get_page(
        request.GET.get("page")
    )
    # One-time codes and survey links are never shown to staff (someone rated could rate themselves).
    rows = [{"message": m, "text": staff_text(m.template, m.body), "cost": _cost(m)} for m in page]
    context = {
        "page": page,
        "rows": rows,
        "states": SmsState.choices,
        "state": state,
        "pause": GatewayPause.objects.filter(provider=settings.SMS_PROVIDER, paused_at__isnull=False).first(),
    }
    return render(request, "notifications/outbox.html", context)


@csrf_exempt  # called by the gateway, which holds the API key, not a session
@require_POST
def delivery_report(request: HttpRequest) -> JsonResponse:
    """The gateway tells us whether a message reached the phone. Repeats and late reports are safe."""
    if not _from_gateway(request):
        return JsonResponse({"error": "forbidden"}, status=403)
    try:
        report = loads_json(request.body)  # never a RecursionError: the edge bounds nesting
        reference = uuid.UUID(str(report["reference"]))
        status = report["status"]
    except (ValueError, KeyError, TypeError):
        status = None
    if status not in REPORT_STATUSES:
        return JsonResponse({"error": 'expected {"reference": "<uuid>", "status": "delivered"|"failed"}'}, status=400)
    message = record_delivery_report(reference=reference, delivered=status == "delivered")
    if message is None:
        return JsonResponse({"error": "unknown reference"}, status=404)
    return JsonResponse({"reference": str(message.reference), "state": message.state})


COST_UNITS = {"kavenegar": _("ریال"), "smsir": _("واحد اعتبار")}


def _cost(message: OutboxMessage) -> str:
    """The gateway's reported cost with its unit, Persian thousands separator; empty when unknown."""
    if message.cost is None:
        return ""
    amount = f"{message.cost.normalize():,f}".replace(",", "٬")
    return f"{amount} {COST_UNITS.get(message.provider, '')}".strip()


def _from_gateway(request: HttpRequest) -> bool:
    key = settings.SMS_GATEWAY_API_KEY
    # No key configured means no reports accepted, not "an empty header matches".
    return bool(key) and hmac.compare_digest(
        request.headers.get("Authorization", "").encode(), f"Bearer {key}".encode()
    )
