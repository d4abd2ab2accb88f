"""The admin of calendars, opening hours and holidays, which must never strand anyone who booked.

Calendars and their weekly hours are read-only here, with a link to the staff pages. Those pages run
the stranding check under the calendar's lock and, when a change is refused, list the bookings in
the way with their cancel and move steps; the admin's inline formset could only show a bare error,
and a second copy of the check written for it would drift from the first.

Holidays are added here (the network's official holidays only here) through the same workflow
functions as the staff page, so the same check runs under the same locks: across every agency's
bookings for a network-wide holiday. The form runs the check first for a clear message; the save
runs it again under the locks, for a booking made in between. A saved holiday is not edited (a new
day would need the check, the old one is freed): remove it and add the right one. Past holidays
stay, as on the staff page: they explain past working-day counts.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mokatebat.core.jalali import format_jalali_date
from mokatebat.core.persian import normalize_text, to_persian_digits

from . import workflow as bw
from .auth import staff_user
from .models import Calendar, Holiday, OpeningHours


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "unit", "slot_minutes", "capacity", "is_active", "staff_page"]
    list_filter = ["agency", "is_active"]
    readonly_fields = ["staff_page"]
    inlines = [OpeningHoursInline]

    @admin.display(description=_("تنظیم در صفحات کارکنان"))
    def staff_page(self, obj: Calendar) -> SafeString:
        url = reverse("staff-calendar-edit", kwargs={"public_id": obj.public_id})
        return format_html('<a href="{}">{}</a>', url, gettext("ویرایش تقویم و ساعات کاری"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Calendar | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Calendar | None = None) -> bool:
        return False


def _refusal(error: bw.BookingsInTheWay, day: Any) -> str:
    """The admin has no list under the form: say how many bookings of which agencies, and where to go."""
    where = "، ".join(
        f"{agency.short_name or agency.name}: {to_persian_digits(count)}" for agency, count in error.by_agency
    )
    return gettext(
        "تعطیل ثبت نشد: برای %(day)s هم‌اکنون %(count)s نوبت گرفته شده است (%(where)s). "
        "پیش از ثبت تعطیل، مدیر هر دستگاه باید این نوبت‌ها را در صفحه «نوبت‌های روز» با ذکر دلیل لغو یا جابه‌جا کند."
    ) % {"day": format_jalali_date(day), "count": to_persian_digits(len(error.bookings)), "where": where}


class HolidayAdminForm(ModelForm):
    class Meta:
        model = Holiday
        fields = ["date", "name", "agency"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("name"):
            cleaned["name"] = normalize_text(cleaned["name"], multiline=False)
        day = cleaned.get("date")
        if day is not None and not self.errors:
            try:
                bw.holiday_check(agency=cleaned.get("agency"), day=day)
            except bw.BookingsInTheWay as error:
                raise forms.ValidationError(_refusal(error, day)) from error
            except bw.BookingError as error:
                raise forms.ValidationError(error.message) from error
        return cleaned


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    form = HolidayAdminForm
    list_display = ["date", "name", "agency", "is_estimated"]
    list_filter = ["agency", "is_estimated"]
    actions = None  # a bulk delete would skip the rule that past holidays stay

    def has_change_permission(self, request: HttpRequest, obj: Holiday | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Holiday | None = None) -> bool:
        return obj is None or obj.date >= timezone.localdate()

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except bw.BookingError as error:  # booked between the form's check and the save; nothing was saved
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.path)

    def save_model(self, request: HttpRequest, obj: Holiday, form: Any, change: bool) -> None:
        actor = staff_user(request)
        if obj.agency is None:
            holiday = bw.network_holiday_add(day=obj.date, name=obj.name, actor=actor)
        else:
            holiday = bw.holiday_add(agency=obj.agency, day=obj.date, name=obj.name, actor=actor)
        obj.pk = holiday.pk

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> LogEntry:
        # The workflow function wrote it, in its transaction: not a second one.
        content_type = ContentType.objects.get_for_model(obj)
        entries = LogEntry.objects.filter(content_type=content_type, object_id=str(obj.pk), action_flag=ADDITION)
        return entries.latest("pk")
