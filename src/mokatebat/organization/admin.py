from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Membership, Organization, Unit, User


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
    list_display = ["name", "kind", "province", "city", "is_active"]
    list_filter = ["kind", "province", "is_active"]
    search_fields = ["name", "short_name", "code"]
    inlines = [UnitInline]


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
