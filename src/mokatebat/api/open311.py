"""Open311 GeoReport v2 at /open311/v2/: our catalogue and items in the shape city apps already speak.

Decisions (see the README section):
- ``service_request_id`` is a random public id of its own. The tracking code is never shown: with the
  national ID it is the citizen's key to the whole item.
- Only requests that came in through Open311 are listed. Letters sent through the web, a counter
  office or the post are private correspondence and never appear here.
- Public listings carry no personal data and no free text a person typed: no description, no
  address, no coordinates, no names; ``status_notes`` is the title of the latest public step.
- ``media_url`` is stored, never fetched, and only accepted from hosts in ``OPEN311_MEDIA_HOSTS``.
- ``attribute[national_id]`` (required) and ``phone`` (an Iranian mobile) identify the requester,
  who gets the tracking code by SMS as on every other channel.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import is_ratelimited

from mokatebat.core.http import client_ip
from mokatebat.core.persian import normalize_text
from mokatebat.correspondence import workflow as wf
from mokatebat.correspondence.forms import SubmitLetterForm, new_form_nonce
from mokatebat.correspondence.models import Confidentiality, Item, ItemEvent, Referral, Status
from mokatebat.correspondence.timeline import describe

from . import catalogue
from .authentication import client_for_token
from .models import ClientSystem, Open311Request, Scope

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-23T00:00:00Z"
CLOSED_STATUSES = (Status.ANSWERED, Status.CLOSED)
LIST_LIMIT = 200
# Wrapper and element names of the XML form, per the spec's examples.
XML_ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


# --- Output ------------------------------------------------------------------------------------------


def _xml_value(parent: ET.Element, key: str, value: Any) -> None:
    element = ET.SubElement(parent, key)
    if isinstance(value, list):
        for entry in value:
            _xml_value(element, XML_ITEM_TAGS.get(key, "item"), entry)
    elif isinstance(value, dict):
        for child_key, child_value in value.items():
            _xml_value(element, child_key, child_value)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def _render(data: Any, fmt: str, root: str, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        element = ET.Element(root)
        entries = data if isinstance(data, list) else [data]
        if isinstance(data, list):
            for entry in entries:
                _xml_value(element, XML_ITEM_TAGS.get(root, "item"), entry)
        else:
            for key, value in data.items():
                _xml_value(element, key, value)
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(element, encoding="utf-8")
        return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The spec's error shape: a list of {code, description}."""
    return _render([{"code": status, "description": d} for d in descriptions], fmt, "errors", status)


def _fmt(fmt: str) -> str:
    return "xml" if fmt == "xml" else "json"


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


# --- Discovery and services ----------------------------------------------------------------------------


