"""Admin rules for records: they can be read, never deleted; changes go through the workflow."""

from typing import Any

from django.http import HttpRequest


class RecordAdminMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
