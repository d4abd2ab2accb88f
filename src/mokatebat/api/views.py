"""REST API v1: public agencies, catalogue, submit and track; client systems' work on their agency's items.

Every client view fetches the item for the client's service account first (another agency's item:
404), checks the role as the staff pages do, and calls one ``correspondence.workflow`` function.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, pagination, status
from rest_framework.exceptions import NotFound, PermissionDenied, Throttled, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mokatebat.correspondence import staff_forms
from mokatebat.correspondence import workflow as wf
from mokatebat.correspondence.auth import (
    events_visible_to,
    find_item_for_requester,
    get_item_for_user,
    handed_over_at,
    is_secretariat_for,
)
from mokatebat.correspondence.documents import attachment_file_response
from mokatebat.correspondence.forms import TrackForm
from mokatebat.correspondence.limits import may_text_submitter, submission_exceeded
from mokatebat.correspondence.models import Attachment, Item, Referral, ResponseDraft
from mokatebat.correspondence.timeline import citizen_status, public_timeline
from mokatebat.correspondence.views import _miss_is_limited, _track_is_limited
from mokatebat.organization.models import Organization, User
from mokatebat.publicrelations.auth import items_with_identity

from . import catalogue
from . import serializers as s
from .authentication import HasScope, PublicSubmitThrottle, request_client
from .models import Scope
from .parsers import EdgeJSONParser
from .submission import fill_service_form, submit_service_request
from .workflow import client_response_propose

ERRORS = {
    code: OpenApiResponse(s.ErrorSerializer, description=description)
    for code, description in {
        400: "invalid",
        401: "not_authenticated",
        403: "permission_denied",
        404: "not_found",
        409: "conflict",
        422: "idempotency_key_reused",
        429: "throttled",
    }.items()
}
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="A retry with the same key (and the same national ID) and the same body returns the first item "
    "instead of a new one; the same key with a different body is refused with 422 (idempotency_key_reused).",
)


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: ERRORS[code] for code in codes}


def _idempotency_key(request: Request, namespace: str, national_id: str) -> str | None:
    """The client's key, bound to who sends it: nobody gets another person's item by reusing a key."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return None
    return "api:" + hashlib.sha256(f"{namespace}\n{national_id}\n{key}".encode()).hexdigest()[:56]


# --- Public ----------------------------------------------------------------------------------------------


class NoStoreMixin:
    """Answers with personal data stay out of every cache (the browser's, a proxy's)."""

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        response["Cache-Control"] = "no-store"
        return response


class PublicView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]


@extend_schema(tags=["public"], responses={200: s.AgencySerializer(many=True)})
class AgencyList(PublicView, generics.ListAPIView):
    serializer_class = s.AgencySerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Organization]:
        return Organization.objects.agencies().order_by("name")


@extend_schema(tags=["public"], responses={200: s.AgencyDetailSerializer, **_errors(404)})
class AgencyDetail(PublicView, generics.RetrieveAPIView):
    serializer_class = s.AgencyDetailSerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Organization]:
        return Organization.objects.agencies()


@extend_schema(tags=["public"], responses={200: s.ServiceSerializer(many=True)})
class ServiceList(PublicView):
    def get(self, request: Request) -> Response:
        return Response(s.ServiceSerializer(catalogue.services(), many=True).data)


@extend_schema(
    tags=["public"],
    responses={200: s.ServiceDetailSerializer, **_errors(404)},
    description="One service; an e-service with its published card (R5) and the fields of its form (R6).",
)
class ServiceDetail(PublicView):
    def get(self, request: Request, code: str) -> Response:
        entry = catalogue.get_service(code)
        if entry is None:
            raise Http404
        return Response(s.ServiceDetailSerializer(entry).data)


def _answers_with_files(request: Request, answers: dict[str, Any]) -> dict[str, Any]:
    """Multipart sends each document as its own part, ``answers.<key>``; JSON carries no files."""
    prefix = "answers."
    files = {name[len(prefix) :]: upload for name, upload in request.FILES.items() if name.startswith(prefix)}
    return {**answers, **files}


