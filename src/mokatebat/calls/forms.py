from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from mokatebat.correspondence.forms import SubmitLetterForm, TrackForm
from mokatebat.organization.models import Organization


class CallLetterForm(SubmitLetterForm):
    """The citizen's letter form as the operator fills it in during a call: no uploads, own agency."""

    def __init__(self, *args: Any, agencies: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["attachments"]  # nothing to upload over the phone
        agency_field = self.fields["agency"]
        agency_field.queryset = Organization.objects.filter(pk__in=[a.pk for a in agencies])  # type: ignore[attr-defined]
        agency_field.widget.attrs["autofocus"] = True
        self.fields["body"].label = _("متن درخواست (آنچه تماس‌گیرنده می‌گوید)")
        self.fields["mobile"].help_text = _(
            "کد رهگیری بلافاصله به این شماره پیامک می‌شود؛ شماره را برای تماس‌گیرنده بخوانید."
        )


class CallLookupForm(TrackForm):
    """National ID + tracking code, as the caller reads them out; the cursor starts in the first box."""

    def __init__(self, *args: Any, autofocus: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if autofocus:  # not under a lookup result: the phone would scroll the result out of sight
            self.fields["national_id"].widget.attrs["autofocus"] = True
