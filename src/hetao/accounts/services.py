"""Writes of the one-account part: accounts (back office, deactivation), staff roles, memberships, invitations,
requests to join, person claims, profile.

Each service checks permission through hetao.core.permissions, runs in a transaction, writes its
audit record, and sends email after commit through a task.
"""

import datetime
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hetao.audit.service import audit_record
from hetao.core.crypto import blind_index, decrypt, encrypt
from hetao.core.links import absolute_url
from hetao.core.permissions import require
from hetao.core.validators import (
    normalise_hkid,
    validate_hkid,
    validate_mainland_id,
    validate_passport_number,
    validate_residence_permit,
)
from hetao.registry.models import Organisation, Person

from .adapter import recipient_language
from .hooks import run_user_deactivated
from .models import (
    IdentityDocument,
    Invitation,
    JoinRequest,
    Membership,
    MembershipRole,
    PersonClaim,
    StaffRole,
    User,
)
from .tasks import send_account_email

__all__ = [
    "person_create_for_account",
    "identity_document_add",
    "identity_document_delete",
    "identity_document_reveal",
    "invitation_accept",
    "invitation_create",
    "join_request_create",
    "join_request_decide",
    "membership_remove",
    "membership_set_role",
    "person_claim_create",
    "person_claim_decide",
    "profile_update",
    "staff_role_remove",
    "staff_role_save",
    "user_admin_save",
    "user_deactivate",
]

INVITATION_DAYS = 14


def _email_after_commit(*, to: str, template: str, context: dict, language: str) -> None:
    transaction.on_commit(lambda: send_account_email.enqueue(to=to, template=template, context=context,
                                                             language=language))


@transaction.atomic
def invitation_create(*, actor: User, organisation: Organisation, email: str,
                      role: str = MembershipRole.MEMBER) -> Invitation:
    require(actor, "organisation.manage_members", organisation)
    email = email.strip().lower()
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member of the organisation.")})
    invitation = Invitation(organisation=organisation, email=email, role=role, invited_by=actor,
                            expires_at=timezone.now() + datetime.timedelta(days=INVITATION_DAYS))
    invitation.full_clean()
    invitation.save(force_insert=True)
    audit_record(actor=actor, action="accounts.invitation.create", target=invitation,
                 changes={"organisation": organisation.slug, "role": role})
    language = recipient_language(email)  # an existing account's language, else the inviter's page language
    with translation.override(language):
        _email_after_commit(to=email, template="invitation", language=language, context={
            "organisation": organisation.name, "expires": invitation.expires_at.date().isoformat(),
            "url": absolute_url("accounts:invitation", token=invitation.token),
            "role": str(invitation.get_role_display())})
    return invitation


@transaction.atomic
def invitation_accept(*, actor: User, token: str) -> Membership:
    from allauth.account.models import EmailAddress

    invitation = Invitation.objects.select_for_update().select_related("organisation").filter(token=token).first()
    if invitation is None:
        raise ValidationError(_("This invitation does not exist."), code="invitation_unknown")
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."), code="invitation_used")
    if invitation.is_expired:
        raise ValidationError(_("This invitation expired on %(date)s. Ask the organisation for a new one."),
                              code="invitation_expired", params={"date": invitation.expires_at.date()})
    if not EmailAddress.objects.filter(user=actor, email__iexact=invitation.email, verified=True).exists():
        raise ValidationError(_("This invitation was sent to %(email)s. Sign in with that verified address."),
                              code="invitation_other_email", params={"email": invitation.email})
    membership, _created = Membership.objects.get_or_create(
        user=actor, organisation=invitation.organisation, defaults={"role": invitation.role})
    invitation.accepted_by, invitation.accepted_at = actor, timezone.now()
    invitation.save(update_fields=["accepted_by", "accepted_at"])
    audit_record(actor=actor, action="accounts.invitation.accept", target=membership)
    return membership


