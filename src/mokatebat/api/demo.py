"""Demo client system for `make run`: a published token, like the demo passwords (refused in production)."""

from __future__ import annotations

from django.db import transaction

from mokatebat.organization.models import Membership, Organization, Role, User

from .models import ClientSystem, Scope, hash_token

DEMO_TOKEN = "mk_demo-moh-published-not-secret"  # noqa: S105 - published on purpose: demo data only
DEMO_AGENCY = "moh"


def load_demo() -> str:
    """Idempotent: one client system of the demo ministry with every scope. Returns what to print."""
    agency = Organization.objects.agencies().filter(code=DEMO_AGENCY).first()
    if agency is None:
        return ""
    with transaction.atomic():
        user, _created = User.objects.get_or_create(username="api-demo-moh", defaults={"first_name": "سامانه نمونه"})
        if user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(user=user, organization=agency, role=Role.SECRETARIAT_CLERK, is_active=True)
        ClientSystem.objects.get_or_create(
            agency=agency,
            name="سامانه نمونه (دمو)",
            defaults={
                "user": user,
                "scopes": list(Scope.values),
                "token_hash": hash_token(DEMO_TOKEN),
                "token_hint": DEMO_TOKEN[:10],
            },
        )
    return (
        f"\nAPI: /api/v1/docs/ and /open311/v2/discovery.json — demo client token ({agency.short_name}, "
        f"every scope): {DEMO_TOKEN}"
    )
