"""The audit trail in the back office: read-only. No one adds, changes or deletes an event here (nor anywhere:
see hetao.audit.models); the list and each event can only be viewed."""

from typing import Any, NoReturn

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "target_type", "target_label"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_label", "target_label", "target_id"]
    date_hierarchy = "at"
    actions = None  # not even the "delete selected" action

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: AuditEvent | None = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    # Belt and braces: were a permission above ever loosened, the admin still writes nothing.
    def save_model(self, request: HttpRequest, obj: AuditEvent, form: "ModelForm[Any]", change: bool) -> NoReturn:
        raise PermissionDenied

    def delete_model(self, request: HttpRequest, obj: AuditEvent) -> NoReturn:
        raise PermissionDenied

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[AuditEvent]) -> NoReturn:
        raise PermissionDenied

    def save_related(self, request: HttpRequest, form: "ModelForm[Any]", formsets: "list[BaseFormSet[Any]]",
                     change: bool) -> NoReturn:
        raise PermissionDenied
