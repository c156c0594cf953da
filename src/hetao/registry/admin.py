"""Back-office screens for the registry. Saves go through model clean() (validation, script derivation,
search text) and are recorded in Django's admin log plus our audit trail."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hetao.audit.service import audit_record

from . import models


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        action = f"registry.{obj._meta.model_name}.{'update' if change else 'create'}"
        audit_record(actor=request.user, action=action, target=obj,
                     changes={"fields": list(form.changed_data)})

    def delete_model(self, request, obj):
        audit_record(actor=request.user, action=f"registry.{obj._meta.model_name}.delete", target=obj)
        super().delete_model(request, obj)


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


class FloorInline(admin.TabularInline):
    model = models.Floor
    extra = 0


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


class AffiliationInline(admin.TabularInline):
    model = models.Affiliation
    extra = 0
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
