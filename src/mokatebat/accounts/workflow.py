"""Sending and checking sign-in codes, each one atomic step."""

from __future__ import annotations

import enum
import secrets
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from mokatebat.notifications.outbox import queue_sms

from .models import CODE_LIFETIME, SignInCode

SMS_TEMPLATE = "account_sign_in_code"


def code_digest(public_id: uuid.UUID, code: str) -> str:
    """Keyed: a million possible codes are too few for a bare hash to hide one."""
    return salted_hmac("mokatebat.accounts.sign-in-code", f"{public_id}:{code}", algorithm="sha256").hexdigest()


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def sign_in_code_send(*, identifier: str, mobile: str, template: str = SMS_TEMPLATE) -> SignInCode:
    """Store the code's hash and queue its SMS in one transaction (the SMS exists iff the row does).
    ``template`` words the SMS for another use of the same proof (a web letter's mobile check)."""
    code = new_code()
    public_id = uuid.uuid4()
    now = timezone.now()
    with transaction.atomic():
        challenge = SignInCode.objects.create(
            public_id=public_id,
            identifier=identifier,
            mobile=mobile,
            code_hash=code_digest(public_id, code),
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
        queue_sms(
            dedup_key=f"sign-in:{public_id}",
            template=template,
            mobile=mobile,
            context={"code": code, "minutes": str(int(CODE_LIFETIME.total_seconds() // 60))},
        )
    return challenge


class CodeCheck(enum.Enum):
    ACCEPTED = "accepted"
    WRONG = "wrong"  # try again
    SPENT = "spent"  # used, expired or too many tries: ask for a new code


def sign_in_code_check(*, public_id: uuid.UUID, code: str) -> tuple[CodeCheck, SignInCode | None]:
    """Count the attempt and accept the code at most once, under a row lock (two tabs, one code)."""
    now = timezone.now()
    with transaction.atomic():
        challenge = SignInCode.objects.select_for_update().filter(public_id=public_id).first()
        if challenge is None or challenge.is_spent(now):
            return CodeCheck.SPENT, None
        challenge.attempts += 1
        accepted = constant_time_compare(code_digest(challenge.public_id, code), challenge.code_hash)
        if accepted:
            challenge.used_at = now
        challenge.save(update_fields=["attempts", "used_at"])
    if accepted:
        return CodeCheck.ACCEPTED, challenge
    return (CodeCheck.SPENT if challenge.is_spent(now) else CodeCheck.WRONG), None
