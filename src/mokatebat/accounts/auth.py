"""Who the signed-in citizen is, and the one rule for which items they may open.

A citizen is not a Django user: the session holds the (national or legal) ID and the mobile the
SMS code proved, with its own lifetimes, beside (never instead of) a staff login in the same browser.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone

from mokatebat.bookings.models import Booking
from mokatebat.correspondence.models import Item, ItemQuerySet

from .models import SignInCode

SESSION_KEY = "citizen"
CHALLENGE_SESSION_KEY = "citizen_challenge"
# A phone left on a table: idle sessions end soon; none lasts longer than a working day.
IDLE_TIMEOUT = datetime.timedelta(seconds=getattr(settings, "CITIZEN_IDLE_TIMEOUT_SECONDS", 30 * 60))
MAX_AGE = datetime.timedelta(seconds=getattr(settings, "CITIZEN_SESSION_MAX_SECONDS", 8 * 60 * 60))


@dataclass(frozen=True)
class Citizen:
    identifier: str  # 10-digit national ID, or 11-digit legal ID of a company
    mobile: str

    @property
    def is_legal(self) -> bool:
        return len(self.identifier) == 11


def citizen_sign_in(request: HttpRequest, challenge: SignInCode) -> None:
    request.session.cycle_key()  # a new session id at the moment of sign-in (no session fixation)
    now = timezone.now().isoformat()
    request.session.pop(CHALLENGE_SESSION_KEY, None)
    request.session[SESSION_KEY] = {
        "identifier": challenge.identifier,
        "mobile": challenge.mobile,
        "since": now,
        "seen": now,
    }


def citizen_sign_out(request: HttpRequest) -> None:
    """Ends the citizen's sign-in only: a staff login in the same browser is left alone."""
    request.session.pop(SESSION_KEY, None)
    request.session.pop(CHALLENGE_SESSION_KEY, None)
    request.session.cycle_key()


def citizen_of(request: HttpRequest) -> Citizen | None:
    """The signed-in citizen, or None (and the stale sign-in forgotten) once idle or too old."""
    stored = request.session.get(SESSION_KEY)
    if not isinstance(stored, dict):
        return None
    now = timezone.now()
    try:
        since = datetime.datetime.fromisoformat(stored["since"])
        seen = datetime.datetime.fromisoformat(stored["seen"])
        citizen = Citizen(identifier=str(stored["identifier"]), mobile=str(stored["mobile"]))
    except (KeyError, TypeError, ValueError):
        since = seen = now - MAX_AGE
        citizen = None
    if citizen is None or now - since >= MAX_AGE or now - seen >= IDLE_TIMEOUT:
        request.session.pop(SESSION_KEY, None)
        return None
    request.session[SESSION_KEY] = {**stored, "seen": now.isoformat()}
    return citizen


def citizen_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Passes the signed-in citizen to the view; anyone else goes to the sign-in page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        citizen = citizen_of(request)
        if citizen is None:
            return redirect("account-sign-in")
        return view(request, citizen, *args, **kwargs)

    return wrapper


def items_of(citizen: Citizen) -> ItemQuerySet:
    """Items whose requester gave this ID *and* this verified mobile.

    A 10-digit ID matches the person (for a company's letter, the representative's own national
    ID); an 11-digit one matches the company, still only with the representative's verified
    mobile. The ID alone is never enough: national IDs are not secret.
    """
    by_id = (
        Q(requester__legal_national_id=citizen.identifier)
        if citizen.is_legal
        else Q(requester__national_id=citizen.identifier)
    )
    return Item.objects.filter(by_id, requester__mobile=citizen.mobile)


def get_item_for_citizen(citizen: Citizen, public_id: uuid.UUID) -> Item:
    item = items_of(citizen).select_related("agency", "addressed_unit", "requester").filter(public_id=public_id).first()
    if item is None:
        raise Http404
    return item


APPOINTMENTS_LISTED = 20


def appointments_of(citizen: Citizen) -> list[Booking]:
    """The citizen's bookings (R13), newest first: booked with this national ID *and* this verified mobile.

    A company's legal ID books nothing: visits are booked by natural persons.
    """
    if citizen.is_legal:
        return []
    bookings = Booking.objects.of_person(citizen.identifier, citizen.mobile)
    return list(bookings.select_related("calendar__agency", "slot").order_by("-slot__starts_at")[:APPOINTMENTS_LISTED])
