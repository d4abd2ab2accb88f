"""Staff pages of inquiries (mounted at /staff/inquiries/). Each view fetches its object for this
user first (404 otherwise) and changes state only through ``workflow.py``."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mokatebat.correspondence.auth import get_item_for_user, secretariat_agency_ids
from mokatebat.correspondence.workflow import WorkflowError
from mokatebat.organization.access import staff_required
from mokatebat.organization.models import User

from . import workflow as wf
from .auth import (
    askable_types,
    can_ask,
    get_item_inquiry,
    get_managed_type,
    get_received_inquiry,
    managed_agency,
    received_inquiries,
)
from .forms import AnswerForm, AskForm, InquiryTypeForm
from .models import InquiryState, InquiryType

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # staff_required ran first
    return request.user


@staff_required
@require_POST
def ask(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    item = get_item_for_user(user, public_id)
    if not can_ask(user, item):
        raise PermissionDenied
    form = AskForm(request.POST, types=askable_types(item))
    if not form.is_valid():
        # The item page belongs to another app: the form comes back on its own page, nothing lost.
        return render(request, "inquiries/ask.html", {"item": item, "form": form}, status=400)
    try:
        wf.inquiry_ask(
            item=item,
            inquiry_type=form.cleaned_data["inquiry_type"],
            asked_by=user,
            question=form.cleaned_data["question"],
        )
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("استعلام فرستاده شد."))
    return redirect("staff-item", public_id=item.public_id)


@staff_required
@require_POST
def retry(request: HttpRequest, public_id: uuid.UUID, inquiry_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    item, inquiry = get_item_inquiry(user, public_id, inquiry_id)
    if not can_ask(user, item):
        raise PermissionDenied
    try:
        wf.inquiry_retry(inquiry=inquiry, by=user)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("استعلام دوباره در صف ارسال قرار گرفت."))
    return redirect("staff-item", public_id=item.public_id)


@staff_required
@require_POST
def cancel(request: HttpRequest, public_id: uuid.UUID, inquiry_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    item, inquiry = get_item_inquiry(user, public_id, inquiry_id)
    if not can_ask(user, item):
        raise PermissionDenied
    try:
        wf.inquiry_cancel(inquiry=inquiry, by=user)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("استعلام لغو شد."))
    return redirect("staff-item", public_id=item.public_id)


@staff_required
@require_GET
def received(request: HttpRequest) -> HttpResponse:
    """«استعلام‌های دریافتی»: what other agencies asked this agency, open ones first."""
    user = _user(request)
    if not secretariat_agency_ids(user):
        raise PermissionDenied
    show_all = request.GET.get("all") == "1"
    rows = received_inquiries(user).select_related("inquiry_type", "item__agency", "target_agency")
    if not show_all:
        rows = rows.filter(state=InquiryState.SENT)
    rows = rows.order_by("-asked_at", "-pk")[:PAGE_SIZE]
    return render(request, "inquiries/received.html", {"inquiries": rows, "show_all": show_all})


@staff_required
@require_http_methods(["GET", "POST"])
def received_detail(request: HttpRequest, inquiry_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    inquiry = get_received_inquiry(user, inquiry_id)
    form = AnswerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            wf.inquiry_answer(
                inquiry=inquiry, answered_by=user, text=form.cleaned_data["text"], upload=form.checked_upload
            )
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("پاسخ استعلام فرستاده شد."))
        return redirect("inquiry-received-detail", inquiry_id=inquiry.public_id)
    status = 400 if form.errors else 200
    return render(request, "inquiries/received_detail.html", {"inquiry": inquiry, "form": form}, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def types(request: HttpRequest) -> HttpResponse:
    """The agency's inquiry types, and a form for a new one (agency admin, service owner)."""
    agency = managed_agency(_user(request))
    form = InquiryTypeForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("نوع استعلام افزوده شد."))
        return redirect("inquiry-types")
    rows = InquiryType.objects.filter(agency=agency).select_related("target_agency").order_by("-is_active", "name")
    context = {"agency": agency, "form": form, "types": rows}
    return render(request, "inquiries/types.html", context, status=400 if form.errors else 200)


@staff_required
@require_http_methods(["GET", "POST"])
def type_edit(request: HttpRequest, type_id: uuid.UUID) -> HttpResponse:
    """Edit a type; inquiries already asked keep what they were asked with. Types are never
    deleted, only made inactive."""
    inquiry_type = get_managed_type(_user(request), type_id)
    form = InquiryTypeForm(request.POST or None, instance=inquiry_type, agency=inquiry_type.agency)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("نوع استعلام ذخیره شد."))
        return redirect("inquiry-types")
    context = {"inquiry_type": inquiry_type, "form": form}
    return render(request, "inquiries/type_edit.html", context, status=400 if form.errors else 200)
