from django.contrib import admin

from mokatebat.core.admin_mixins import RecordAdminMixin

from .models import ExtraCategory, GuidanceRecord, IdentityReveal, MeetingSlot, ThankYouText


@admin.register(ThankYouText)
class ThankYouTextAdmin(admin.ModelAdmin):
    """An agency's own thank-you SMS per kind (complaint, criticism, suggestion, report or an extra
    category's code); without a row the default text of ``models.DEFAULT_THANKS`` is sent."""

    list_display = ["agency", "kind", "text"]
    list_filter = ["agency"]


@admin.register(ExtraCategory)
class ExtraCategoryAdmin(admin.ModelAdmin):
    list_display = ["agency", "code", "name", "is_active"]
    list_filter = ["agency", "is_active"]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # classified items keep their category; switch it off instead


@admin.register(MeetingSlot)
class MeetingSlotAdmin(admin.ModelAdmin):
    list_display = ["agency", "starts_at", "place", "is_active"]
    list_filter = ["agency", "is_active"]
    date_hierarchy = "starts_at"

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # a booked slot is part of a meeting's record; switch it off instead


@admin.register(IdentityReveal)
class IdentityRevealAdmin(RecordAdminMixin, admin.ModelAdmin):
    """Who saw the identity of an anonymised item, when and why: read only."""

    list_display = ["revealed_at", "user", "item", "reason"]
    list_select_related = ["user", "item"]


@admin.register(GuidanceRecord)
class GuidanceRecordAdmin(RecordAdminMixin, admin.ModelAdmin):
    list_display = ["recorded_at", "agency", "channel", "category", "outcome", "duration_minutes", "topic"]
    list_filter = ["agency", "channel", "category", "outcome"]
    date_hierarchy = "recorded_at"
