"""Limits on the public submission channels (web letter form, e-service requests, API, Open311).

Per client address they are generous — a counter office or a mobile carrier puts many people behind
one address — and tight per national ID and per mobile, so nobody floods a secretariat or makes an
agency pay to text a stranger's phone. All channels count in the same buckets.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from mokatebat.accounts.models import SignInCode
from mokatebat.core.http import client_ip
from mokatebat.core.ratelimit import exceeded
from mokatebat.organization.models import Organization


def submission_exceeded(request: HttpRequest, *, national_id: str, mobile: str, per_client: bool = True) -> bool:
    """Count one submission; True when it is one too many. ``per_client=False`` for a client system
    (Open311), whose one address stands for all its users and which has its own per-system limit."""
    checks = [
        ("submit-id", national_id, settings.SUBMIT_RATE_PER_NATIONAL_ID),
        ("submit-mobile", mobile, settings.SUBMIT_RATE_PER_MOBILE),
    ]
    if per_client:
        address = client_ip(request)
        checks += [
            ("submit-client-burst", address, settings.SUBMIT_BURST_PER_CLIENT),
            ("submit-client", address, settings.SUBMIT_RATE_PER_CLIENT),
        ]
    return exceeded(request, checks)


def mobile_is_proven(mobile: str) -> bool:
    """Someone has typed a code texted to this number (a citizen sign-in or a submit confirmation)."""
    return SignInCode.objects.filter(mobile=mobile, used_at__isnull=False).exists()


def may_text_submitter(request: HttpRequest, mobile: str, agency: Organization | None = None) -> bool:
    """Whether the "received" SMS may go to a number typed into a public form: always for a proven
    number; never for an unproven one when the agency requires the mobile proven first; otherwise a
    few a day (SMS_UNPROVEN_PER_MOBILE_PER_DAY). The letter is stored either way and the receipt (or
    the API answer) carries the tracking code."""
    if mobile_is_proven(mobile):
        return True
    if agency is not None and agency.submit_mobile_code_required:
        return False
    return not exceeded(request, [("sms-unproven", mobile, settings.SMS_UNPROVEN_PER_MOBILE_PER_DAY)])
