"""The public catalogue and request form (R5, R6), and the service owner's pages.

Public pages show only published services; staff pages start by fetching the service for this
owner (404 otherwise). Changes go through ``workflow.py``.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mokatebat.core.http import rate_limited_response, redirect_with_input, retried_input
from mokatebat.core.i18n import screen_digits
from mokatebat.core.replica import replica_reads
from mokatebat.correspondence.forms import new_form_nonce, refuse_reused_nonce
from mokatebat.correspondence.limits import may_text_submitter, submission_exceeded
from mokatebat.correspondence.views import RECEIPTS_SESSION_KEY, TRACKED_SESSION_KEY, _get_item_for_session, _remember
from mokatebat.correspondence.workflow import IdempotencyKeyReused, WorkflowError
from mokatebat.organization.access import staff_required
from mokatebat.organization.models import User

from . import workflow as sw
from .auth import (
    can_deliver,
    get_published_service,
    get_service_for_owner,
    get_service_request_for_user,
    owned_agencies,
    services_editable_by,
)
from .forms import CardForm, CatalogueFilterForm, FieldSpecForm, NewServiceForm, OutcomeForm
from .formspec import ServiceRequestFormBase, request_form_class
from .models import Service, ServiceCardVersion

PAGE_SIZE = 50


def _staff(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # staff_required ran first; this only narrows the type
        raise PermissionDenied
    return user


# --- public ---------------------------------------------------------------------------------------


@require_GET
@replica_reads
def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET or None)
    services = Service.objects.published().select_related("agency", "published_version")
    if form.is_valid():
        if form.cleaned_data["agency"]:
            services = services.filter(agency=form.cleaned_data["agency"])
        if form.cleaned_data["category"]:
            services = services.filter(published_version__category=form.cleaned_data["category"])
        if form.cleaned_data["q"]:
            services = services.matching(form.cleaned_data["q"])
    categories = (
        ServiceCardVersion.objects.filter(pk__in=Service.objects.published().values("published_version"))
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()
    )
    context = {
        "form": form,
        "services": services.order_by("agency__name", "published_version__title")[:PAGE_SIZE],
        "categories": list(categories),
        "active_category": form.cleaned_data.get("category", "") if form.is_bound and form.is_valid() else "",
    }
    return render(request, "services/catalogue.html", context)


@require_GET
def card(request: HttpRequest, agency_code: str, code: str) -> HttpResponse:
    service = get_published_service(agency_code, code)
    return render(request, "services/card.html", {"service": service, "card": service.published_version})


def _request_form(service: Service, request: HttpRequest | None = None) -> ServiceRequestFormBase:
    form_class = request_form_class(service.form_version.fields if service.form_version else [])
    if request is None:
        return form_class(initial={"nonce": new_form_nonce(), "requester_kind": "natural"})
    return form_class(request.POST, request.FILES)


@never_cache
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest, agency_code: str, code: str) -> HttpResponse:
    service = get_published_service(agency_code, code)
    if request.method != "POST":
        retried = retried_input(request)
        form = _request_form(service)
        if retried is not None:
            form = request_form_class(service.form_version.fields if service.form_version else [])(retried.data)
            retried.restore(form)
        context = {"service": service, "card": service.published_version, "form": form}
        return render(request, "services/request_new.html", context, status=400 if form.errors else 200)
    form = _request_form(service, request)
    if form.is_valid():
        data = form.cleaned_data
        if submission_exceeded(request, national_id=data["national_id"], mobile=data["mobile"]):
            return rate_limited_response(request)
        try:
            item, _created = sw.service_request_submit(
                service=service,
                requester=form.requester_details(),
                answers=form.answers(),
                documents=form.checked,
                kept_documents=form.kept,
                idempotency_key=f"service:{form.cleaned_data['nonce']}",
                notify=may_text_submitter(request, data["mobile"], service.agency),
            )
        except IdempotencyKeyReused as error:
            # Another request under this form's key: answered here, so the old key does not travel back.
            refuse_reused_nonce(form, error)
            form.remember_uploads()
            context = {"service": service, "card": service.published_version, "form": form}
            return render(request, "services/request_new.html", context, status=409)
        response = redirect("service-receipt", public_id=item.public_id)
        _remember(request, response, RECEIPTS_SESSION_KEY, item)
        _remember(request, response, TRACKED_SESSION_KEY, item)
        return response
    form.remember_uploads()
    kept = {f"keep_{key}": [str(upload.public_id)] for key, upload in form.kept.items()}
    return redirect_with_input(request, form, kept=kept)


@never_cache
@require_GET
def receipt(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    item = _get_item_for_session(request, RECEIPTS_SESSION_KEY, public_id)
    service_request = getattr(item, "service_request", None)
    if service_request is None:
        raise Http404
    return render(request, "services/receipt.html", {"item": item, "service_request": service_request})


# --- service owners -------------------------------------------------------------------------------


@staff_required
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    services = services_editable_by(user).select_related("agency", "current_version", "published_version")
    context = {"services": services.order_by("agency__name", "code"), "agencies": owned_agencies(user)}
    return render(request, "services/staff/list.html", context)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def staff_new(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    agency = owned_agencies(user).filter(code=request.GET.get("agency", "")).first() or owned_agencies(user).first()
    if agency is None:
        raise PermissionDenied
    form = NewServiceForm(request.POST or None, agency=agency, initial={"channels": ["online"]})
    if request.method == "POST" and form.is_valid():
        card = {k: v for k, v in form.cleaned_data.items() if k != "code"}
        try:
            service = sw.service_create(agency=agency, code=form.cleaned_data["code"], card=card, actor=user)
        except WorkflowError as error:
            form.add_error("code", error.message)
        else:
            messages.success(request, _("خدمت ساخته شد. اکنون فرم درخواست آن را بسازید."))
            return redirect("staff-service-form", public_id=service.public_id)
    status = 400 if form.errors else 200
    return render(request, "services/staff/card_edit.html", {"form": form, "agency": agency}, status=status)


@staff_required
@require_GET
def staff_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    service = get_service_for_owner(_staff(request), public_id)
    versions = service.card_versions.select_related("created_by").order_by("-number")
    forms_published = service.form_versions.select_related("published_by").order_by("-number")
    context = {"service": service, "versions": versions, "form_versions": forms_published}
    return render(request, "services/staff/detail.html", context)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _staff(request)
    service = get_service_for_owner(user, public_id)
    assert service.current_version is not None
    initial = CardForm.initial_from(service.current_version)
    form = CardForm(request.POST or None, agency=service.agency, initial=initial)
    if request.method == "POST" and form.is_valid():
        version = sw.card_save(service=service, card=form.cleaned_data, actor=user)
        messages.success(request, _("نسخه %(number)s شناسنامه ذخیره شد.") % {"number": screen_digits(version.number)})
        return redirect("staff-service", public_id=service.public_id)
    context = {"form": form, "agency": service.agency, "service": service}
    return render(request, "services/staff/card_edit.html", context, status=400 if form.errors else 200)


@staff_required
@require_POST
def staff_withdraw(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _staff(request)
    service = get_service_for_owner(user, public_id)
    sw.service_withdraw(service=service, actor=user)
    messages.success(request, _("خدمت از فهرست عمومی برداشته شد؛ با ذخیره نسخه منتشرشده دوباره نمایش داده می‌شود."))
    return redirect("staff-service", public_id=service.public_id)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def staff_form(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The form builder: the draft's fields in order, and a form to add one more."""
    service = get_service_for_owner(_staff(request), public_id)
    form = FieldSpecForm(request.POST or None, earlier=service.form_draft)
    if request.method == "POST" and form.is_valid():
        try:
            sw.form_field_save(service=service, spec=form.spec())
        except WorkflowError as error:
            form.add_error("show_if_field", error.message)
        else:
            messages.success(request, _("فیلد به فرم افزوده شد."))
            return redirect("staff-service-form", public_id=service.public_id)
    context = {"service": service, "form": form, "fields": service.form_draft}
    return render(request, "services/staff/form_builder.html", context, status=400 if form.errors else 200)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def staff_field_edit(request: HttpRequest, public_id: uuid.UUID, key: str) -> HttpResponse:
    service = get_service_for_owner(_staff(request), public_id)
    keys = [spec["key"] for spec in service.form_draft]
    if key not in keys:
        raise Http404
    spec = service.form_draft[keys.index(key)]
    earlier = service.form_draft[: keys.index(key)]
    form = FieldSpecForm(request.POST or None, earlier=earlier, initial=FieldSpecForm.initial_from(spec))
    if request.method == "POST" and form.is_valid():
        try:
            sw.form_field_save(service=service, spec=form.spec(), key=key)
        except WorkflowError as error:
            form.add_error("show_if_field", error.message)
        else:
            messages.success(request, _("فیلد ذخیره شد."))
            return redirect("staff-service-form", public_id=service.public_id)
    context = {"service": service, "form": form, "spec": spec}
    return render(request, "services/staff/field_edit.html", context, status=400 if form.errors else 200)


