from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from mokatebat.core.admin_mixins import RecordAdminMixin

from .messages import staff_text
from .models import GatewayPause, OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(RecordAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "mobile", "template", "state", "attempts", "segments", "cost", "sent_at"]
    # The text is shown as staff may read it: never a one-time code or a survey link's token.
    exclude = ["body", "dedup_key"]
    readonly_fields = ["text"]

    @admin.display(description=_("متن پیامک"))
    def text(self, message: OutboxMessage) -> str:
        return staff_text(message.template, message.body)

    list_filter = ["state", "template"]
    search_fields = ["=mobile", "=reference"]
    show_full_result_count = False


@admin.register(GatewayPause)
class GatewayPauseAdmin(RecordAdminMixin, admin.ModelAdmin):
    list_display = ["provider", "paused_at", "reason", "checked_at"]
