"""What an on-call engineer (and ``/readyz``) needs to know about SMS: an empty list when all is well."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from .models import GatewayPause
from .providers import check_provider_settings


def sms_problems() -> list[str]:
    """Problems that stop SMS from going out: provider settings that cannot work, or sending paused
    because the gateway refuses our key or credit. English, for logs and health checks."""
    try:
        provider = check_provider_settings()
    except ImproperlyConfigured as error:
        return [f"SMS provider misconfigured: {error}"]
    return [
        f"SMS sending through {provider} paused since "
        f"{timezone.localtime(pause.paused_at).isoformat(timespec='seconds')}: {pause.reason}"
        for pause in GatewayPause.objects.filter(provider=provider, paused_at__isnull=False)
        if pause.paused_at is not None
    ]
