from __future__ import annotations

import re
import secrets
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from mokatebat.citizens.models import Requester
from mokatebat.core.cached import CachedChoiceIterator
from mokatebat.core.forms import LegalIdField, MobileField, NationalIdField, PersianForm, TrackingCodeField
from mokatebat.core.i18n import screen_digits
from mokatebat.organization.models import Organization, Unit

from .models import Kind, PendingUpload
from .uploads import check_uploads
from .workflow import CheckedUpload, RequesterDetails, WorkflowError, uploads_keep_for_retry


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [f for f in files if f]


# The verification code in a printed letter's address (``token_urlsafe``), with or without the address.
_VERIFY_CODE = re.compile(r"^[A-Za-z0-9_-]{8,24}(?=/?$)")


def new_form_nonce() -> str:
    return secrets.token_urlsafe(24)


def refuse_reused_nonce(form: forms.Form, error: WorkflowError | None = None) -> None:
    """A form nonce already used for another letter: say so and never show that letter's receipt.

    The form gets a fresh nonce, so sending it again (after checking) makes a new letter."""
    data = QueryDict(mutable=True)
    data.update(form.data)
    data["nonce"] = new_form_nonce()
    form.data = data
    form.add_error(
        None,
        _(
            "این فرم پیش‌تر برای نامه دیگری فرستاده شده است و رسید آن نامه اینجا نمایش داده نمی‌شود. "
            "اگر این نامه تازه‌ای است، آن را بررسی کنید و دوباره بفرستید."
        ),
    )


