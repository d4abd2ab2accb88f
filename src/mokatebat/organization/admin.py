from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Membership, Organization, SettingChange, Unit, User
from .workflow import agency_mobile_code_set


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]
    filter_horizontal = ["units"]
    fk_name = "user"


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "is_active", "last_login"]
    fieldsets = (*UserAdmin.fieldsets, (None, {"fields": ("mobile",)}))  # type: ignore[misc]


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0
    fields = ["name", "kind", "parent", "accepts_letters", "is_active"]
    fk_name = "organization"
    show_change_link = True


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "province", "city", "is_active", "submit_mobile_code_required"]
    list_filter = ["kind", "province", "is_active", "submit_mobile_code_required"]
    search_fields = ["name", "short_name", "code"]
    readonly_fields = ["submit_mobile_code_required"]
    inlines = [UnitInline]
    actions = ["require_mobile_code", "stop_requiring_mobile_code"]

    @admin.action(description=_("تأیید شماره همراه با کد پیش از ثبت نامه‌های وبگاه"))
    def require_mobile_code(self, request: HttpRequest, queryset: QuerySet[Organization]) -> None:
        for agency in queryset.agencies():  # type: ignore[attr-defined]
            agency_mobile_code_set(agency=agency, actor=request.user, required=True)  # type: ignore[arg-type]

    @admin.action(description=_("برداشتن تأیید شماره همراه با کد"))
    def stop_requiring_mobile_code(self, request: HttpRequest, queryset: QuerySet[Organization]) -> None:
        for agency in queryset.agencies():  # type: ignore[attr-defined]
            agency_mobile_code_set(agency=agency, actor=request.user, required=False)  # type: ignore[arg-type]


@admin.register(SettingChange)
class SettingChangeAdmin(admin.ModelAdmin):
    """Read only: the record of who changed which agency setting."""

    list_display = ["changed_at", "organization", "setting", "before", "after", "actor"]
    list_filter = ["setting", "organization"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "parent", "kind", "is_active"]
    list_filter = ["kind", "organization"]
    search_fields = ["name"]
    autocomplete_fields = ["organization", "parent"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organization", "is_active"]
    list_filter = ["role", "organization"]
    search_fields = ["user__username", "user__last_name"]
    filter_horizontal = ["units"]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # deactivate instead: the history of who held a role stays
