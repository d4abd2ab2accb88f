"""The agencies' working week in the admin. Holidays are kept in the bookings admin (``HolidayAdmin``),
whose checks keep an added closure from stranding anyone's appointment."""

from django.contrib import admin

from .models import WorkingCalendar


@admin.register(WorkingCalendar)
class WorkingCalendarAdmin(admin.ModelAdmin):
    list_display = ["agency", "thursday", "updated_at"]
    list_filter = ["thursday"]
