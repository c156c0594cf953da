"""Back-office screens for the registry. Every save and deletion goes through the registry services
(hetao.registry.services.record_save / record_delete): the same permission ("registry.change"), validation,
row locks, invariants and audit record as the pages and the API; Django's admin log records them as well.

The forms also run the services' invariant checks (`record_check`), so a building made smaller than its units or
a floor moved into a full building is a message on the form. A write refused only under the lock (two officers
at once) comes back as a message, never an error page.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from hetao.core.forms import add_validation_errors
from hetao.core.permissions import can

from . import models, services


class RegistryForm(forms.ModelForm):
    """Model validation (as every ModelForm does) plus the invariants the services check beyond clean()."""

    def _post_clean(self):
        super()._post_clean()
        if not self.errors:
            try:
                services.record_check(record=self.instance)
            except ValidationError as error:
                add_validation_errors(self, error)


class RegistryInline(admin.TabularInline):
    """Inline rows are saved and deleted by the services too (AuditedAdmin.save_formset)."""

    form = RegistryForm
    extra = 0

    def _may_change(self, request) -> bool:
        return can(request.user, services.PERMISSION)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._may_change(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_change(request)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_change(request)


class AuditedAdmin(admin.ModelAdmin):
    """Writes through the services; offered only to whom the registry rule and Django's model permission allow."""

    form = RegistryForm

    def _may_change(self, request) -> bool:
        return can(request.user, services.PERMISSION)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and self._may_change(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_change(request)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_change(request)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:  # refused under the lock (a race the form could not see): nothing saved
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        m2m = {f.name: form.cleaned_data[f.name] for f in obj._meta.many_to_many if f.name in form.cleaned_data}
        services.record_save(actor=request.user, record=obj, m2m=m2m)

    def save_related(self, request, form, formsets, change):
        # The many-to-many fields were saved by record_save (form.save_m2m() would write around it).
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            services.record_delete(actor=request.user, record=obj)
        for obj in instances:
            services.record_save(actor=request.user, record=obj)

    def delete_model(self, request, obj):
        services.record_delete(actor=request.user, record=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.record_delete(actor=request.user, record=obj)


NAME_FIELDS = ("name_en", "name_zh_hans", "name_zh_hant")
NAME_SEARCH = ["name_en", "name_zh_hans", "name_zh_hant"]


@admin.register(models.Zone)
class ZoneAdmin(AuditedAdmin):
    list_display = ["code", "name_en", "area_km2"]


@admin.register(models.Park)
class ParkAdmin(AuditedAdmin):
    list_display = ["code", "name_en", "name_zh_hans", "region", "area_km2"]


@admin.register(models.Port)
class PortAdmin(AuditedAdmin):
    list_display = ["code", "name_en", "name_zh_hans"]


@admin.register(models.KeyDirection)
class KeyDirectionAdmin(AuditedAdmin):
    list_display = ["code", "name_en", "name_zh_hans", "is_principal"]


@admin.register(models.ProfessionalPark)
class ProfessionalParkAdmin(AuditedAdmin):
    list_display = ["code", "name_en", "name_zh_hans", "park"]
    list_filter = ["park"]


class FloorInline(RegistryInline):
    model = models.Floor


@admin.register(models.Building)
class BuildingAdmin(AuditedAdmin):
    list_display = ["code", "name_en", "park", "professional_park", "gross_floor_area_m2"]
    list_filter = ["park", "professional_park"]
    search_fields = ["code", *NAME_SEARCH]
    inlines = [FloorInline]


@admin.register(models.Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["__str__", "use", "area_m2"]
    list_filter = ["use", "floor__building__park"]
    search_fields = ["code", "floor__building__code"]
    autocomplete_fields = ["floor"]
    list_select_related = ["floor__building"]


@admin.register(models.Floor)
class FloorAdmin(AuditedAdmin):
    search_fields = ["building__code", "building__name_en"]
    list_select_related = ["building"]


@admin.register(models.Lease)
class LeaseAdmin(AuditedAdmin):
    list_display = ["unit", "organisation", "start_date", "end_date"]
    autocomplete_fields = ["unit", "organisation"]
    list_select_related = ["unit__floor__building", "organisation"]
    date_hierarchy = "start_date"


@admin.register(models.Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name_en", "name_zh_hans", "kind", "park", "origin"]
    list_filter = ["kind", "park", "origin", "key_directions"]
    search_fields = ["search_text", "slug"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["key_directions"]
    prepopulated_fields = {"slug": ["name_en"]}
    list_select_related = ["park"]
    fieldsets = [
        (None, {"fields": ["slug", "kind", NAME_FIELDS, "aliases", "parent", "park", "origin"]}),
        (_("Identifiers"), {"fields": ["uscc", "hk_br", "website"]}),
        (_("About"), {"fields": ["key_directions", "description_en", "description_zh_hans",
                              "description_zh_hant"]}),
    ]


class AffiliationInline(RegistryInline):
    model = models.Affiliation
    autocomplete_fields = ["organisation"]


@admin.register(models.Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["name_en", "name_zh_hans", "name_zh_hant", "romanisation", "region", "orcid"]
    list_filter = ["region"]
    search_fields = ["search_text"]
    inlines = [AffiliationInline]


@admin.register(models.Project)
class ProjectAdmin(AuditedAdmin):
    list_display = ["code", "title_en", "lead_organisation", "key_direction", "status",
                    "is_hk_university_key_project"]
    list_filter = ["status", "key_direction", "is_hk_university_key_project"]
    search_fields = ["search_text", "code"]
    autocomplete_fields = ["lead_organisation", "partners"]
    list_select_related = ["lead_organisation", "key_direction"]


@admin.register(models.Patent)
class PatentAdmin(AuditedAdmin):
    list_display = ["pct_number", "title_en", "filing_date"]
    search_fields = ["pct_number", "title_en"]
    autocomplete_fields = ["applicants"]
    date_hierarchy = "filing_date"


@admin.register(models.StandardOutput)
class StandardOutputAdmin(AuditedAdmin):
    list_display = ["reference", "title_en", "kind", "organisation", "released_on"]
    list_filter = ["kind", "organisation"]
    search_fields = ["reference", "title_en"]


@admin.register(models.StandardsMembership)
class StandardsMembershipAdmin(AuditedAdmin):
    list_display = ["standards_organisation", "member", "joined_on"]
    list_filter = ["standards_organisation"]
    autocomplete_fields = ["member"]
