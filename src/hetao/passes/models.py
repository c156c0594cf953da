"""One code (一码集成): holders, access points and rules, visitor passes and the access log."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hetao.core.trilingual import NamedModel


def new_pseudonym() -> str:
    return secrets.token_hex(8)


class PassHolder(models.Model):
    """The pseudonymous identity in a person's code. Bumping `epoch` revokes every code issued before."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pass_holder")
    pseudonym = models.CharField(max_length=16, unique=True, default=new_pseudonym, editable=False)
    epoch = models.PositiveIntegerField(default=1)
    epoch_changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pass holder")
        verbose_name_plural = _("pass holders")

    def __str__(self) -> str:
        return f"{self.pseudonym} (epoch {self.epoch})"


class AccessPoint(NamedModel):
    """A gate, door, lab or event entrance. It authenticates to the checkpoint API with its own token."""

    class Kind(models.TextChoices):
        GATE = "gate", _("Park gate")
        DOOR = "door", _("Building door")
        LAB = "lab", _("Laboratory")
        EVENT = "event", _("Event entrance")

    code = models.SlugField(_("code"), max_length=48, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    park = models.ForeignKey("registry.Park", on_delete=models.PROTECT, related_name="access_points")
    building = models.ForeignKey("registry.Building", on_delete=models.SET_NULL, null=True, blank=True)
    unit = models.ForeignKey("registry.Unit", on_delete=models.SET_NULL, null=True, blank=True)
    event = models.ForeignKey("community.Event", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="entrances")
    token_hash = models.CharField(max_length=64, editable=False, blank=True, db_index=True)  # the gate's bearer token
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("access point")
        verbose_name_plural = _("access points")
        ordering = ["park", "code"]

    def issue_token(self) -> str:
        """A new credential for the gate device (shown once); the park keeps only its hash."""
        token = secrets.token_urlsafe(32)
        self.token_hash = hashlib.sha256(token.encode()).hexdigest()
        self.save(update_fields=["token_hash"])
        return token


class AccessRule(models.Model):
    """Who may enter an access point, and when. A person is let in if any active rule matches."""

    class Grant(models.TextChoices):
        ANYONE = "anyone", _("Anyone with a park account")
        DEPARTMENT = "department", _("Staff of a department")
        ORGANISATION = "organisation", _("Members of an organisation")
        ORGANISATION_KIND = "organisation_kind", _("Members of a kind of organisation")
        PERSON = "person", _("One person")

    access_point = models.ForeignKey(AccessPoint, on_delete=models.CASCADE, related_name="rules")
    grant = models.CharField(_("grant"), max_length=20, choices=Grant.choices)
    department = models.ForeignKey("accounts.Department", on_delete=models.CASCADE, null=True, blank=True)
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, null=True, blank=True)
    organisation_kind = models.CharField(max_length=32, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True)
    weekdays = models.CharField(_("weekdays"), max_length=7, default="0123456",
                                help_text=_("Monday is 0: e.g. 01234 for working days."))
    opens = models.TimeField(_("from"), default=datetime.time(0, 0))
    closes = models.TimeField(_("until"), default=datetime.time(23, 59, 59))

    class Meta:
        verbose_name = _("access rule")
        verbose_name_plural = _("access rules")
        constraints = [
            models.CheckConstraint(name="access_rule_target", condition=(
                Q(grant="anyone") | Q(grant="department", department__isnull=False)
                | Q(grant="organisation", organisation__isnull=False)
                | (Q(grant="organisation_kind") & ~Q(organisation_kind="")) | Q(grant="person", user__isnull=False))),
            models.CheckConstraint(name="access_rule_hours", condition=Q(closes__gt=F("opens"))),
        ]

    def grants(self, user) -> bool:
        """Whether this rule names `user` (its weekdays and hours aside)."""
        if self.grant == self.Grant.ANYONE:
            return True
        if self.grant == self.Grant.PERSON:
            return self.user_id == user.pk
        if self.grant == self.Grant.DEPARTMENT:
            return self.department_id is not None and user.staff_roles.filter(department_id=self.department_id).exists()
        if self.grant == self.Grant.ORGANISATION:
            return (self.organisation_id is not None
                    and user.memberships.filter(organisation_id=self.organisation_id).exists())
        return user.memberships.filter(organisation__kind=self.organisation_kind).exists()


def access_points_open_to(user) -> models.QuerySet[AccessPoint]:
    """The active access points that some rule lets `user` enter (at some hour): one query, for forms and checks."""
    named = (Q(rules__grant=AccessRule.Grant.ANYONE)
             | Q(rules__grant=AccessRule.Grant.PERSON, rules__user=user)
             | Q(rules__grant=AccessRule.Grant.DEPARTMENT, rules__department__staff_roles__user=user)
             | Q(rules__grant=AccessRule.Grant.ORGANISATION, rules__organisation__memberships__user=user)
             | Q(rules__grant=AccessRule.Grant.ORGANISATION_KIND,
                 rules__organisation_kind__in=user.memberships.values("organisation__kind")))
    return AccessPoint.objects.filter(is_active=True).filter(
        pk__in=AccessPoint.objects.filter(named).values("pk"))


MAX_VISIT = datetime.timedelta(hours=24)


class VisitorPass(models.Model):
    """A member invites a guest for a time window; the guest gets a one-time code by email."""

    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invited_visitors")
    guest_name = models.CharField(_("guest's name"), max_length=120)
    guest_email = models.EmailField(_("guest's email"))
    access_point = models.ForeignKey(AccessPoint, on_delete=models.CASCADE, related_name="visitor_passes")
    valid_from = models.DateTimeField(_("from"))
    valid_until = models.DateTimeField(_("until"))
    pseudonym = models.CharField(max_length=16, unique=True, default=new_pseudonym, editable=False)
    used_at = models.DateTimeField(null=True, blank=True)
    cancelled = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("visitor pass")
        verbose_name_plural = _("visitor passes")
        constraints = [
            models.CheckConstraint(name="visitor_window", condition=Q(valid_until__gt=F("valid_from"))),
            # A visitor pass covers at most a day (visitor_invite says so to the host; the database holds to it).
            models.CheckConstraint(name="visitor_window_at_most_a_day",
                                   condition=Q(valid_until__lte=F("valid_from") + MAX_VISIT)),
        ]


class AccessLog(models.Model):
    access_point = models.ForeignKey(AccessPoint, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    subject = models.CharField(max_length=24, blank=True)
    kind = models.CharField(max_length=1, blank=True)
    allowed = models.BooleanField()
    reason = models.CharField(max_length=24, blank=True)
    nonce = models.CharField(max_length=16, blank=True, db_index=True)
    offline = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["access_point", "at"])]
