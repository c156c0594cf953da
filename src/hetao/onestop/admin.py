"""Back office for park services: edit, version (a new definition = a new version), export and import JSON.

Nothing here writes around the services: a service is saved and imported through services.service_import (which
checks onestop.manage_services and writes the audit trail); applications, their history, ratings, versions and
stored documents are read-only here (officers act on the work-queue pages, applicants on their own pages)."""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from hetao.core.admin import ReadOnlyAdmin

from . import formdef, services
from .models import Application, Rating, Service, ServiceVersion, StoredDocument, Transition


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Service JSON file"))


class DefinitionForm(forms.ModelForm):
    """Edit a service; a changed definition is saved as a new version (old applications keep theirs)."""

    definition = forms.JSONField(label=_("Definition (eligibility, materials, pages, steps)"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 24, "cols": 100}))

    class Meta:
        model = Service
        fields = [*services.SERVICE_FIELDS, "published"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.current_version_id:
            self.fields["definition"].initial = self.instance.current_version.definition

    def clean_definition(self):
        definition = self.cleaned_data["definition"] or {}
        problems = formdef.check_definition(definition)
        if problems:
            raise ValidationError(problems)
        return definition


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    form = DefinitionForm
    list_display = ["code", "name_en", "category", "working_days", "published", "current_version"]
    list_filter = ["category", "published"]
    search_fields = ["code", "name_en", "name_zh_hans", "name_zh_hant"]
    actions = ["export_json"]
    change_list_template = "admin/onestop/service/change_list.html"

    def has_delete_permission(self, request, obj=None):
        return False  # applications keep the versions they were made with; unpublish instead

    def save_model(self, request, obj, form, change):
        data = {**services.service_export(obj), **{f: form.cleaned_data.get(f) for f in services.SERVICE_FIELDS
                                                    if f in form.cleaned_data}}
        data["fee_amount"] = str(data["fee_amount"]) if data.get("fee_amount") is not None else None
        data["definition"] = form.cleaned_data["definition"]
        saved = services.service_import(actor=request.user, data=data, publish=form.cleaned_data["published"])
        obj.pk = saved.pk
        obj.refresh_from_db()

    @admin.action(description=_("Export the selected services as JSON"))
    def export_json(self, request, queryset):
        payload = [services.service_export(s) for s in queryset.select_related("current_version")]
        response = HttpResponse(json.dumps(payload[0] if len(payload) == 1 else payload, ensure_ascii=False,
                                           indent=1), content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="services.json"'
        return response

    def get_urls(self):
        return [path("import/", self.admin_site.admin_view(self.import_view), name="onestop_service_import"),
                *super().get_urls()]

    def import_view(self, request):
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                raw = json.loads(form.cleaned_data["file"].read().decode("utf-8"))
                for item in raw if isinstance(raw, list) else [raw]:
                    service = services.service_import(actor=request.user, data=item)
                    messages.success(request, f"{service.code}: v{service.current_version.number}")
            except (ValidationError, ValueError, UnicodeDecodeError) as error:
                form.add_error("file", getattr(error, "messages", [str(error)]))
            else:
                return redirect("admin:onestop_service_changelist")
        return render(request, "admin/onestop/service/import.html",
                      {**self.admin_site.each_context(request), "form": form, "title": _("Import services")})


@admin.register(ServiceVersion)
class ServiceVersionAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["service", "number", "created_at", "created_by"]
    readonly_fields = ["service", "number", "definition", "created_at", "created_by"]


class TransitionInline(ReadOnlyAdmin, admin.TabularInline):
    model = Transition
    extra = 0
    fields = readonly_fields = ("at", "actor", "action", "from_status", "to_status", "step", "first_signoff_by",
                                "comment", "internal_note")
    can_delete = False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Read-only: officers decide on the work-queue pages, which keep the history and notify."""

    list_display = ["reference", "service_version", "status", "current_department", "due_date"]
    list_filter = ["status", "current_department"]
    search_fields = ["reference"]
    readonly_fields = [f.name for f in Application._meta.concrete_fields]
    inlines = [TransitionInline]


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["application", "score", "at"]
    readonly_fields = ["application", "score", "comment", "at"]


@admin.register(StoredDocument)
class StoredDocumentAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["owner", "label", "original_name", "content_type", "size", "uploaded_at"]
    readonly_fields = ["owner", "label", "original_name", "content_type", "size", "sha256", "uploaded_at"]
    exclude = ["file"]
