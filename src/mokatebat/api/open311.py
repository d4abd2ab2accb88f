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
- Services are the catalogue's (``catalogue.py``): the letter kinds of each agency, and each published
  e-service card, whose form fields are its attributes (``attribute[f1]``…), checked by the web form
  itself. A card that requires a document is not offered here: Open311 cannot carry a file, and a
  ``media_url`` is never fetched. Its REST twin (multipart) and its web page take documents.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Callable
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

from mokatebat.core.edge import BadInput, parse_instant
from mokatebat.core.http import client_ip
from mokatebat.core.identifiers import InvalidIdentifier, clean_mobile, clean_national_id
from mokatebat.core.persian import normalize_text
from mokatebat.core.ratelimit import exceeded
from mokatebat.correspondence import deadlines
from mokatebat.correspondence import workflow as wf
from mokatebat.correspondence.forms import SubmitLetterForm, new_form_nonce
from mokatebat.correspondence.limits import may_text_submitter, submission_exceeded
from mokatebat.correspondence.models import Confidentiality, Item, ItemEvent, Status
from mokatebat.correspondence.timeline import describe
from mokatebat.services.models import FieldType

from . import catalogue
from .authentication import client_for_token
from .models import ClientSystem, Open311Request, Scope
from .submission import fill_service_form, submit_service_request

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-23T00:00:00Z"
CLOSED_STATUSES = (Status.ANSWERED, Status.CLOSED)
ATTRIBUTE = re.compile(r"^attribute\[(\w{1,40})\]$")
# Open311 datatypes of our form field types; a file has none (see the module's docstring).
DATATYPES = {
    FieldType.TEXT: "string",
    FieldType.LONG_TEXT: "text",
    FieldType.NUMBER: "number",
    FieldType.JALALI_DATE: "string",
    FieldType.CHOICE: "singlevaluelist",
    FieldType.NATIONAL_ID: "string",
    FieldType.LEGAL_ID: "string",
    FieldType.MOBILE: "string",
    FieldType.POSTAL_CODE: "string",
}
# Our form's field names as the spec's parameters name them, for error messages.
PARAMETERS = {
    "body": "description",
    "full_name": "first_name/last_name",
    "mobile": "phone",
    "email": "email",
    "address": "address_string",
}
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


