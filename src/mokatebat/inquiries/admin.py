from django.contrib import admin

from mokatebat.core.admin_mixins import RecordAdminMixin

from .forms import InquiryTypeAdminForm
from .models import Inquiry, InquiryType


@admin.register(InquiryType)
class InquiryTypeAdmin(admin.ModelAdmin):
    """Each agency's reusable inquiries. Never deleted (asked inquiries point at them): deactivate."""

    form = InquiryTypeAdminForm
    list_display = ["name", "agency", "adapter", "target_agency", "is_active"]
    list_filter = ["adapter", "is_active", "agency"]
    search_fields = ["name"]
    fieldsets = [
        (None, {"fields": ["agency", "name", "adapter", "is_active", "show_to_citizen", "shared_fields"]}),
        ("دستگاه دیگر در شبکه", {"fields": ["target_agency"]}),
        ("سامانه استعلام برخط", {"fields": ["registry_url", "registry_code", "timeout_seconds", "max_attempts"]}),
    ]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Inquiry)
class InquiryAdmin(RecordAdminMixin, admin.ModelAdmin):
    """Read only: inquiries change through the item page and the worker, which keep the timeline."""

    list_display = ["inquiry_type", "item", "state", "attempts", "asked_at", "answered_at"]
    list_filter = ["state", "adapter"]
    list_select_related = ["inquiry_type", "item"]
    date_hierarchy = "asked_at"
    show_full_result_count = False
    exclude = ["request_payload"]
