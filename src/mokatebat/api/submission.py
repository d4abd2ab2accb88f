"""Filling an e-service's published form from outside (REST API, Open311), with the web form itself.

The form class is the one the citizen's web page uses (``services.formspec.request_form_class``), so
every field is checked, normalised and worded exactly as on the web; documents go through the same
sniffing. Only the way values arrive differs: a dict of answers keyed by field (``f1``…), files as
uploaded parts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from mokatebat.correspondence.forms import new_form_nonce
from mokatebat.correspondence.models import Item
from mokatebat.organization.models import User
from mokatebat.services import workflow as sw
from mokatebat.services.formspec import REQUESTER_FIELDS, ServiceRequestFormBase, request_form_class

from .catalogue import CatalogueEntry


@dataclass
class FilledForm:
    form: ServiceRequestFormBase
    # {field key or requester field: [Persian messages]}; empty when the form may be submitted.
    errors: dict[str, list[str]]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else ""
    return str(value)


def fill_service_form(entry: CatalogueEntry, *, requester: Mapping[str, Any], answers: Mapping[str, Any]) -> FilledForm:
    """Bind and validate the service's form; unknown answer keys are errors, not silently dropped."""
    specs = entry.fields
    keys = {spec["key"] for spec in specs}
    data: dict[str, str] = {name: _text(requester.get(name)) for name in REQUESTER_FIELDS}
    data["requester_kind"] = data["requester_kind"] or "natural"
    data["nonce"] = new_form_nonce()  # a fresh form: no documents kept from another try
    files: MultiValueDict[str, UploadedFile] = MultiValueDict()
    errors: dict[str, list[str]] = {}
    for key, value in answers.items():
        if key not in keys:
            errors[key] = [_("این خدمت فیلدی به این نام ندارد.")]
        elif isinstance(value, UploadedFile):
            files[key] = value
        elif isinstance(value, list | dict):
            # Every field of a service form takes one value; a list is not text to be stringified.
            errors[key] = [_("برای این فیلد یک مقدار (متن، عدد یا تاریخ) بفرستید، نه فهرست یا شیء.")]
        else:
            data[key] = _text(value)
    form = request_form_class(specs)(data, files)
    if not form.is_valid():
        for name, messages in form.errors.items():
            errors.setdefault(name, []).extend(str(message) for message in messages)
    return FilledForm(form=form, errors=errors)


def submit_service_request(
    entry: CatalogueEntry,
    filled: FilledForm,
    *,
    idempotency_key: str,
    created_by: User | None = None,
    note: str = "",
    notify: bool = True,
) -> tuple[Item, bool]:
    """The one e-service submit step, as the web page calls it; (item, created)."""
    assert entry.service is not None
    assert not filled.errors
    form = filled.form
    return sw.service_request_submit(
        service=entry.service,
        requester=form.requester_details(),
        answers=form.answers(),
        documents=form.checked,
        kept_documents={},
        idempotency_key=idempotency_key,
        created_by=created_by,
        note=note,
        notify=notify,
    )