def error_response(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """Open311's error list, for refusals made before a view runs (the input edge)."""
    return _errors(fmt, status, *descriptions)


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


def _offered(entry: catalogue.CatalogueEntry | None) -> catalogue.CatalogueEntry | None:
    return entry if entry is not None and not entry.needs_documents else None


@require_GET
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    offered = [_service(entry) for entry in catalogue.services() if _offered(entry)]
    return _render(offered, _fmt(fmt), "services")


def _attribute(code: str, datatype: str, required: bool, order: int, description: str, about: str) -> dict[str, Any]:
    return {
        "variable": True,
        "code": code,
        "datatype": datatype,
        "required": required,
        "datatype_description": about,
        "order": order,
        "description": description,
    }


def _field_attribute(spec: dict[str, Any], order: int, labels: dict[str, str]) -> dict[str, Any]:
    """One field of the e-service's form; a field shown only on a condition is not required here."""
    about = [spec.get("help_text", "")]
    if spec["type"] == FieldType.JALALI_DATE:
        about.append(str(_("تاریخ شمسی، مانند 1405/09/10")))
    if show_if := spec.get("show_if"):
        about.append(
            str(_("فقط وقتی «%(field)s» برابر «%(value)s» است."))
            % {"field": labels.get(show_if["field"], show_if["field"]), "value": show_if["value"]}
        )
    required = bool(spec.get("required")) and not show_if
    attribute = _attribute(
        spec["key"], DATATYPES[spec["type"]], required, order, spec["label"], " ".join(filter(None, about))
    )
    if spec["type"] == FieldType.CHOICE:
        attribute["values"] = [{"key": option, "name": option} for option in spec.get("options", [])]
    return attribute


def _attributes(entry: catalogue.CatalogueEntry) -> list[dict[str, Any]]:
    national_id = _attribute("national_id", "string", True, 1, str(_("کد ملی")), str(_("کد ملی ۱۰ رقمی متقاضی")))
    if entry.service is None:
        about = str(_("تا ۲۰۰ نویسه؛ اگر خالی بماند، نام خدمت"))
        return [national_id, _attribute("subject", "string", False, 2, str(_("موضوع")), about)]
    specs = [spec for spec in entry.fields if spec["type"] in DATATYPES]
    labels = {spec["key"]: spec["label"] for spec in entry.fields}
    return [national_id, *(_field_attribute(spec, order, labels) for order, spec in enumerate(specs, start=2))]


@require_GET
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    entry = _offered(catalogue.get_service(code))
    if entry is None:
        return _errors(_fmt(fmt), 404, str(_("چنین خدمتی وجود ندارد.")))
    data = {"service_code": entry.code, "attributes": _attributes(entry)}
    return _render(data, _fmt(fmt), "service_definition")


# --- Requests ----------------------------------------------------------------------------------------


def _expected(item: Item) -> str | None:
    """The item's expected answer date (its answer clock, as on the tracking page), end of that day."""
    due = deadlines.due_from_clock(item)
    if due is None or due.state == "answered":
        return None
    end_of_day = datetime.datetime.combine(due.answer_by, datetime.time(23, 59), tzinfo=timezone.get_default_timezone())
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
    rows = list(rows)
    names = catalogue.names_for(row.service_code for row in rows)
    return _render([_public_request(row, names) for row in rows], fmt, "service_requests")


def _rows() -> QuerySet[Open311Request]:
    events = Prefetch("item__events", queryset=ItemEvent.objects.order_by("occurred_at", "id"))
    return (
        Open311Request.objects.select_related("item__agency", "item__clock")
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
                when = parse_instant(value)  # out-of-range offsets (year 10000 in UTC) are refused too
            except BadInput:
                return None
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


Submission = tuple[Callable[[], Item] | None, dict[str, list[str]]]


def _parameter(field: str) -> str:
    if field in PARAMETERS:
        return PARAMETERS[field]
    return f"attribute[{field}]" if field == "national_id" or ATTRIBUTE.match(f"attribute[{field}]") else field


def _letter(
    request: HttpRequest, entry: catalogue.CatalogueEntry, client: ClientSystem, post: Any, address: str
) -> Submission:
    form = SubmitLetterForm(
        {
            "nonce": new_form_nonce(),
            "agency": entry.agency.code,
            "kind": entry.kind,
            "subject": post.get("attribute[subject]", "") or entry.name,
            "body": post.get("description", ""),
            "requester_kind": "natural",
            "full_name": _full_name(post),
            "national_id": post.get("attribute[national_id]", ""),
            "mobile": post.get("phone", ""),
            "email": post.get("email", ""),
            "address": address,
        }
    )
    if not form.is_valid():
        return None, {name: [str(error) for error in errors] for name, errors in form.errors.items()}

    def submit() -> Item:
        item, _created = wf.item_submit(
            notify=may_text_submitter(request, form.cleaned_data["mobile"], entry.agency),
            agency=entry.agency,
            unit=None,
            kind=entry.kind,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            requester=form.requester_details(),
            created_by=client.user,
        )
        return item

    return submit, {}


def _e_service(
    request: HttpRequest, entry: catalogue.CatalogueEntry, client: ClientSystem, post: Any, address: str
) -> Submission:
    answers = {}
    for name in post:
        match = ATTRIBUTE.match(name)
        if match and match.group(1) != "national_id":
            answers[match.group(1)] = post.get(name, "")
    requester = {
        "full_name": _full_name(post),
        "national_id": post.get("attribute[national_id]", ""),
        "mobile": post.get("phone", ""),
        "email": post.get("email", ""),
        "address": address,
    }
    filled = fill_service_form(entry, requester=requester, answers=answers)
    if filled.errors:
        return None, filled.errors
    note = normalize_text(post.get("description", ""))[:5000]

    def submit() -> Item:
        key = f"open311:{uuid.uuid4().hex}"  # the spec has no idempotency key; one request, one item
        notify = may_text_submitter(request, filled.form.cleaned_data["mobile"], entry.agency)
        item, _created = submit_service_request(
            entry, filled, idempotency_key=key, created_by=client.user, note=note, notify=notify
        )
        return item

    return submit, {}


def _person_exceeded(request: HttpRequest, post: Any) -> bool:
    """Count one submission for the (already validated) national ID and mobile of the request."""
    try:
        national_id = clean_national_id(post.get("attribute[national_id]", ""))
        mobile = clean_mobile(post.get("phone", ""))
    except InvalidIdentifier:
        return False  # the form refused it already; nothing is submitted
    return submission_exceeded(request, national_id=national_id, mobile=mobile, per_client=False)


def _full_name(post: Any) -> str:
    return f"{post.get('first_name', '')} {post.get('last_name', '')}".strip()


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    if exceeded(request, [("open311-post-ip", client_ip(request), "120/h")]):
        return _errors(fmt, 429, str(_("تعداد درخواست‌ها بیش از حد مجاز است؛ کمی بعد دوباره تلاش کنید.")))
    client = _client(request)
    if client is None:
        return _errors(fmt, 403, str(_("api_key معتبر نیست یا اجازه Open311 ندارد.")))
    rate = client.rate_limit
    if exceeded(request, [("open311-client", str(client.pk), rate)]):
        return _errors(fmt, 429, str(_("تعداد درخواست‌ها بیش از حد مجاز است؛ کمی بعد دوباره تلاش کنید.")))
    post = request.POST
    entry = _offered(catalogue.get_service(post.get("service_code", "")))
    if entry is None:
        return _errors(fmt, 404, str(_("service_code: چنین خدمتی وجود ندارد.")))
    if entry.agency.pk != client.agency_id:
        return _errors(fmt, 403, str(_("این سامانه فقط برای خدمت‌های دستگاه خودش درخواست می‌فرستد.")))
    location, problems = _location(post)
    build = _e_service if entry.service is not None else _letter
    submit, errors = build(request, entry, client, post, location["address"])
    for field, messages in errors.items():
        problems += [f"{_parameter(field)}: {message}" for message in messages]
    if problems or submit is None:
        return _errors(fmt, 400, *problems)
    # The client system's one address stands for all its users: count per person and per mobile.
    if _person_exceeded(request, post):
        return _errors(fmt, 429, str(_("تعداد درخواست‌ها بیش از حد مجاز است؛ کمی بعد دوباره تلاش کنید.")))
    row = open311_submit(
        client=client, entry=entry, submit=submit, location=location, device_id=post.get("device_id", "")
    )
    data = [{"service_request_id": row.service_request_id, "token": row.token, "service_notice": entry.description}]
    return _render(data, fmt, "service_requests", status=201)


def open311_submit(
    *,
    client: ClientSystem,
    entry: catalogue.CatalogueEntry,
    submit: Callable[[], Item],
    location: dict[str, Any],
    device_id: str,
) -> Open311Request:
    """The item through its one submit step (a letter's or an e-service's), and its Open311 face, in
    one transaction: a request that was given an id exists."""
    with transaction.atomic():
        item = submit()
        return Open311Request.objects.create(
            item=item,
            client=client,
            service_code=entry.code,
            device_id=normalize_text(device_id, multiline=False)[:100],
            **location,
        )