@transaction.atomic
def join_request_create(*, actor: User, organisation: Organisation, message: str = "") -> JoinRequest:
    require(actor, "organisation.request_join", organisation)
    try:
        with transaction.atomic():
            request = JoinRequest.objects.create(user=actor, organisation=organisation, message=message[:1000])
    except IntegrityError as exc:
        raise ValidationError(_("You have already asked to join this organisation."), code="join_duplicate") from exc
    audit_record(actor=actor, action="accounts.join_request.create", target=request)
    for admin in User.objects.filter(memberships__organisation=organisation, memberships__role="admin"):
        with translation.override(admin.preferred_language):
            _email_after_commit(to=admin.email, template="join_request", language=admin.preferred_language,
                                context={"organisation": organisation.name, "user": actor.display_name,
                                         "url": absolute_url("accounts:members", slug=organisation.slug)})
    return request


@transaction.atomic
def join_request_decide(*, actor: User, join_request: JoinRequest, approve: bool) -> JoinRequest:
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    require(actor, "organisation.manage_members", join_request.organisation)
    if join_request.status != JoinRequest.Status.PENDING:
        raise ValidationError(_("This request has already been decided by someone else."), code="decided")
    join_request.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.DECLINED
    join_request.decided_by = actor
    join_request.save(update_fields=["status", "decided_by"])
    if approve:
        Membership.objects.get_or_create(user=join_request.user, organisation=join_request.organisation)
    audit_record(actor=actor, action=f"accounts.join_request.{join_request.status}", target=join_request)
    return join_request


@transaction.atomic
def membership_set_role(*, actor: User, membership: Membership, role: str) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    require(actor, "organisation.manage_members", membership.organisation)
    if role not in MembershipRole.values:
        raise ValidationError({"role": _("Unknown role.")})
    _keep_one_admin(membership, leaving=role != MembershipRole.ADMIN)
    before, membership.role = membership.role, role
    membership.save(update_fields=["role"])
    audit_record(actor=actor, action="accounts.membership.role", target=membership, changes={"role": [before, role]})
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.user_id != actor.pk:
        require(actor, "organisation.manage_members", membership.organisation)
    _keep_one_admin(membership, leaving=True)
    audit_record(actor=actor, action="accounts.membership.remove", target=membership)
    membership.delete()


def _keep_one_admin(membership: Membership, *, leaving: bool) -> None:
    if leaving and membership.role == MembershipRole.ADMIN:
        admins = Membership.objects.select_for_update().filter(organisation=membership.organisation, role="admin")
        if admins.count() <= 1:
            raise ValidationError(_("An organisation needs at least one admin; name another admin first."),
                                  code="last_admin")


@transaction.atomic
def person_claim_create(*, actor: User, person: Person) -> PersonClaim:
    if actor.person_id:
        raise ValidationError(_("Your account is already linked to a person in the registry."), code="linked")
    if hasattr(person, "account"):
        raise ValidationError(_("This person is already linked to another account."), code="taken")
    try:
        with transaction.atomic():
            claim = PersonClaim.objects.create(user=actor, person=person)
    except IntegrityError as exc:
        raise ValidationError(_("There is already a claim waiting for staff."), code="claim_pending") from exc
    audit_record(actor=actor, action="accounts.person_claim.create", target=claim)
    return claim


@transaction.atomic
def person_claim_decide(*, actor: User, claim: PersonClaim, confirm: bool) -> PersonClaim:
    claim = PersonClaim.objects.select_for_update().select_related("user", "person").get(pk=claim.pk)
    require(actor, "person_claim.decide", claim)
    if claim.status != PersonClaim.Status.PENDING:
        raise ValidationError(_("This claim has already been decided by someone else."), code="decided")
    claim.status = PersonClaim.Status.CONFIRMED if confirm else PersonClaim.Status.REJECTED
    claim.decided_by, claim.decided_at = actor, timezone.now()
    claim.save(update_fields=["status", "decided_by", "decided_at"])
    if confirm:
        User.objects.filter(pk=claim.user_id).update(person=claim.person)
    audit_record(actor=actor, action=f"accounts.person_claim.{claim.status}", target=claim)
    return claim


