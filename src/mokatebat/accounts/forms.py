from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mokatebat.core.forms import MobileField, PersianForm
from mokatebat.core.identifiers import InvalidIdentifier, clean_legal_id, clean_national_id


class SignInForm(PersianForm):
    identifier = forms.CharField(
        label=_("کد ملی (یا شناسه ملی شرکت)"),
        max_length=20,
        help_text=_("نماینده شخص حقوقی: کد ملی خودتان، یا شناسه ملی ۱۱ رقمی شرکت"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "dir": "ltr"}),
    )
    mobile = MobileField(label=_("شماره تلفن همراه"), help_text=_("همان شماره‌ای که هنگام ارسال نامه نوشته‌اید"))

    def clean_identifier(self) -> str:
        value: str = self.cleaned_data["identifier"].replace(" ", "").replace("-", "")
        try:
            return clean_legal_id(value) if len(value) == 11 else clean_national_id(value)
        except InvalidIdentifier as error:
            raise ValidationError(_("کد ملی ۱۰ رقمی یا شناسه ملی ۱۱ رقمی معتبر وارد کنید.")) from error


class CodeForm(PersianForm):
    code = forms.CharField(
        label=_("کد ورود"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "dir": "ltr", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        value: str = self.cleaned_data["code"].replace(" ", "")
        if not value.isdigit() or len(value) != 6:
            raise ValidationError(_("کد ۶ رقمی پیامک‌شده را وارد کنید."))
        return value
