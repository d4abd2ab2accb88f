from django.contrib import admin

from mokatebat.core.admin_mixins import RecordAdminMixin

from .models import CounterFee, CounterVisit


@admin.register(CounterFee)
class CounterFeeAdmin(admin.ModelAdmin):
    """The official tariff. A new price is a new row with its own «valid from», so past receipts stay right."""

    list_display = ["service", "office", "amount", "valid_from"]
    list_filter = ["service", "office"]
    ordering = ["service", "-valid_from"]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # a tariff that was in force stays on record; add a newer row instead


@admin.register(CounterVisit)
class CounterVisitAdmin(RecordAdminMixin, admin.ModelAdmin):
    """Read only: the database refuses changes and deletions anyway (append-only trigger)."""

    list_display = ["at", "office", "operator", "action", "item", "fee"]
    list_filter = ["action", "office"]
    list_select_related = ["office", "operator", "item"]
    date_hierarchy = "at"
    show_full_result_count = False
    exclude = ["national_id_hash"]