@extend_schema(
    tags=["public"],
    parameters=[IDEMPOTENCY_KEY],
    request={"application/json": s.ServiceRequestSerializer, "multipart/form-data": s.ServiceRequestSerializer},
    responses={201: s.SubmittedSerializer, 200: s.SubmittedSerializer, **_errors(400, 404, 422, 429)},
    description="Request an e-service (R6): the requester and the answers to its form, checked as on the web "
    "page. The tracking code comes back here and by SMS; the request goes to the service's unit.",
)
class ServiceRequestSubmit(NoStoreMixin, PublicView):
    throttle_classes = [PublicSubmitThrottle]
    parser_classes = [EdgeJSONParser, MultiPartParser]

    def post(self, request: Request, code: str) -> Response:
        entry = catalogue.get_service(code)
        if entry is None:
            raise Http404
        if entry.service is None:
            raise NotFound(_("این خدمت فرم ندارد؛ نامه را با POST /api/v1/items/ بفرستید."))
        fields = s.ServiceRequestSerializer(data=request.data)
        fields.is_valid(raise_exception=True)
        data = fields.validated_data
        filled = fill_service_form(entry, requester=data, answers=_answers_with_files(request, data["answers"]))
        if filled.errors:
            raise ValidationError(filled.errors)
        national_id = filled.form.cleaned_data["national_id"]
        if submission_exceeded(request._request, national_id=national_id, mobile=filled.form.cleaned_data["mobile"]):
            raise Throttled(wait=3600)
        key = _idempotency_key(request, f"service:{entry.code}", national_id) or f"api:{uuid.uuid4().hex}"
        mobile = filled.form.cleaned_data["mobile"]
        notify = may_text_submitter(request._request, mobile, entry.service.agency)
        item, created = submit_service_request(entry, filled, idempotency_key=key, notify=notify)
        answer = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(s.SubmittedSerializer(item).data, status=answer)


def _submit(request: Request, serializer: s.SubmitSerializer, namespace: str, **extra: Any) -> Response:
    serializer.is_valid(raise_exception=True)
    form = serializer.form
    data = serializer.validated_data
    mobile = form.cleaned_data["mobile"]
    national_id = form.cleaned_data["national_id"]
    if submission_exceeded(request._request, national_id=national_id, mobile=mobile):
        raise Throttled(wait=3600)
    item, created = wf.item_submit(
        agency=data["agency"],
        unit=data["unit"],
        kind=data["kind"],
        subject=data["subject"],
        body=data["body"],
        requester=form.requester_details(),  # type: ignore[attr-defined]
        uploads=form.checked_uploads,  # type: ignore[attr-defined]
        idempotency_key=_idempotency_key(request, namespace, data["national_id"]),
        notify=may_text_submitter(request._request, mobile, data["agency"]),
        **extra,
    )
    code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return Response(s.SubmittedSerializer(item).data, status=code)


@extend_schema(
    tags=["public"],
    parameters=[IDEMPOTENCY_KEY],
    request={"application/json": s.SubmitSerializer, "multipart/form-data": s.SubmitSerializer},
    responses={201: s.SubmittedSerializer, 200: s.SubmittedSerializer, **_errors(400, 422, 429)},
    description="Send a letter to an agency (R1), with attachments as multipart/form-data. "
    "The tracking code comes back here and by SMS.",
)
class SubmitItem(NoStoreMixin, PublicView):
    throttle_classes = [PublicSubmitThrottle]
    parser_classes = [EdgeJSONParser, MultiPartParser]

    def post(self, request: Request) -> Response:
        return _submit(request, s.SubmitSerializer(data=request.data), "public")