class SubmitLetterForm(PersianForm):
    """The citizen's letter (R1). The nonce makes a double submit find the first item (idempotency)."""

    # "form:" + nonce must fit the item's 64-character idempotency key.
    nonce = forms.CharField(widget=forms.HiddenInput, max_length=48)
    agency = forms.ModelChoiceField(
        label=_("دستگاه گیرنده"),
        queryset=Organization.objects.agencies(),
        to_field_name="code",
        empty_label=_("دستگاه را انتخاب کنید"),
        # Choosing an agency reloads its unit list (HTMX); without JavaScript the form still works.
        widget=forms.Select(
            attrs={
                "hx-get": reverse_lazy("unit-options"),
                "hx-trigger": "change",
                "hx-target": "#id_unit",
                "hx-include": "#unit-search, #id_unit",
                "hx-sync": "closest fieldset:replace",  # the newest unit list wins, never a late one
            }
        ),
        error_messages={"required": _("دستگاه گیرنده نامه را انتخاب کنید.")},
    )
    unit = forms.ModelChoiceField(
        label=_("واحد گیرنده (اختیاری)"),
        queryset=Unit.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("دبیرخانه دستگاه تعیین کند"),
    )
    kind = forms.ChoiceField(label=_("نوع نامه"), choices=Kind.choices, initial=Kind.LETTER, widget=forms.RadioSelect)
    subject = forms.CharField(label=_("موضوع"), max_length=200)
    body = forms.CharField(label=_("متن نامه"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8}))
    attachments = MultipleFileField(label=_("پیوست‌ها (اختیاری)"), required=False)
    requester_kind = forms.ChoiceField(
        label=_("متقاضی"), choices=Requester.Kind.choices, initial=Requester.Kind.NATURAL, widget=forms.RadioSelect
    )
    legal_name = forms.CharField(label=_("نام شخص حقوقی"), max_length=200, required=False)
    legal_national_id = LegalIdField(label=_("شناسه ملی شخص حقوقی"), required=False)
    full_name = forms.CharField(label=_("نام و نام خانوادگی"), max_length=120)
    national_id = NationalIdField(label=_("کد ملی"))
    mobile = MobileField(label=_("شماره تلفن همراه"), help_text=_("کد رهگیری و خبر هر مرحله به این شماره پیامک می‌شود."))
    # 254, not the 320 Django's EmailField allows: the stored column (and RFC 5321's path limit) holds 254.
    email = forms.EmailField(
        label=_("پست الکترونیک (اختیاری)"),
        required=False,
        max_length=254,
        error_messages={"max_length": _("نشانی پست الکترونیک حداکثر ۲۵۴ نویسه است.")},
    )
    address = forms.CharField(
        label=_("نشانی (اختیاری)"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    keep_uploads = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    # About whom a complaint, criticism or report is (R17); kept by the publicrelations app.
    about_unit = forms.ModelChoiceField(
        label=_("درباره کدام واحد (برای شکایت، انتقاد یا گزارش)"),
        queryset=Unit.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("—"),
        # Follows the chosen agency like the unit list (HTMX): the same options, its own empty choice.
        widget=forms.Select(
            attrs={
                "hx-get": reverse_lazy("unit-options"),
                "hx-trigger": "change from:#id_agency",
                "hx-include": "#id_agency",
                "hx-vals": '{"list": "about"}',
                "hx-sync": "this:replace",
            }
        ),
    )
    about_text = forms.CharField(label=_("یا درباره چه کسی / چه نهادی"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checked_uploads: list[CheckedUpload] = []
        nonce = self.data.get("nonce", "") if self.is_bound else ""
        # Uploads kept from an earlier try of this same form (the nonce is the form's secret).
        self.pending_uploads = list(PendingUpload.objects.filter(form_nonce=nonce)) if nonce else []
        keep_field = self.fields["keep_uploads"]
        assert isinstance(keep_field, forms.MultipleChoiceField)
        keep_field.choices = [(str(p.public_id), p.original_name) for p in self.pending_uploads]
        self.newly_kept: set[str] = set()
        agency_code = self.data.get("agency") if self.is_bound else self.initial.get("agency")
        # The public lists (agencies, their units) come from a per-process copy (core.cached).
        for name in ("agency", "unit", "about_unit"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.iterator = CachedChoiceIterator
            field.widget.choices = field.choices
        if agency_code:
            units = Unit.objects.filter(organization__code=agency_code, is_active=True, accepts_letters=True)
            self.fields["unit"].queryset = units.select_related("parent").order_by("name")  # type: ignore[attr-defined]
            self.fields["about_unit"].queryset = self.fields["unit"].queryset  # type: ignore[attr-defined]
        self.fields["attachments"].help_text = _(
            "حداکثر %(count)s پرونده PDF، JPG یا PNG، هر کدام تا %(size)s مگابایت."
        ) % {
            "count": screen_digits(settings.ATTACHMENT_MAX_COUNT),
            "size": screen_digits(settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)),
        }
        for name in ("full_name", "subject"):
            self.fields[name].widget.attrs["autocomplete"] = "name" if name == "full_name" else "off"

    def clean_attachments(self) -> list[Any]:
        files = self.files.getlist("attachments") if hasattr(self.files, "getlist") else []
        self.checked_uploads = check_uploads(files)
        return files

    def kept_uploads(self) -> list[PendingUpload]:
        keep = set(self.cleaned_data.get("keep_uploads") or [])
        return [p for p in self.pending_uploads if str(p.public_id) in keep]

    def checked_keep_ids(self) -> set[str]:
        """Kept uploads shown ticked: those just kept, and those the person left ticked."""
        submitted = set(self.data.getlist("keep_uploads")) if hasattr(self.data, "getlist") else set()
        return self.newly_kept | submitted

    def remember_uploads(self) -> None:
        """After a failed submit, keep the uploads that were fine and offer them as already attached."""
        if self.checked_uploads and self.data.get("nonce"):
            kept = uploads_keep_for_retry(form_nonce=self.data["nonce"], uploads=self.checked_uploads)
            self.pending_uploads += kept
            self.checked_uploads = []
            self.newly_kept = {str(p.public_id) for p in kept}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("requester_kind") == Requester.Kind.LEGAL:
            if not data.get("legal_name"):
                self.add_error("legal_name", _("نام شخص حقوقی را بنویسید."))
            if not data.get("legal_national_id") and "legal_national_id" not in self.errors:
                self.add_error("legal_national_id", _("شناسه ملی شخص حقوقی را وارد کنید."))
        total = len(self.checked_uploads) + len(self.kept_uploads())
        if total > settings.ATTACHMENT_MAX_COUNT:
            self.add_error(
                "attachments",
                _("حداکثر %(count)s پرونده می‌توانید پیوست کنید.")
                % {"count": screen_digits(settings.ATTACHMENT_MAX_COUNT)},
            )
        unit = data.get("unit")
        agency = data.get("agency")
        if unit is not None and agency is not None and unit.organization_id != agency.pk:
            raise ValidationError({"unit": _("این واحد از دستگاه انتخاب‌شده نیست.")})
        return data

    def requester_details(self) -> RequesterDetails:
        data = self.cleaned_data
        is_legal = data["requester_kind"] == Requester.Kind.LEGAL
        return RequesterDetails(
            kind=data["requester_kind"],
            full_name=data["full_name"],
            national_id=data["national_id"],
            mobile=data["mobile"],
            email=data.get("email") or "",
            address=data.get("address") or "",
            legal_name=data.get("legal_name", "") if is_legal else "",
            legal_national_id=data.get("legal_national_id", "") if is_legal else "",
        )


class TrackForm(PersianForm):
    national_id = forms.CharField(
        label=_("کد ملی یا شناسه ملی"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "dir": "ltr"}),
        help_text=_("کد ملی متقاضی، یا شناسه ملی برای اشخاص حقوقی"),
    )
    tracking_code = TrackingCodeField(label=_("کد رهگیری"))

    def clean_national_id(self) -> str:
        value: str = self.cleaned_data["national_id"].replace(" ", "").replace("-", "")
        if not value.isdigit() or len(value) not in (10, 11):
            raise ValidationError(_("کد ملی ۱۰ رقمی یا شناسه ملی ۱۱ رقمی را وارد کنید."))
        return value


class VerifyCodeForm(PersianForm):
    """The code under the QR of a printed response, or the whole address printed beside it."""

    code = forms.CharField(
        label=_("کد استعلام نامه"),
        max_length=300,
        widget=forms.TextInput(
            attrs={"dir": "ltr", "autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}
        ),
        help_text=_("کد یا نشانی چاپ‌شده در پایین نامه، کنار کد QR؛ رقم‌ها را فارسی یا لاتین بنویسید."),
        error_messages={"required": _("کد استعلام را از پایین نامه وارد کنید.")},
    )

    def clean_code(self) -> str:
        # PersianForm has already made Persian and Arabic-Indic digits ASCII and dropped stray controls.
        text = "".join(self.cleaned_data["code"].split())
        found = _VERIFY_CODE.search(text.rsplit("/verify/", 1)[-1])
        if found is None:
            raise ValidationError(_("این کد درست نیست؛ حروف و رقم‌های کد را همان‌گونه که چاپ شده وارد کنید."))
        return found[0]


class CitizenReplyForm(PersianForm):
    """The citizen's answer to an information request, on the tracking page."""

    text = forms.CharField(
        label=_("پاسخ شما"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )
    attachments = MultipleFileField(label=_("پیوست (اختیاری)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checked_uploads: list[CheckedUpload] = []

    def clean_attachments(self) -> list[Any]:
        files = self.files.getlist("attachments") if hasattr(self.files, "getlist") else []
        self.checked_uploads = check_uploads(files)
        return files
