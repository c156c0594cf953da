"""The expert pool, conflicts of interest and the assignment of experts to bids.

Conflicts are computed from the registry (hetao.challenges.conflicts) each time they are needed; what people
add by hand is stored: an officer adds or lifts a conflict with a reason (ConflictOverride), and an expert
declares "conflict" or "no conflict" on opening an assigned bid (Assignment.declaration).

Assignment follows OpenReview's propose → inspect → deploy: a run is proposed by the solver
(hetao.review.assignment), the officer inspects it and swaps pairs by hand, then deploys it. One deployed run
per challenge: a partial unique index lets the database decide when two officers deploy at once.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hetao.registry.models import Region

from .bids import Bid
from .calls import Challenge


class Sector(models.TextChoices):
    ACADEMIA = "academia", _("Academia")
    INDUSTRY = "industry", _("Industry")
    GOVERNMENT = "government", _("Government and public bodies")


class ExpertStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACTIVE = "active", _("In the pool")
    DECLINED = "declined", _("Declined")
    RETIRED = "retired", _("Left the pool")


class Expert(models.Model):
    """A person of the registry who accepted the invitation to review (one row per account)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="expert_profiles")
    disciplines = models.CharField(_("disciplines"), max_length=500, help_text=_("Separated by commas."))
    keywords = models.TextField(_("keywords"), max_length=2000, blank=True, help_text=_("Separated by commas."))
    languages = models.CharField(_("languages"), max_length=60, default="zh-hans,en",
                                 help_text=_("Language codes separated by commas: en, zh-hans, zh-hant."))
    region = models.CharField(_("region"), max_length=16, choices=Region.choices)
    sector = models.CharField(_("sector"), max_length=12, choices=Sector.choices)
    available = models.BooleanField(_("available"), default=True)
    max_load = models.PositiveSmallIntegerField(_("most bids at a time"), default=4)
    status = models.CharField(_("status"), max_length=10, choices=ExpertStatus.choices,
                              default=ExpertStatus.INVITED)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    invited_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "available"], name="expert_pool")]
        constraints = [
            models.CheckConstraint(name="expert_status_valid", condition=Q(status__in=ExpertStatus.values)),
            models.CheckConstraint(name="expert_region_valid", condition=Q(region__in=Region.values)),
            models.CheckConstraint(name="expert_sector_valid", condition=Q(sector__in=Sector.values)),
            models.CheckConstraint(name="expert_active_accepted",
                                   condition=~Q(status=ExpertStatus.ACTIVE) | Q(accepted_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return str(self.person)


class ConflictOverride(models.Model):
    """An officer adds a conflict the registry does not show, or lifts a computed one; with the reason."""

    class Effect(models.TextChoices):
        ADD = "add", _("Conflict added")
        LIFT = "lift", _("Conflict lifted")

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="conflict_overrides")
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="conflict_overrides")
    effect = models.CharField(max_length=4, choices=Effect.choices)
    reason = models.TextField(_("reason"), max_length=2000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conflict decision")
        verbose_name_plural = _("conflict decisions")
        constraints = [
            models.UniqueConstraint(fields=["bid", "expert"], name="conflict_override_once_per_pair"),
            models.CheckConstraint(name="conflict_override_has_reason", condition=~Q(reason="")),
            models.CheckConstraint(name="conflict_override_effect_valid", condition=Q(effect__in=["add", "lift"])),
        ]


class RunStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    DEPLOYED = "deployed", _("Deployed")
    DISCARDED = "discarded", _("Discarded")


class AssignmentRun(models.Model):
    """One proposal of the solver for a challenge, with the figures the officer inspects."""

    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="assignment_runs")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.PROPOSED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    total_affinity = models.FloatField(default=0)  # a similarity score, not money
    upper_bound = models.FloatField(null=True, blank=True)  # the LP bound of the solver's certificate
    solver = models.CharField(max_length=40, blank=True)
    seconds = models.FloatField(default=0)
    quota_shortfalls = models.JSONField(default=list, blank=True)  # soft quotas not met: [{bid, quota, missing}]
    deployed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    deployed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("assignment proposal")
        verbose_name_plural = _("assignment proposals")
        ordering = ["challenge", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["challenge"], condition=Q(status=RunStatus.DEPLOYED),
                                    name="assignment_one_deployed_run_per_challenge"),
            models.CheckConstraint(name="assignment_run_deployed_has_time",
                                   condition=~Q(status=RunStatus.DEPLOYED) | Q(deployed_at__isnull=False)),
        ]


class Declaration(models.TextChoices):
    PENDING = "pending", _("Not yet declared")
    NO_CONFLICT = "no_conflict", _("No conflict")
    CONFLICT = "conflict", _("Conflict declared")


class Assignment(models.Model):
    """An expert assigned to a bid by a run. Deployed when its run is; the expert then declares."""

    run = models.ForeignKey(AssignmentRun, on_delete=models.CASCADE, related_name="assignments")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="assignments")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="assignments")
    affinity = models.FloatField(default=0)
    by_hand = models.BooleanField(default=False)  # swapped in by the officer during inspection
    declaration = models.CharField(max_length=12, choices=Declaration.choices, default=Declaration.PENDING)
    declared_at = models.DateTimeField(null=True, blank=True)
    conflict_reason = models.TextField(max_length=2000, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["run", "bid", "expert"]
        indexes = [models.Index(fields=["expert", "declaration"], name="assignment_expert_declaration")]
        constraints = [
            models.UniqueConstraint(fields=["run", "bid", "expert"], name="assignment_pair_once_per_run"),
            models.CheckConstraint(name="assignment_declaration_valid",
                                   condition=Q(declaration__in=Declaration.values)),
            models.CheckConstraint(name="assignment_declared_has_time",
                                   condition=Q(declaration=Declaration.PENDING) | Q(declared_at__isnull=False)),
        ]
