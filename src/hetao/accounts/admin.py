from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    ClientPolicy,
    DeletionRequest,
    Department,
    IdentityDocument,
    Invitation,
    JoinRequest,
    KnownDevice,
    Membership,
    PersonClaim,
    StaffRole,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0


@admin.register(User)
class ParkUserAdmin(UserAdmin):
    list_display = ["email", "first_name", "last_name", "is_staff", "preferred_language"]
    search_fields = ["email", "first_name", "last_name", "username"]
    fieldsets = [*UserAdmin.fieldsets, (_("Park"), {"fields": ["preferred_language", "mobile", "person"]})]
    autocomplete_fields = ["person"]
    inlines = [MembershipInline, StaffRoleInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_zh_hans", "name_zh_hant"]


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "department", "role"]
    list_filter = ["department", "role"]
    autocomplete_fields = ["user"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "joined_at"]
    list_filter = ["role"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "expires_at", "accepted_at"]
    readonly_fields = ["token", "accepted_by", "accepted_at"]
    autocomplete_fields = ["organisation"]


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "status", "created_at"]
    list_filter = ["status"]


@admin.register(PersonClaim)
class PersonClaimAdmin(admin.ModelAdmin):
    """Staff confirm that a new account is the registry person it claims to be."""

    list_display = ["user", "person", "status", "created_at", "decided_by"]
    list_filter = ["status"]
    readonly_fields = ["user", "person", "status", "decided_by", "decided_at"]
    actions = ["confirm", "reject"]

    def has_add_permission(self, request):
        return False

    def _decide(self, request, queryset, confirm: bool):
        for claim in queryset:
            try:
                services.person_claim_decide(actor=request.user, claim=claim, confirm=confirm)
            except ValidationError as error:
                self.message_user(request, f"{claim}: {' '.join(error.messages)}", messages.ERROR)

    @admin.action(description=_("Confirm the selected claims"))
    def confirm(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(description=_("Reject the selected claims"))
    def reject(self, request, queryset):
        self._decide(request, queryset, False)


@admin.register(KnownDevice)
class KnownDeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "user_agent", "first_seen", "last_seen"]
    readonly_fields = ["user", "fingerprint", "user_agent", "first_seen", "last_seen"]


@admin.register(ClientPolicy)
class ClientPolicyAdmin(admin.ModelAdmin):
    list_display = ["application", "allowed_scopes", "contact_email"]
    autocomplete_fields = ["application"]


@admin.register(IdentityDocument)
class IdentityDocumentAdmin(admin.ModelAdmin):
    """Masked numbers only; the full number is on the audited reveal page."""

    list_display = ["user", "kind", "country", "number_masked", "reveal_link"]
    list_filter = ["kind"]
    fields = ["user", "kind", "country", "number_masked", "added_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("Full number"))
    def reveal_link(self, obj):
        from django.urls import reverse
        from django.utils.html import format_html

        return format_html('<a href="{}">{}</a>', reverse("accounts:reveal_document", args=[obj.pk]), _("Reveal…"))


@admin.register(DeletionRequest)
class DeletionRequestAdmin(admin.ModelAdmin):
    """What deletion keeps is listed in hetao.accounts.privacy.KEPT_AFTER_DELETION (shown on the user's page)."""

    list_display = ["pseudonym", "status", "requested_at", "done_at"]
    list_filter = ["status"]
    readonly_fields = ["pseudonym", "reason", "status", "requested_at", "done_at", "done_by"]
    exclude = ["user"]
    actions = ["carry_out"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Delete the accounts (keeps pseudonymous audit records)"))
    def carry_out(self, request, queryset):
        from .privacy import deletion_carry_out

        for item in queryset:
            deletion_carry_out(actor=request.user, request=item)