@extend_schema(
    tags=["public"],
    request=s.TrackSerializer,
    responses={200: s.TrackResultSerializer, **_errors(400, 404, 429)},
    description="Track with national ID + tracking code (R3, R23). Wrong ID, wrong code or both: the same 404.",
)
class Track(NoStoreMixin, PublicView):
    def post(self, request: Request) -> Response:
        fields = s.TrackSerializer(data=request.data)
        fields.is_valid(raise_exception=True)
        form = TrackForm(fields.validated_data)
        # The web page's limits, counted in the same buckets: the API is no way around them.
        if _track_is_limited(request._request, form):
            raise Throttled(wait=3600)
        if not form.is_valid():
            raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
        item = find_item_for_requester(
            national_id=form.cleaned_data["national_id"], tracking_code=form.cleaned_data["tracking_code"]
        )
        if item is None:
            if _miss_is_limited(request._request, form.cleaned_data["national_id"]):
                raise Throttled(wait=3600)
            raise Http404
        item.timeline = public_timeline(item)  # type: ignore[attr-defined]
        item.status_label = citizen_status(item)  # type: ignore[attr-defined]
        return Response(s.TrackResultSerializer(item).data)


# --- Client systems ------------------------------------------------------------------------------------


class ItemCursor(pagination.CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = ("-submitted_at", "-id")


class ClientView(NoStoreMixin, APIView):
    permission_classes = [HasScope]
    required_scope = Scope.ITEMS_READ


def _client_item(request: Request, public_id: uuid.UUID, *, secretariat: bool = True) -> Item:
    """The item for this client's service account (404 otherwise), and the secretariat role for steps.

    The PR desk's items (R19) are as absent as another agency's, by the one rule in
    ``get_item_for_user``: a client system holds the secretariat's role, which never sees their requester."""
    item = get_item_for_user(request.user, public_id)
    if secretariat and not is_secretariat_for(request.user, item):
        raise PermissionDenied
    return item


def _detail(item: Item, user: User, code: int = status.HTTP_200_OK) -> Response:
    # A former agency's client (it forwarded the item away) reads the hand-over and the public steps
    # after it, not the receiving agency's inside work: the staff item page's rule.
    handed_over = handed_over_at(user, item)
    before = Q() if handed_over is None else Q(created_at__lte=handed_over)
    events = events_visible_to(user, item)
    item = (
        Item.objects.select_related("agency", "requester", "addressed_unit")
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.filter(Q(event=None) | Q(event__in=events))),
            Prefetch("events", queryset=events.order_by("occurred_at", "id")),
            Prefetch("referrals", queryset=Referral.objects.filter(before).select_related("unit")),
            Prefetch(
                "response_drafts", queryset=ResponseDraft.objects.filter(before).select_related("unit", "response")
            ),
            "responses",
        )
        .get(pk=item.pk)
    )
    return Response(s.ItemDetailSerializer(item).data, status=code)


@extend_schema(tags=["client"])
class ClientItems(ClientView, generics.ListAPIView):
    serializer_class = s.ItemSerializer
    pagination_class = ItemCursor
    parser_classes = [EdgeJSONParser, MultiPartParser]

    def get_required_scope(self) -> str:
        return Scope.ITEMS_WRITE if self.request.method == "POST" else Scope.ITEMS_READ

    def get_queryset(self) -> QuerySet[Item]:
        return items_with_identity(self.request.user).select_related("agency", "addressed_unit")

    @extend_schema(responses={200: s.ItemSerializer(many=True), **_errors(400, 401, 403, 404, 429)})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY],
        request={"application/json": s.ClientSubmitSerializer, "multipart/form-data": s.ClientSubmitSerializer},
        responses={201: s.ItemDetailSerializer, 200: s.ItemDetailSerializer, **_errors(400, 401, 403, 422, 429)},
        description="A letter the agency received in person, by post or by phone (R4, R14), with its scans "
        "as multipart/form-data attachments.",
    )
    def post(self, request: Request) -> Response:
        client = request_client(request)
        serializer = s.ClientSubmitSerializer(data=request.data, context={"agency": client.agency})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        item, created = wf.item_submit(
            agency=client.agency,
            unit=data["unit"],
            kind=data["kind"],
            channel=data["channel"],
            subject=data["subject"],
            body=data["body"],
            requester=serializer.form.requester_details(),  # type: ignore[attr-defined]
            uploads=serializer.form.checked_uploads,  # type: ignore[attr-defined]
            idempotency_key=_idempotency_key(request, f"client:{client.pk}", data["national_id"]),
            created_by=client.user,
        )
        return _detail(item, request.user, status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema(tags=["client"], responses={200: s.ItemDetailSerializer, **_errors(401, 403, 404, 429)})
class ClientItemDetail(ClientView):
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        return _detail(_client_item(request, public_id, secretariat=False), request.user)


@extend_schema(
    tags=["client"],
    responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **_errors(401, 403, 404, 429)},
    description="Download one attachment of the item, as staff do: always as a file, never shown inline.",
)
class ClientAttachment(ClientView):
    def get(self, request: Request, public_id: uuid.UUID, attachment_id: uuid.UUID) -> FileResponse:
        item = _client_item(request, public_id, secretariat=False)
        attachment = item.attachments.filter(public_id=attachment_id).first()
        if attachment is None:
            raise Http404
        return attachment_file_response(attachment)


