"""Request and response shapes of the REST API.

Input goes through the very Django forms of the web pages (``run_form``): the same normalisation
(ی/ک, Persian and Arabic digits, bidi and NUL removal) and the same Persian messages, at this edge.
The serializers' own fields describe the shapes for OpenAPI and refuse wrong JSON types early.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mokatebat.citizens.models import Requester
from mokatebat.correspondence.deadlines import Due, DueState, due_of
from mokatebat.correspondence.forms import SubmitLetterForm, new_form_nonce
from mokatebat.correspondence.models import (
    Attachment,
    Channel,
    Item,
    ItemEvent,
    Kind,
    Referral,
    Response,
    ResponseDraft,
    Status,
)
from mokatebat.correspondence.timeline import TimelineEntry
from mokatebat.organization.models import Organization, Unit
from mokatebat.services.models import FieldType, ServiceCardVersion
from mokatebat.services.workflow import CARD_FIELDS

from .catalogue import CatalogueEntry, ServiceType


def run_form(form_class: type[forms.Form], data: dict[str, Any], **kwargs: Any) -> forms.Form:
    """Validate with a web form; its errors become the API's ``fields`` (Persian, per field)."""
    form_data = {key: ("" if value is None else value) for key, value in data.items()}
    form = form_class(form_data, **kwargs)
    if not form.is_valid():
        raise serializers.ValidationError({name: list(errors) for name, errors in form.errors.items()})
    return form


class ErrorDetailSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(
        help_text="invalid, parse_error, not_authenticated, authentication_failed, "
        "permission_denied, not_found, method_not_allowed, conflict, throttled…"
    )
    message = serializers.CharField(help_text=_("پیام فارسی برای نمایش به کاربر"))
    fields = serializers.DictField(help_text=_("برای هر فیلد نادرست، فهرست پیام‌های فارسی"))


class ErrorSerializer(serializers.Serializer[Any]):
    """Every error of the API: {"error": {"code", "message", "fields"}}."""

    error = ErrorDetailSerializer()


# --- Public: agencies, units, catalogue --------------------------------------------------------------


class UnitSerializer(serializers.ModelSerializer[Unit]):
    parent = serializers.UUIDField(source="parent.public_id", allow_null=True, default=None)
    path_name = serializers.CharField()

    class Meta:
        model = Unit
        fields = ["public_id", "name", "path_name", "kind", "parent", "accepts_letters"]


class AgencySerializer(serializers.ModelSerializer[Organization]):
    class Meta:
        model = Organization
        fields = ["code", "name", "short_name", "province", "city", "phone"]


class AgencyDetailSerializer(AgencySerializer):
    units = serializers.SerializerMethodField()

    class Meta(AgencySerializer.Meta):
        fields = [*AgencySerializer.Meta.fields, "units"]

    def get_units(self, agency: Organization) -> list[dict[str, Any]]:
        units = agency.units.filter(is_active=True).select_related("parent__parent__parent").order_by("name")
        return UnitSerializer(units, many=True).data


class FieldSpecSerializer(serializers.Serializer[dict[str, Any]]):
    """One field of an e-service form, as the service owner built it (R6)."""

    key = serializers.CharField(help_text=_("نام فیلد در «answers»، مانند f1"))
    type = serializers.ChoiceField(choices=FieldType.choices)
    label = serializers.CharField()
    help_text = serializers.CharField(required=False, default="")
    required = serializers.BooleanField()
    options = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_("گزینه‌های فیلد «انتخاب از فهرست»")
    )
    max_mb = serializers.IntegerField(required=False, help_text=_("حداکثر حجم پرونده، مگابایت"))
    file_types = serializers.ListField(child=serializers.CharField(), required=False)
    show_if = serializers.DictField(
        allow_null=True, required=False, help_text=_("فقط وقتی پرسیده می‌شود که فیلد «field» مقدار «value» را دارد")
    )


class CardSerializer(serializers.ModelSerializer[ServiceCardVersion]):
    """The public service card (شناسنامه خدمت, R5) of an e-service, as published."""

    version = serializers.IntegerField(source="number")
    responsible_unit = serializers.CharField(source="responsible_unit.name", allow_null=True, default=None)

    class Meta:
        model = ServiceCardVersion
        # Every content field of the card as it is saved; whether it is published is the catalogue's business.
        fields = ["version", *(name for name in CARD_FIELDS if name != "is_published")]


