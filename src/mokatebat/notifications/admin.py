from django.contrib import admin

from mokatebat.core.admin_mixins import RecordAdminMixin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(RecordAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "mobile", "template", "state", "attempts", "sent_at"]
    list_filter = ["state", "template"]
    search_fields = ["=mobile", "=reference"]
    show_full_result_count = False