@extend_schema(
    tags=["client"],
    request=s.VersionSerializer,
    responses={200: s.ItemDetailSerializer, **_errors(400, 401, 403, 404, 409, 429)},
    description="Give the item the agency's registration number and date (R2).",
)
class ClientRegister(ClientView):
    required_scope = Scope.ITEMS_WRITE

    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        item = _client_item(request, public_id)
        fields = s.VersionSerializer(data=request.data)
        fields.is_valid(raise_exception=True)
        wf.item_register(item=item, actor=request.user, expected_version=fields.validated_data.get("version"))
        return _detail(item, request.user)


@extend_schema(
    tags=["client"],
    request=s.ReferSerializer,
    responses={200: s.ItemDetailSerializer, **_errors(400, 401, 403, 404, 409, 429)},
    description="Refer the item to a unit of the agency for action, with copies for information (R2).",
)
class ClientRefer(ClientView):
    required_scope = Scope.ITEMS_WRITE

    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        item = _client_item(request, public_id)
        fields = s.ReferSerializer(data=request.data)
        fields.is_valid(raise_exception=True)
        data = fields.validated_data
        form_data = {
            "version": data.get("version", item.version),
            "unit": str(data["unit"]),
            "copies": [str(c) for c in data["copies"]],
            "instruction": data["instruction"],
        }
        form = s.run_form(staff_forms.ReferForm, form_data, agency=item.agency)
        clean = form.cleaned_data
        wf.item_refer(
            item=item,
            actor=request.user,
            unit=clean["unit"],
            copies=list(clean["copies"]),
            instruction=clean["instruction"],
            deadline=data["deadline"],
            expected_version=clean["version"] if "version" in data else None,
        )
        return _detail(item, request.user)


@extend_schema(
    tags=["client"],
    request=s.ActionSerializer,
    responses={201: s.ItemDetailSerializer, **_errors(400, 401, 403, 404, 409, 429)},
    description="Record an action; a public one appears on tracking and is sent to the citizen by SMS.",
)
class ClientAction(ClientView):
    required_scope = Scope.ITEMS_WRITE

    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        item = _client_item(request, public_id)
        fields = s.ActionSerializer(data=request.data)
        fields.is_valid(raise_exception=True)
        form = s.run_form(staff_forms.ActionForm, fields.validated_data)
        clean = form.cleaned_data
        wf.action_record(item=item, actor=request.user, text=clean["text"], public=clean["public"])
        return _detail(item, request.user, status.HTTP_201_CREATED)


@extend_schema(
    tags=["client"],
    request=s.ResponseDraftSerializer,
    responses={201: s.ItemDetailSerializer, **_errors(400, 401, 403, 404, 409, 429)},
    description="Propose the agency's answer (R3, R8): a draft of the acting unit, waiting for its manager, who "
    "signs it on the item page; only then is it issued with its outgoing number and the citizen gets the SMS. "
    "A draft the manager sent back (see ``review_note``) is rewritten and proposed again with the same call.",
)
class ClientResponse(ClientView):
    required_scope = Scope.RESPONSES_WRITE

    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        item = _client_item(request, public_id)
        fields = s.ResponseDraftSerializer(data=request.data)
        fields.is_valid(raise_exception=True)
        client_response_propose(item=item, actor=request.user, body=fields.validated_data["body"])
        return _detail(item, request.user, status.HTTP_201_CREATED)
