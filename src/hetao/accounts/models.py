"""One account (一号互通): users, organisation membership, staff departments, invitations, device history."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hetao.core.names import display_name
from hetao.core.trilingual import NamedModel
from hetao.core.validators import validate_mobile


class User(AbstractUser):
    """A park account. Email is the sign-in name (allauth keeps it verified and unique)."""

    preferred_language = models.CharField(_("preferred language"), max_length=8, choices=settings.LANGUAGES,
                                          default="en")
    mobile = models.CharField(_("mobile number"), max_length=20, blank=True, validators=[validate_mobile],
                              help_text=_("With country code: +86, +852 or +853."))
    person = models.OneToOneField("registry.Person", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="account", verbose_name=_("registry person"))

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.display_name

    def get_full_name(self) -> str:
        """Family name first and unspaced for a Chinese name (陳小明), given name first otherwise (Ka Yan Chan)."""
        return display_name(self.last_name, self.first_name)

    @property
    def display_name(self) -> str:
        """The name shown on pages, emails and messages (allauth's ACCOUNT_USER_DISPLAY); the email without one."""
        return self.get_full_name() or self.email or self.username


def user_display(user: User) -> str:
    return user.display_name


class PersonClaim(models.Model):
    """A new user says "this registry person is me"; staff confirm before the link is made."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for staff")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="person_claims")
    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="claims")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("person claim")
        verbose_name_plural = _("person claims")
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(status="pending"),
                                    name="one_pending_claim_per_person"),
            models.UniqueConstraint(fields=["user"], condition=Q(status="pending"), name="one_pending_claim_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.person} ({self.get_status_display()})"


class MembershipRole(models.TextChoices):
    ADMIN = "admin", _("Organisation admin")
    MEMBER = "member", _("Member")


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("account"))
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="memberships",
                                     verbose_name=_("organisation"))
    role = models.CharField(_("role"), max_length=12, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} ({self.get_role_display()})"


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """An email invitation to join an organisation; the token is single-use and expires."""

    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=12, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class JoinRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the organisation")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="join_requests")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="join_requests")
    message = models.TextField(_("message"), blank=True, max_length=1000)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], condition=Q(status="pending"),
                                    name="one_pending_join_request"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation}"


class Department(NamedModel):
    """A department of the development office."""

    code = models.SlugField(_("code"), max_length=32, unique=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]


class StaffRole(models.Model):
    class Role(models.TextChoices):
        HEAD = "head", _("Head of department")
        OFFICER = "officer", _("Officer")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_roles")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="staff_roles")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.OFFICER)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [models.UniqueConstraint(fields=["user", "department"], name="staff_role_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.department} ({self.get_role_display()})"


class KnownDevice(models.Model):
    """A browser a user has signed in from; a sign-in from an unknown one alerts the user."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="known_devices")
    fingerprint = models.CharField(max_length=64)
    user_agent = models.CharField(max_length=300, blank=True)
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("known device")
        verbose_name_plural = _("known devices")
        constraints = [models.UniqueConstraint(fields=["user", "fingerprint"], name="known_device_unique")]

    @staticmethod
    def fingerprint_of(user_agent: str) -> str:
        return hashlib.sha256(user_agent.encode()).hexdigest()


class ClientPolicy(models.Model):
    """What a partner system registered with the park may ask for (django-oauth-toolkit has no per-client
    scopes). First-party clients skip the consent screen through Application.skip_authorization."""

    application = models.OneToOneField(settings.OAUTH2_PROVIDER_APPLICATION_MODEL, on_delete=models.CASCADE,
                                       related_name="park_policy", verbose_name=_("client application"))
    allowed_scopes = models.CharField(_("allowed scopes"), max_length=255, default="openid profile email",
                                      help_text=_("Space-separated, from: openid profile email organisations."))
    contact_email = models.EmailField(_("contact email"), blank=True)
    # A disabled client is refused at every endpoint (hetao.accounts.oidc.client_allowed); its tokens are revoked.
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("client policy")
        verbose_name_plural = _("client policies")

    def __str__(self) -> str:
        return f"{self.application} · {self.allowed_scopes}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        unknown = set(self.allowed_scopes.split()) - set(settings.OAUTH2_PROVIDER["SCOPES"])
        if unknown:
            raise ValidationError({"allowed_scopes": _("Unknown scopes: %(scopes)s") % {
                "scopes": ", ".join(sorted(unknown))}})


class IdentityDocument(models.Model):
    """An identity document a service needs. The number is encrypted at rest; the clear text is shown
    masked, and revealed only to staff allowed to (each reveal is audited)."""

    class Kind(models.TextChoices):
        MAINLAND_ID = "mainland_id", _("Mainland resident ID")
        RESIDENCE_PERMIT = "residence_permit", _("Residence permit for Hong Kong, Macao or Taiwan residents")
        HKID = "hkid", _("Hong Kong Identity Card")
        PASSPORT = "passport", _("Passport")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="identity_documents")
    kind = models.CharField(_("document"), max_length=20, choices=Kind.choices)
    country = models.CharField(_("issuing country"), max_length=3, blank=True,
                               help_text=_("For passports: the three-letter country code, e.g. CHN, GBR."))
    number_encrypted = models.TextField(editable=False)
    number_masked = models.CharField(_("number"), max_length=32, editable=False)
    number_index = models.CharField(max_length=64, editable=False)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")
        constraints = [
            models.UniqueConstraint(fields=["kind", "country", "number_index"], name="identity_document_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number_masked}"


class DeletionRequest(models.Model):
    """A user asks for their account to be deleted; staff carry it out (see accounts.services)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for staff")
        DONE = "done", _("Deleted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="deletion_requests")
    pseudonym = models.CharField(max_length=32, editable=False)
    reason = models.TextField(_("reason"), blank=True, max_length=1000)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("deletion request")
        verbose_name_plural = _("deletion requests")
        constraints = [models.UniqueConstraint(fields=["user"], condition=Q(status="pending"),
                                               name="one_pending_deletion_request")]

    def __str__(self) -> str:
        return f"{self.pseudonym} ({self.get_status_display()})"