class ServiceSerializer(serializers.Serializer[CatalogueEntry]):
    code = serializers.CharField()
    type = serializers.ChoiceField(
        choices=ServiceType.choices,
        help_text=_("correspondence: با POST /api/v1/items/؛ e_service: با POST /api/v1/services/{code}/requests/"),
    )
    name = serializers.CharField()
    description = serializers.CharField()
    agency = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")
    kind = serializers.ChoiceField(choices=Kind.choices)
    category = serializers.CharField()
    keywords = serializers.ListField(child=serializers.CharField())
    page_path = serializers.CharField(help_text=_("صفحه همین خدمت در وب‌گاه"))


class ServiceDetailSerializer(ServiceSerializer):
    card = CardSerializer(allow_null=True)
    fields = FieldSpecSerializer(many=True)


# --- Public: submit and track ------------------------------------------------------------------------


class RequesterFieldsSerializer(serializers.Serializer[Any]):
    """Who writes: a natural person, or a legal person's representative (the web form's fields)."""

    requester_kind = serializers.ChoiceField(choices=Requester.Kind.choices, default=Requester.Kind.NATURAL)
    full_name = serializers.CharField(max_length=120)
    national_id = serializers.CharField(max_length=20)
    mobile = serializers.CharField(max_length=20)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    address = serializers.CharField(max_length=500, required=False, allow_blank=True)
    legal_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    legal_national_id = serializers.CharField(max_length=20, required=False, allow_blank=True)


class SubmitSerializer(RequesterFieldsSerializer):
    """A citizen's letter; validated by the web form ``SubmitLetterForm``. Attachments need
    multipart/form-data (repeat the ``attachments`` part); JSON carries none."""

    agency = serializers.CharField(max_length=40, help_text=_("کد دستگاه، از فهرست دستگاه‌ها"))
    unit = serializers.UUIDField(required=False, allow_null=True, help_text=_("شناسه واحد گیرنده (اختیاری)"))
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.LETTER)
    subject = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20000)
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text=_("PDF، JPG یا PNG؛ فقط در multipart/form-data"),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        data = {**attrs, "nonce": new_form_nonce()}
        files = MultiValueDict({"attachments": list(data.pop("attachments", None) or [])})
        if data.get("unit") is not None:
            data["unit"] = str(data["unit"])
        self.form = run_form(SubmitLetterForm, data, files=files)
        return self.form.cleaned_data


class ServiceRequestSerializer(RequesterFieldsSerializer):
    """A request for an e-service: the requester and the answers to the service's published form."""

    answers = serializers.DictField(
        required=False,
        default=dict,
        help_text=_(
            "پاسخ هر فیلد فرم خدمت به نام آن (f1، f2…)؛ تاریخ شمسی مانند 1405/09/10. "
            "مدارک فقط در multipart/form-data، هر کدام در بخشی به نام answers.<نام فیلد>"
        ),
    )


# Only what reaches an agency's own desk: "online" and "counter_office" have their own doors.
RECEIVED_CHANNEL_CHOICES = [(c.value, c.label) for c in (Channel.IN_PERSON, Channel.POST, Channel.PHONE)]


class ClientSubmitSerializer(SubmitSerializer):
    """A letter the agency's own system received (by post, in person, by phone) and hands over."""

    agency = serializers.HiddenField(default="")
    channel = serializers.ChoiceField(choices=RECEIVED_CHANNEL_CHOICES, default=Channel.IN_PERSON)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["agency"] = self.context["agency"].code
        channel = attrs.pop("channel")
        cleaned = super().validate(attrs)
        return {**cleaned, "channel": channel}


class SubmittedSerializer(serializers.Serializer[Item]):
    tracking_code = serializers.CharField()
    agency = serializers.CharField(source="agency.code")
    status = serializers.ChoiceField(choices=Status.choices)
    submitted_at = serializers.DateTimeField()


class TrackSerializer(serializers.Serializer[Any]):
    national_id = serializers.CharField(max_length=30, help_text=_("کد ملی یا شناسه ملی شخص حقوقی"))
    tracking_code = serializers.CharField(max_length=30)


class TimelineEntrySerializer(serializers.Serializer[TimelineEntry]):
    occurred_at = serializers.DateTimeField()
    title = serializers.CharField()
    detail = serializers.CharField()


class PublicResponseSerializer(serializers.ModelSerializer[Response]):
    class Meta:
        model = Response
        fields = ["outgoing_number", "issued_at", "unit_name", "verification_code"]


