"""The back office for accounts. Nothing here writes around the services: accounts and staff roles save through
them (user_admin_save, user_deactivate, staff_role_save, staff_role_remove); the other models are read-only here,
changed where the park changes them (the members page, the person-claim and deletion actions, the client pages).
An account is never deleted here: deletion is a privacy request, carried out by DeletionRequestAdmin's action.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hetao.core.admin import ReadOnlyAdmin

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


class MembershipInline(ReadOnlyAdmin, admin.TabularInline):
    """Members are managed by their organisation's admins on its members page (invitations, roles, removal)."""

    model = Membership
    extra = 0


class StaffRoleInline(ReadOnlyAdmin, admin.TabularInline):
    """Roles are given and taken on the staff roles page (audited)."""

    model = StaffRole
    extra = 0


@admin.register(User)
class ParkUserAdmin(UserAdmin):
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff", "preferred_language"]
    search_fields = ["email", "first_name", "last_name", "username"]
    fieldsets = [*(UserAdmin.fieldsets or ()), (_("Park"), {"fields": ["preferred_language", "mobile", "person"]})]
    autocomplete_fields = ["person"]
    inlines = [MembershipInline, StaffRoleInline]

    def has_delete_permission(self, request, obj=None):
        return False  # deletion keeps what the office must keep: hetao.accounts.privacy

    def save_model(self, request, obj, form, change):
        services.user_admin_save(actor=request.user, user=obj, fields=form.changed_data)


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Departments are the park's fixed offices; permission rules name them by code."""

    list_display = ["code", "name_en", "name_zh_hans", "name_zh_hant"]


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "department", "role"]
    list_filter = ["department", "role"]
    autocomplete_fields = ["user"]

    def save_model(self, request, obj, form, change):
        services.staff_role_save(actor=request.user, role=obj, fields=form.changed_data)

    def delete_model(self, request, obj):
        services.staff_role_remove(actor=request.user, role=obj)

    def delete_queryset(self, request, queryset):
        for role in queryset:
            services.staff_role_remove(actor=request.user, role=role)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Members are managed on their organisation's members page (the last admin cannot leave, and so on)."""

    list_display = ["user", "organisation", "role", "joined_at"]
    list_filter = ["role"]
    list_select_related = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Invitations are sent from the organisation's members page (by email, audited)."""

    list_display = ["email", "organisation", "role", "expires_at", "accepted_at"]


@admin.register(JoinRequest)
class JoinRequestAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Requests are decided by the organisation's admins on its members page."""

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

    def has_change_permission(self, request, obj=None):
        return False  # decided by the actions below (person_claim_decide)

    def has_delete_permission(self, request, obj=None):
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
class KnownDeviceAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["user", "user_agent", "first_seen", "last_seen"]


@admin.register(ClientPolicy)
class ClientPolicyAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """A partner client's policy is set on the OIDC client pages (hetao.accounts.clients, audited)."""

    list_display = ["application", "allowed_scopes", "contact_email"]


@admin.register(IdentityDocument)
class IdentityDocumentAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Masked numbers only; the full number is on the audited reveal page."""

    list_display = ["user", "kind", "country", "number_masked", "reveal_link"]
    list_filter = ["kind"]
    fields = readonly_fields = ("user", "kind", "country", "number_masked", "added_at")

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

    def has_change_permission(self, request, obj=None):
        return False  # carried out by the action below (deletion_carry_out)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Delete the accounts (keeps pseudonymous audit records)"))
    def carry_out(self, request, queryset):
        from .privacy import deletion_carry_out

        for item in queryset:
            deletion_carry_out(actor=request.user, request=item)