@require_GET
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri("/open311/v2/")
    data = {
        "changeset": CHANGESET,
        "contact": str(_("پشتیبانی سامانه مکاتبات مردمی")),
        "key_service": str(_("کلید (api_key) را مدیر سامانه دستگاه برای هر سامانه متصل می‌سازد.")),
        "endpoints": [
            {
                "specification": SPEC_URL,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return _render(data, _fmt(fmt), "discovery")


def _service(entry: catalogue.CatalogueEntry) -> dict[str, Any]:
    return {
        "service_code": entry.code,
        "service_name": entry.name,
        "description": entry.description,
        "metadata": True,
        "type": "realtime",
        "keywords": ",".join(entry.keywords),
        "group": entry.group,
    }


@require_GET
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    return _render([_service(entry) for entry in catalogue.services()], _fmt(fmt), "services")


def _attributes() -> list[dict[str, Any]]:
    return [
        {
            "variable": True,
            "code": "national_id",
            "datatype": "string",
            "required": True,
            "datatype_description": str(_("کد ملی ۱۰ رقمی متقاضی")),
            "order": 1,
            "description": str(_("کد ملی")),
        },
        {
            "variable": True,
            "code": "subject",
            "datatype": "string",
            "required": False,
            "datatype_description": str(_("تا ۲۰۰ نویسه؛ اگر خالی بماند، نام خدمت")),
            "order": 2,
            "description": str(_("موضوع")),
        },
    ]


@require_GET
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    entry = catalogue.get_service(code)
    if entry is None:
        return _errors(_fmt(fmt), 404, str(_("چنین خدمتی وجود ندارد.")))
    return _render({"service_code": entry.code, "attributes": _attributes()}, _fmt(fmt), "service_definition")


# --- Requests ----------------------------------------------------------------------------------------


def _expected(item: Item) -> str | None:
    referral = next((r for r in item.referrals.all() if r.is_active and r.role == Referral.Role.MAIN), None)
    if referral is None or referral.deadline is None:
        return None
    end_of_day = datetime.datetime.combine(
        referral.deadline, datetime.time(23, 59), tzinfo=timezone.get_default_timezone()
    )
    return end_of_day.isoformat()


def _public_request(row: Open311Request, names: dict[str, str]) -> dict[str, Any]:
    """One request as anyone may see it: no personal data, no free text a person typed."""
    item = row.item
    # Prefetched events, filtered here: a listing of 200 requests costs a fixed number of queries.
    public_events = [event for event in item.events.all() if event.is_public]
    return {
        "service_request_id": row.service_request_id,
        "status": "closed" if item.status in CLOSED_STATUSES else "open",
        "status_notes": describe(public_events[-1]).title if public_events else "",
        "service_name": names.get(row.service_code, ""),
        "service_code": row.service_code,
        "agency_responsible": item.agency.name,
        "service_notice": "",
        "requested_datetime": _iso(item.submitted_at),
        "updated_datetime": _iso(item.updated_at),
        "expected_datetime": _expected(item),
    }


def _render_requests(rows: Any, fmt: str) -> HttpResponse:
    names = {entry.code: entry.name for entry in catalogue.services()}
    return _render([_public_request(row, names) for row in rows], fmt, "service_requests")


def _rows() -> QuerySet[Open311Request]:
    events = Prefetch("item__events", queryset=ItemEvent.objects.order_by("occurred_at", "id"))
    return (
        Open311Request.objects.select_related("item__agency")
        .prefetch_related("item__referrals", events)
        .exclude(item__confidentiality=Confidentiality.CONFIDENTIAL)
    )


def _listing(request: HttpRequest) -> QuerySet[Open311Request] | None:
    rows = _rows()
    params = request.GET
    if ids := params.get("service_request_id"):
        return rows.filter(service_request_id__in=[i.strip() for i in ids.split(",")][:LIST_LIMIT])
    if codes := params.get("service_code"):
        rows = rows.filter(service_code__in=[c.strip() for c in codes.split(",")])
    status = params.get("status", "")
    if status == "open":
        rows = rows.exclude(item__status__in=CLOSED_STATUSES)
    elif status == "closed":
        rows = rows.filter(item__status__in=CLOSED_STATUSES)
    for name, lookup in (("start_date", "gte"), ("end_date", "lte")):
        if value := params.get(name):
            try:
                when = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return None
            if timezone.is_naive(when):
                when = timezone.make_aware(when)
            rows = rows.filter(**{f"item__submitted_at__{lookup}": when})
    return rows


@csrf_exempt  # authenticated by api_key, never by a cookie
@require_http_methods(["GET", "POST"])
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    fmt = _fmt(fmt)
    if request.method == "POST":
        return _create(request, fmt)
    rows = _listing(request)
    if rows is None:
        return _errors(fmt, 400, str(_("تاریخ را به قالب ISO 8601 بفرستید (مانند 2026-11-23T10:00:00Z).")))
    return _render_requests(rows[:LIST_LIMIT], fmt)


@require_GET
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    rows = _rows().filter(service_request_id=request_id)
    if not rows:
        return _errors(_fmt(fmt), 404, str(_("چنین درخواستی پیدا نشد.")))
    return _render_requests(rows, _fmt(fmt))


@require_GET
def token_detail(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    row = Open311Request.objects.filter(token=token).first()
    if row is None:
        return _errors(_fmt(fmt), 404, str(_("چنین شناسه موقتی پیدا نشد.")))
    return _render([{"service_request_id": row.service_request_id, "token": row.token}], _fmt(fmt), "service_requests")


@csrf_exempt
def not_found(request: HttpRequest) -> HttpResponse:
    fmt = "xml" if request.path.endswith(".xml") else "json"
    return _errors(fmt, 404, str(_("چنین نشانی‌ای در Open311 وجود ندارد.")))


# --- Creating a request ---------------------------------------------------------------------------------


def _media_url_allowed(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" and (parts.hostname or "") in settings.OPEN311_MEDIA_HOSTS


def _coordinate(value: str, limit: int) -> Decimal | None:
    """A latitude or longitude, or None when absent; ValueError when it is not a sane number."""
    if not value:
        return None
    try:
        number = Decimal(value).quantize(Decimal("0.000001"))
    except InvalidOperation as error:
        raise ValueError(value) from error
    if not number.is_finite() or abs(number) > limit:
        raise ValueError(value)
    return number


def _location(post: Any) -> tuple[dict[str, Any], list[str]]:
    problems: list[str] = []
    location: dict[str, Any] = {"address": normalize_text(post.get("address_string", ""), multiline=False)[:500]}
    for name, limit in (("lat", 90), ("long", 180)):
        try:
            location[name] = _coordinate(post.get(name, "").strip(), limit)
        except ValueError:
            problems.append(_("%(name)s: عدد معتبر نیست.") % {"name": name})
    media_url = post.get("media_url", "").strip()
    if media_url and (len(media_url) > 1000 or not _media_url_allowed(media_url)):
        problems.append(_("media_url: فقط نشانی‌های https از میزبان‌های مجاز پذیرفته می‌شود."))
        media_url = ""
    location["media_url"] = media_url
    return location, problems


def _client(request: HttpRequest) -> ClientSystem | None:
    client = client_for_token(request.POST.get("api_key", ""))
    return client if client is not None and client.has_scope(Scope.OPEN311) else None


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    if is_ratelimited(request, group="open311-post-ip", key=lambda _g, r: client_ip(r), rate="120/h", increment=True):
        return _errors(fmt, 429, str(_("تعداد درخواست‌ها بیش از حد مجاز است؛ کمی بعد دوباره تلاش کنید.")))
    client = _client(request)
    if client is None:
        return _errors(fmt, 403, str(_("api_key معتبر نیست یا اجازه Open311 ندارد.")))
    rate = client.rate_limit
    if is_ratelimited(request, group="open311-client", key=lambda _g, _r: str(client.pk), rate=rate, increment=True):
        return _errors(fmt, 429, str(_("تعداد درخواست‌ها بیش از حد مجاز است؛ کمی بعد دوباره تلاش کنید.")))
    post = request.POST
    entry = catalogue.get_service(post.get("service_code", ""))
    if entry is None:
        return _errors(fmt, 404, str(_("service_code: چنین خدمتی وجود ندارد.")))
    if entry.agency.pk != client.agency_id:
        return _errors(fmt, 403, str(_("این سامانه فقط برای خدمت‌های دستگاه خودش درخواست می‌فرستد.")))
    location, problems = _location(post)
    form = SubmitLetterForm(
        {
            "nonce": new_form_nonce(),
            "agency": entry.agency.code,
            "kind": entry.kind,
            "subject": post.get("attribute[subject]", "") or entry.name,
            "body": post.get("description", ""),
            "requester_kind": "natural",
            "full_name": f"{post.get('first_name', '')} {post.get('last_name', '')}".strip(),
            "national_id": post.get("attribute[national_id]", ""),
            "mobile": post.get("phone", ""),
            "email": post.get("email", ""),
            "address": location["address"],
        }
    )
    names = {"body": "description", "full_name": "first_name/last_name", "mobile": "phone"}
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = names.get(field, f"attribute[{field}]" if field in ("national_id", "subject") else field)
            problems += [f"{label}: {error}" for error in errors]
    if problems:
        return _errors(fmt, 400, *problems)
    row = open311_submit(client=client, entry=entry, form=form, location=location, device_id=post.get("device_id", ""))
    data = [{"service_request_id": row.service_request_id, "token": row.token, "service_notice": entry.description}]
    return _render(data, fmt, "service_requests", status=201)


def open311_submit(
    *,
    client: ClientSystem,
    entry: catalogue.CatalogueEntry,
    form: SubmitLetterForm,
    location: dict[str, Any],
    device_id: str,
) -> Open311Request:
    """The item through the one submit step, and its Open311 face, in one transaction."""
    with transaction.atomic():
        item, _created = wf.item_submit(
            agency=entry.agency,
            unit=None,
            kind=entry.kind,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            requester=form.requester_details(),
            created_by=client.user,
        )
        return Open311Request.objects.create(
            item=item,
            client=client,
            service_code=entry.code,
            device_id=normalize_text(device_id, multiline=False)[:100],
            **location,
        )
