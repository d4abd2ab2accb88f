from django.contrib import admin

from mokatebat.core.admin_mixins import RecordAdminMixin

from .models import Attachment, DeadlinePolicy, Item, ItemEvent, Referral, Response, SubjectCategory


class EventInline(RecordAdminMixin, admin.TabularInline):
    model = ItemEvent
    fields = readonly_fields = ("occurred_at", "kind", "is_public", "actor", "note")
    extra = 0


class ReferralInline(RecordAdminMixin, admin.TabularInline):
    model = Referral
    fields = readonly_fields = ("unit", "role", "instruction", "deadline", "is_active")
    extra = 0


class AttachmentInline(RecordAdminMixin, admin.TabularInline):
    model = Attachment
    fields = readonly_fields = ("original_name", "content_type", "size", "sha256")
    extra = 0


@admin.register(Item)
class ItemAdmin(RecordAdminMixin, admin.ModelAdmin):
    list_display = ["tracking_code", "registration_number", "agency", "kind", "channel", "status", "submitted_at"]
    list_filter = ["status", "kind", "channel", "agency"]
    search_fields = ["=tracking_code", "=registration_number", "subject"]
    list_select_related = ["agency"]
    show_full_result_count = False
    inlines = [EventInline, ReferralInline, AttachmentInline]
    exclude = ["requester"]  # personal data is read on the item page of the staff app, where reads are audited


@admin.register(Response)
class ResponseAdmin(RecordAdminMixin, admin.ModelAdmin):
    list_display = ["outgoing_number", "item", "issued_at"]
    search_fields = ["=outgoing_number"]


@admin.register(SubjectCategory)
class SubjectCategoryAdmin(admin.ModelAdmin):
    """Each agency's own subject taxonomy, used by the secretariat to classify items."""

    list_display = ["name", "agency", "parent", "response_days", "is_active"]
    list_filter = ["agency", "is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["agency", "parent"]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # deactivate instead: classified items keep their category


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    """An agency's deadline rules. A change applies to items received from then on: existing items
    keep the dates stamped on them at receipt."""

    list_display = ["agency", "kind", "acknowledge_days", "answer_days", "max_extension_days", "pause_for_inquiries"]
    list_filter = ["agency", "kind"]