@transaction.atomic
def profile_update(*, actor: User, user: User, **fields: Any) -> User:
    if actor.pk != user.pk:
        raise PermissionDenied
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password", "username"])
    user.save(update_fields=list(fields))
    audit_record(actor=actor, action="accounts.profile.update", target=user, changes={"fields": sorted(fields)})
    return user


# ── Accounts in the back office ──────────────────────────────────────────────────────────────────────

@transaction.atomic
def user_deactivate(*, actor: User, user: User, reason: str) -> User:
    """Deactivate an account: it can no longer sign in, and the apps above accounts do their part through
    hetao.accounts.hooks (passes revokes the account's park codes). Deactivating an inactive account does nothing."""
    require(actor, "accounts.deactivate_user", user)
    was_active = User.objects.select_for_update().filter(pk=user.pk).values_list("is_active", flat=True).first()
    user.is_active = False
    if not was_active:
        return user
    # Only what changes is validated: an old, no longer valid mobile number must not keep an account active.
    user.full_clean(exclude=[f.name for f in User._meta.concrete_fields if f.name != "is_active"],
                    validate_unique=False, validate_constraints=False)
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, action="accounts.user.deactivate", target=user, changes={"reason": reason[:200]})
    run_user_deactivated(actor=actor, user=user, reason=reason)
    return user


def _concrete(model: type[Model], fields: Iterable[str]) -> list[str]:
    names = {f.name for f in model._meta.concrete_fields if not f.primary_key}
    return sorted(set(fields) & names)


@transaction.atomic
def user_admin_save(*, actor: User, user: User, fields: Iterable[str] = ()) -> User:
    """The back office creates an account (no pk yet) or saves the `fields` staff changed on it. Switching
    `is_active` off is a deactivation (user_deactivate: codes revoked, audited with its reason)."""
    require(actor, "accounts.manage_users", user)
    fields = set(fields)
    deactivating = user.pk is not None and "is_active" in fields and not user.is_active
    if deactivating:
        user.is_active = True  # user_deactivate below makes the change, with its hooks
        fields.discard("is_active")
    user.full_clean(exclude=["password"])
    if user.pk is None:
        user.save(force_insert=True)
        audit_record(actor=actor, action="accounts.user.create", target=user, changes={"fields": sorted(fields)})
    else:
        update = _concrete(User, fields)
        if update:
            user.save(update_fields=update)
        if fields:  # many-to-many fields (groups, permissions) are saved by the caller's form
            audit_record(actor=actor, action="accounts.user.update", target=user, changes={"fields": sorted(fields)})
    if deactivating:
        user_deactivate(actor=actor, user=user, reason="back_office")
    return user


@transaction.atomic
def staff_role_save(*, actor: User, role: StaffRole, fields: Iterable[str] = ()) -> StaffRole:
    """Give someone a role in a department (no pk yet), or save the `fields` changed on one."""
    require(actor, "accounts.manage_users", role)
    role.full_clean()
    if role.pk is None:
        role.save(force_insert=True)
        audit_record(actor=actor, action="accounts.staff_role.create", target=role,
                     changes={"department": role.department.code, "role": role.role})
        return role
    update = _concrete(StaffRole, fields)
    if update:
        role.save(update_fields=update)
        audit_record(actor=actor, action="accounts.staff_role.update", target=role,
                     changes={"department": role.department.code, "role": role.role, "fields": update})
    return role


@transaction.atomic
def staff_role_remove(*, actor: User, role: StaffRole) -> None:
    role = StaffRole.objects.select_for_update().select_related("department").get(pk=role.pk)
    require(actor, "accounts.manage_users", role)
    audit_record(actor=actor, action="accounts.staff_role.remove", target=role,
                 changes={"department": role.department.code, "role": role.role})
    role.delete()


# ── Identity documents ───────────────────────────────────────────────────────────────────────────────