class DueSerializer(serializers.Serializer[Due]):
    """The item's deadline as the tracking page shows it; dates are Gregorian ISO (Tehran days)."""

    acknowledge_by = serializers.DateField(help_text="Registered (or decided by the PR desk) by this day.")
    answer_by = serializers.DateField(
        help_text="Expected answer date: moved on by pauses (waiting for the citizen) and extensions."
    )
    days_waiting = serializers.IntegerField(help_text="Calendar days since the item was received.")
    state = serializers.ChoiceField(choices=DueState.choices)


class TrackResultSerializer(serializers.Serializer[Item]):
    """Only what the web tracking page shows: no internal notes, no staff names."""

    tracking_code = serializers.CharField()
    agency = serializers.CharField(source="agency.name")
    subject = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField(help_text="Where the item is, in the citizen's words, as on the tracking page")
    registration_number = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    timeline = TimelineEntrySerializer(many=True)
    responses = PublicResponseSerializer(many=True)
    due = serializers.SerializerMethodField()

    @extend_schema_field(DueSerializer)
    def get_due(self, item: Item) -> dict[str, object]:
        return due_of(item).as_api()


# --- Client systems ------------------------------------------------------------------------------------


class RequesterSerializer(serializers.ModelSerializer[Requester]):
    class Meta:
        model = Requester
        fields = ["kind", "full_name", "national_id", "mobile", "email", "address", "legal_name", "legal_national_id"]


class ItemSerializer(serializers.ModelSerializer[Item]):
    agency = serializers.CharField(source="agency.code")
    addressed_unit = serializers.UUIDField(source="addressed_unit.public_id", allow_null=True, default=None)
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Item
        fields = [
            "public_id",
            "tracking_code",
            "registration_number",
            "agency",
            "addressed_unit",
            "kind",
            "channel",
            "subject",
            "status",
            "status_label",
            "resolution",
            "priority",
            "submitted_at",
            "registered_at",
            "updated_at",
            "version",
        ]


class EventSerializer(serializers.ModelSerializer[ItemEvent]):
    class Meta:
        model = ItemEvent
        fields = ["public_id", "kind", "occurred_at", "is_public", "note"]


class ReferralSerializer(serializers.ModelSerializer[Referral]):
    unit = serializers.UUIDField(source="unit.public_id")
    unit_name = serializers.CharField(source="unit.name")

    class Meta:
        model = Referral
        fields = ["public_id", "unit", "unit_name", "role", "state", "instruction", "deadline", "created_at"]


class ResponseSerializer(serializers.ModelSerializer[Response]):
    class Meta:
        model = Response
        fields = ["public_id", "outgoing_number", "issued_at", "body", "signer_name", "signer_title", "unit_name"]


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    name = serializers.CharField(source="original_name")

    class Meta:
        model = Attachment
        fields = ["public_id", "name", "content_type", "size", "sha256", "uploaded_at"]


class DraftSerializer(serializers.ModelSerializer[ResponseDraft]):
    unit = serializers.UUIDField(source="unit.public_id")
    unit_name = serializers.CharField(source="unit.name")
    response = serializers.UUIDField(source="response.public_id", allow_null=True, default=None)

    class Meta:
        model = ResponseDraft
        fields = ["public_id", "unit", "unit_name", "state", "review_note", "response", "created_at", "updated_at"]


class ItemDetailSerializer(ItemSerializer):
    requester = RequesterSerializer()
    attachments = AttachmentSerializer(many=True)
    events = EventSerializer(many=True)
    referrals = ReferralSerializer(many=True)
    response_drafts = DraftSerializer(many=True)
    responses = ResponseSerializer(many=True)

    class Meta(ItemSerializer.Meta):
        fields = [
            *ItemSerializer.Meta.fields,
            "body",
            "requester",
            "attachments",
            "events",
            "referrals",
            "response_drafts",
            "responses",
        ]


class VersionSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(
        required=False, min_value=1, help_text=_("نسخه‌ای که سامانه دیده است؛ اگر نامه تغییر کرده باشد، ۴۰۹")
    )


class ReferSerializer(VersionSerializer):
    unit = serializers.UUIDField()
    copies = serializers.ListField(child=serializers.UUIDField(), required=False, default=list)
    instruction = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


class ActionSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=5000)
    public = serializers.BooleanField(default=False, help_text=_("به متقاضی نشان داده و پیامک شود"))


class ResponseDraftSerializer(serializers.Serializer[Any]):
    body = serializers.CharField(
        max_length=50000, help_text=_("متن پاسخ (قالب‌بندی ساده مجاز است)؛ مدیر واحد آن را امضا و صادر می‌کند")
    )
