from django.contrib import admin

from .models import Calendar, Holiday, OpeningHours


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 1


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "unit", "slot_minutes", "capacity", "is_active"]
    list_filter = ["agency", "is_active"]
    inlines = [OpeningHoursInline]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "agency"]
    list_filter = ["agency"]