def mask_number(kind: str, number: str) -> str:
    if kind == IdentityDocument.Kind.HKID:  # A123456(3) → A123***(3)
        head, check = number.split("(")
        return f"{head[:-3]}***({check}"
    if kind == IdentityDocument.Kind.PASSPORT:
        return "*" * (len(number) - 3) + number[-3:]
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def _normalise_document(kind: str, number: str, country: str) -> tuple[str, str]:
    number = number.strip().upper().replace(" ", "")
    country = country.strip().upper()
    if kind == IdentityDocument.Kind.MAINLAND_ID:
        validate_mainland_id(number)
    elif kind == IdentityDocument.Kind.RESIDENCE_PERMIT:
        validate_residence_permit(number)
    elif kind == IdentityDocument.Kind.HKID:
        validate_hkid(number)
        number = normalise_hkid(number)
    elif kind == IdentityDocument.Kind.PASSPORT:
        validate_passport_number(number)
        if not re.fullmatch(r"[A-Z]{3}", country):
            raise ValidationError({"country": _("Enter the three-letter country code of the passport, e.g. CHN.")})
    else:
        raise ValidationError({"kind": _("Unknown kind of document.")})
    return number, country if kind == IdentityDocument.Kind.PASSPORT else ""


@transaction.atomic
def identity_document_add(*, actor: User, kind: str, number: str, country: str = "") -> IdentityDocument:
    number, country = _normalise_document(kind, number, country)
    index = blind_index(f"{kind}:{country}:{number}")
    if IdentityDocument.objects.filter(kind=kind, country=country, number_index=index).exists():
        raise ValidationError({"number": _("This document is already registered to an account. Contact the "
                                           "park's talent services if it is yours.")})
    try:
        with transaction.atomic():  # two simultaneous adds: the unique constraint decides
            document = IdentityDocument.objects.create(
                user=actor, kind=kind, country=country, number_index=index, number_encrypted=encrypt(number),
                number_masked=mask_number(kind, number))
    except IntegrityError as exc:
        raise ValidationError({"number": _("This document is already registered to an account.")}) from exc
    audit_record(actor=actor, action="security.iddoc_added", target=document, changes={"kind": kind})
    return document


def identity_document_reveal(*, actor: User, document: IdentityDocument, reason: str) -> str:
    require(actor, "iddoc.reveal", document)
    if len(reason.strip()) < 5:
        raise ValidationError({"reason": _("Say why you need to see the full number.")})
    audit_record(actor=actor, action="security.iddoc_revealed", target=document,
                 changes={"owner": f"user:{document.user_id}", "reason": reason.strip()[:500]})
    return decrypt(document.number_encrypted)


@transaction.atomic
def identity_document_delete(*, actor: User, document: IdentityDocument) -> None:
    if document.user_id != actor.pk:
        raise PermissionDenied
    audit_record(actor=actor, action="security.iddoc_deleted", target=document)
    document.delete()


@transaction.atomic
def person_create_for_account(*, actor: User, name_zh: str = "", region: str = "mainland") -> Person:
    """A newcomer not yet in the registry creates their own person record, linked at once."""
    actor = User.objects.select_for_update().get(pk=actor.pk)
    if actor.person_id:
        raise ValidationError(_("Your account is already linked to a person in the registry."), code="linked")
    name_en = actor.get_full_name().strip()
    if not name_en:
        raise ValidationError(_("Add your name to your profile first."), code="no_name")
    person = Person(name_en=name_en, region=region)
    if name_zh:  # kept in the script it was typed in; clean() derives the other one
        from hetao.core.chinese import to_simplified

        script = "name_zh_hans" if to_simplified(name_zh) == name_zh else "name_zh_hant"
        setattr(person, script, name_zh)
    person.full_clean()
    person.save(force_insert=True)
    actor.person = person
    actor.save(update_fields=["person"])
    audit_record(actor=actor, action="accounts.person.create", target=person)
    return person
