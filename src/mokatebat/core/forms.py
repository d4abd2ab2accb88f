"""The input edge: every form normalises what was typed once, then validates with Persian messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .i18n import is_persian_page
from .identifiers import InvalidIdentifier, clean_legal_id, clean_mobile, clean_national_id
from .persian import normalize_text, persian_text_digits, to_persian_digits
from .tracking import clean_tracking_code


def normalize_data(data: Any, multiline_fields: frozenset[str] = frozenset()) -> Any:
    """A copy of submitted data with every string normalised (ی/ک, digits, bidi, spaces)."""
    if data is None:
        return None
    if isinstance(data, QueryDict):
        clean = QueryDict(mutable=True)
        for key, values in data.lists():
            multiline = key in multiline_fields
            clean.setlist(key, [normalize_text(v, multiline=multiline) for v in values])
        return clean
    return {
        key: normalize_text(value, multiline=key in multiline_fields) if isinstance(value, str) else value
        for key, value in data.items()
    }


# Django's «---------» for "nothing chosen yet" means nothing to a citizen; every select says this instead.
EMPTY_CHOICE_LABEL = _("انتخاب کنید…")
_DJANGO_EMPTY_LABEL = "---------"


def persian_empty_choices(fields: dict[str, forms.Field]) -> None:
    """Replace Django's dashed empty choice with a Persian prompt; labels a form chose itself are kept."""
    for field in fields.values():
        if isinstance(field, forms.ModelMultipleChoiceField):
            continue
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label == _DJANGO_EMPTY_LABEL:
                field.empty_label = EMPTY_CHOICE_LABEL
        elif isinstance(field, forms.ChoiceField) and not callable(field.choices):
            choices = list(field.choices)
            if any(label == _DJANGO_EMPTY_LABEL for _value, label in choices):
                field.choices = [
                    (value, EMPTY_CHOICE_LABEL if label == _DJANGO_EMPTY_LABEL else label) for value, label in choices
                ]


class PersianChoicesMixin:
    """For ModelForms that do not take free text through ``PersianForm`` but still show selects."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        persian_empty_choices(self.fields)


# The decimal and thousands separators of a Persian keyboard, in a number field.
_NUMBER_SEPARATORS = str.maketrans({"\u066b": ".", "\u066c": None, ",": None, "\u060c": None})


class TypedNumberInput(forms.TextInput):
    """A number box that takes what a Persian keyboard types: ``type=number`` silently drops Persian and
    Arabic-Indic digits in browsers, so numbers are typed in a text box and read at the edge."""

    def format_value(self, value: Any) -> str | None:
        text = super().format_value(value)
        return to_persian_digits(text) if text is not None and is_persian_page() else text


class _PersianTextWidget:
    """A text box that gives a person's words back with the digits they typed (stored ASCII for search)."""

    def format_value(self, value: Any) -> str | None:
        text = super().format_value(value)  # type: ignore[misc]
        return persian_text_digits(text) if text and is_persian_page() else text


class PersianTextInput(_PersianTextWidget, forms.TextInput):
    pass


class PersianTextarea(_PersianTextWidget, forms.Textarea):
    pass


def accept_typed_numbers(form: forms.BaseForm) -> None:
    """Every number field of ``form`` as a ``TypedNumberInput``, keeping its other attributes."""
    for field in form.fields.values():
        if isinstance(field.widget, forms.NumberInput):
            attrs = {k: v for k, v in field.widget.attrs.items() if k not in ("min", "max", "step")}
            decimal = isinstance(field, forms.DecimalField | forms.FloatField)
            attrs.update({"inputmode": "decimal" if decimal else "numeric", "dir": "ltr", "autocomplete": "off"})
            widget = TypedNumberInput(attrs=attrs)
            widget.is_required = field.widget.is_required
            field.widget = widget


def _numbers_read(data: Any, form: forms.BaseForm) -> None:
    """Persian decimal (٫) and thousands (٬ ,) separators in number fields, as Python reads numbers."""
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField) and key in data:
            value = data.get(key)
            if isinstance(value, str):
                data[key] = value.translate(_NUMBER_SEPARATORS).replace(" ", "")


class PersianForm(forms.Form):
    """Base for every form that takes text from a person."""

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        multiline = frozenset(
            name for name, field in self.base_fields.items() if isinstance(field.widget, forms.Textarea)
        )
        super().__init__(normalize_data(data, multiline), *args, **kwargs)
        persian_empty_choices(self.fields)
        if self.is_bound:
            _numbers_read(self.data, self)
        accept_typed_numbers(self)
        for field in self.fields.values():
            if type(field.widget) in (forms.TextInput, forms.Textarea) and field.widget.attrs.get("dir") != "ltr":
                persian = PersianTextarea if isinstance(field.widget, forms.Textarea) else PersianTextInput
                widget = persian(attrs=field.widget.attrs)
                widget.is_required = field.widget.is_required
                field.widget = widget
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")


class NationalIdField(forms.CharField):
    default_error_messages = {
        "invalid": _("کد ملی باید ۱۰ رقم و معتبر باشد؛ لطفاً دوباره بررسی کنید."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off", "dir": "ltr"})

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value:
            return ""
        try:
            return clean_national_id(value)
        except InvalidIdentifier as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error


class LegalIdField(NationalIdField):
    default_error_messages = {
        "invalid": _("شناسه ملی شخص حقوقی باید ۱۱ رقم و معتبر باشد."),
    }

    def clean(self, value: Any) -> str:
        value = forms.CharField.clean(self, value)
        if not value:
            return ""
        try:
            return clean_legal_id(value)
        except InvalidIdentifier as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error


class MobileField(forms.CharField):
    default_error_messages = {
        "invalid": _("شماره تلفن همراه معتبر نیست؛ مانند ۰۹۱۲۳۴۵۶۷۸۹ وارد کنید."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.input_type = "tel"
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel", "dir": "ltr"})

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value:
            return ""
        try:
            return clean_mobile(value)
        except InvalidIdentifier as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error


class TrackingCodeField(forms.CharField):
    default_error_messages = {
        "invalid": _("کد رهگیری ۱۳ رقمی را درست وارد کنید؛ یکی از رقم‌ها اشتباه است."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off", "dir": "ltr"})

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        try:
            return clean_tracking_code(value)
        except InvalidIdentifier as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error


class PersianDigitsInput(forms.TextInput):
    """Shows a number, a time or a date with Persian digits, also when the form comes back with an error
    (the submitted value was made ASCII at the edge)."""

    def format_value(self, value: Any) -> str | None:
        text = super().format_value(value)
        return None if text is None else to_persian_digits(text)
