from django.contrib import admin

from mokatebat.core.admin_mixins import RecordAdminMixin

from .models import SignInCode


@admin.register(SignInCode)
class SignInCodeAdmin(RecordAdminMixin, admin.ModelAdmin):
    """The record of citizen sign-ins (who asked for a code, when, how many tries, whether it was used)."""

    list_display = ["created_at", "mobile", "attempts", "used_at"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    exclude = ["code_hash", "identifier"]
