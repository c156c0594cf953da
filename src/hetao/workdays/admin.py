"""Back office: the working-day overrides. Saves and deletions go through the services (checked, audited)."""

from django.contrib import admin

from hetao.core.permissions import can

from . import services
from .models import WorkdayOverride


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(admin.ModelAdmin):
    list_display = ["day", "calendar", "working", "note", "updated_at", "updated_by"]
    list_filter = ["calendar", "working"]
    date_hierarchy = "day"
    search_fields = ["note"]
    fields = ["day", "calendar", "working", "note"]

    def _may(self, request) -> bool:
        return can(request.user, "workdays.manage")

    def has_module_permission(self, request):
        return self._may(request)

    def has_view_permission(self, request, obj=None):
        return self._may(request)

    def has_add_permission(self, request):
        return self._may(request)

    def has_change_permission(self, request, obj=None):
        return self._may(request)

    def has_delete_permission(self, request, obj=None):
        return self._may(request)

    def save_model(self, request, obj, form, change):
        services.override_save(actor=request.user, override=obj)

    def delete_model(self, request, obj):
        services.override_delete(actor=request.user, override=obj)

    def delete_queryset(self, request, queryset):
        for override in queryset:
            services.override_delete(actor=request.user, override=override)
