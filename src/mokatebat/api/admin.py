from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import ClientSystem, Open311Request
from .workflow import client_deactivate, client_rotate_token


@admin.register(ClientSystem)
class ClientSystemAdmin(admin.ModelAdmin):
    """Clients are made with `manage.py create_api_client` (the token is printed once); here they are
    switched off or given a new token, which is shown once in the admin's message."""

    list_display = ["name", "agency", "is_active", "scopes", "rate_limit", "token_hint", "created_at"]
    list_filter = ["is_active", "agency"]
    readonly_fields = ["agency", "token_hint", "created_at"]
    fields = ["name", "agency", "is_active", "scopes", "rate_limit", "token_hint", "created_at"]
    actions = ["rotate_token", "deactivate"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    @admin.action(description="توکن تازه (توکن قبلی بی‌درنگ از کار می‌افتد)")
    def rotate_token(self, request: HttpRequest, queryset: QuerySet[ClientSystem]) -> None:
        for client in queryset:
            token = client_rotate_token(client=client)
            self.message_user(request, f"{client.name}: {token}", messages.WARNING)

    @admin.action(description="غیرفعال کردن")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[ClientSystem]) -> None:
        for client in queryset:
            client_deactivate(client=client)


@admin.register(Open311Request)
class Open311RequestAdmin(admin.ModelAdmin):
    list_display = ["service_request_id", "service_code", "client", "created_at"]
    readonly_fields = [f.name for f in Open311Request._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
