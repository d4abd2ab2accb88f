"""Agency settings that change what citizens go through: each change is one step with its actor."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .models import Organization, SettingChange, User


def agency_mobile_code_set(*, agency: Organization, actor: User | None, required: bool) -> Organization:
    """Require (or stop requiring) a one-time code to the mobile before a web letter is stored and its
    tracking code texted; the change is recorded with who made it."""
    with transaction.atomic():
        locked = Organization.objects.select_for_update().get(pk=agency.pk)
        if locked.submit_mobile_code_required != required:
            SettingChange.objects.create(
                organization=locked,
                actor=actor,
                setting="submit_mobile_code_required",
                before=str(locked.submit_mobile_code_required),
                after=str(required),
                changed_at=timezone.now(),
            )
            locked.submit_mobile_code_required = required
            locked.save(update_fields=["submit_mobile_code_required"])
    agency.submit_mobile_code_required = required
    return agency
