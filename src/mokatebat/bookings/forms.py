"""The citizen's booking forms (national ID, mobile, SMS code, booking code) and the staff day picker."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from mokatebat.core.forms import MobileField, NationalIdField, PersianForm
from mokatebat.correspondence.staff_forms import JalaliDateField

from .models import BOOKING_CODE_ALPHABET, BOOKING_CODE_LENGTH

_LARGE = "form-control form-control-lg"


class BookForm(PersianForm):
    national_id = NationalIdField(label=_("کد ملی"))
    mobile = MobileField(label=_("شماره تلفن همراه"), help_text=_("کد تأیید و پیامک نوبت به این شماره فرستاده می‌شود."))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = _LARGE


class PhoneCodeForm(PersianForm):
    code = forms.CharField(
        label=_("کد تأیید پیامک‌شده"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "dir": "ltr", "class": _LARGE}
        ),
    )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].replace(" ", "")
        if not re.fullmatch(r"[0-9]{6}", code):
            raise forms.ValidationError(_("کد تأیید ۶ رقم است؛ آن را از پیامک وارد کنید."))
        return code


class BookingCodeField(forms.CharField):
    default_error_messages = {"invalid": _("کد نوبت ۸ نویسه است، مانند K7M2Q9XA؛ آن را از پیامک نوبت وارد کنید.")}

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.widget.attrs.update({"autocomplete": "off", "dir": "ltr", "autocapitalize": "characters"})

    def clean(self, value: object) -> str:
        text = str(super().clean(value)).upper().replace(" ", "").replace("-", "")
        if len(text) != BOOKING_CODE_LENGTH or any(char not in BOOKING_CODE_ALPHABET for char in text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return text


class ManageForm(PersianForm):
    national_id = NationalIdField(label=_("کد ملی"))
    booking_code = BookingCodeField(label=_("کد نوبت"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = _LARGE


class DayForm(PersianForm):
    day = JalaliDateField(label=_("روز"), required=False)
