from django.contrib import admin

from mokatebat.core.admin_mixins import RecordAdminMixin

from .models import CallLookup


@admin.register(CallLookup)
class CallLookupAdmin(RecordAdminMixin, admin.ModelAdmin):
    """Who read out which letter, when. Read only: the database refuses changes and deletions anyway."""

    list_display = ["at", "agency", "operator", "found", "item"]
    list_filter = ["found", "agency"]
    list_select_related = ["agency", "operator", "item"]
    date_hierarchy = "at"
    show_full_result_count = False
    exclude = ["national_id_hash"]