@staff_required
@require_POST
def staff_field_change(request: HttpRequest, public_id: uuid.UUID, key: str) -> HttpResponse:
    """Move a field up or down, or remove it from the draft."""
    service = get_service_for_owner(_staff(request), public_id)
    action = request.POST.get("action", "")
    try:
        if action in ("up", "down"):
            sw.form_field_move(service=service, key=key, offset=-1 if action == "up" else 1)
        elif action == "remove":
            sw.form_field_remove(service=service, key=key)
    except WorkflowError as error:
        messages.error(request, error.message)
    return redirect("staff-service-form", public_id=service.public_id)


@staff_required
@require_GET
def staff_form_preview(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The draft form as the citizen will see it, before it is published."""
    service = get_service_for_owner(_staff(request), public_id)
    form = request_form_class(service.form_draft)(initial={"requester_kind": "natural"})
    context = {"service": service, "card": service.current_version, "form": form, "preview": True}
    return render(request, "services/request_new.html", context)


@staff_required
@require_POST
def staff_form_publish(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _staff(request)
    service = get_service_for_owner(user, public_id)
    try:
        version = sw.form_publish(service=service, actor=user)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("نسخه %(number)s فرم منتشر شد.") % {"number": screen_digits(version.number)})
    return redirect("staff-service-form", public_id=service.public_id)


@staff_required
@require_POST
def staff_deliver(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """«صدور سند/تصمیم» on the staff item page."""
    user = _staff(request)
    service_request = get_service_request_for_user(user, public_id)
    if not can_deliver(user, service_request.item):
        raise PermissionDenied
    form = OutcomeForm(request.POST, prefix=OutcomeForm.PREFIX)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("staff-item", public_id=public_id)
    try:
        sw.service_outcome_issue(service_request=service_request, actor=user, **form.cleaned_data)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("سند/تصمیم صادر شد و به متقاضی پیامک شد."))
    return redirect("staff-item", public_id=public_id)
