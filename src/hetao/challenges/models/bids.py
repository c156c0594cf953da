"""Bids (团队揭榜): a team's answer to a challenge — members, approach, work plan, budget by line, declarations.

A bid is sealed until its challenge closes (Challenge.is_sealed): no officer or reviewer reads it before, except
through the audited emergency opening (`unsealed_at`, `unsealed_by`, `unseal_reason`, shown to the team).
Fields that identify the team are listed in IDENTIFYING_FIELDS: phase 1 (blind) never shows them to reviewers.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .calls import Challenge
from .topics import Currency


class BidStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    OUT = "out", _("Below a threshold")
    AWARDED = "awarded", _("Awarded")
    NOT_AWARDED = "not_awarded", _("Not awarded")


class Bid(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="bids")
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bids",
                             verbose_name=_("team lead"))
    # The team's legal entity: registered in the registry, or one the team is able to register (named here).
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="bids", verbose_name=_("organisation"))
    entity_to_register = models.CharField(_("entity the team will register"), max_length=255, blank=True)
    team_name = models.CharField(_("team name"), max_length=255)
    # What reviewers judge in phase 1: no names in it (the form says so; the blind test checks our own pages).
    summary = models.TextField(_("summary"), max_length=3000)
    approach = models.TextField(_("technical approach"), max_length=20000)
    work_plan = models.TextField(_("work plan"), max_length=20000)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    budget_total = models.DecimalField(_("total budget"), max_digits=14, decimal_places=2, default=0)
    declares_no_other_conflicts = models.BooleanField(_("we have declared every conflict of interest"),
                                                      default=False)
    declared_conflicts = models.TextField(_("declared conflicts of interest"), max_length=3000, blank=True,
                                          help_text=_("People or organisations the team has ties with."))
    declares_truthful = models.BooleanField(_("the information is true and complete"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=BidStatus.choices, default=BidStatus.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # The audited emergency opening of a sealed bid.
    unsealed_at = models.DateTimeField(null=True, blank=True)
    unsealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    unseal_reason = models.TextField(max_length=2000, blank=True)
    # The result, once consensus and the panel have spoken.
    rank = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        ordering = ["challenge", "id"]
        indexes = [models.Index(fields=["challenge", "status"], name="bid_challenge_status"),
                   models.Index(fields=["lead", "status"], name="bid_lead_status")]
        constraints = [
            models.CheckConstraint(name="bid_status_valid", condition=Q(status__in=BidStatus.values)),
            models.CheckConstraint(name="bid_currency_valid", condition=Q(currency__in=Currency.values)),
            models.CheckConstraint(name="bid_budget_not_negative", condition=Q(budget_total__gte=0)),
            models.CheckConstraint(name="bid_submitted_has_time",
                                   condition=Q(status=BidStatus.DRAFT) | Q(submitted_at__isnull=False)),
            models.CheckConstraint(name="bid_withdrawn_has_time",
                                   condition=~Q(status=BidStatus.WITHDRAWN) | Q(withdrawn_at__isnull=False)),
            models.CheckConstraint(name="bid_unsealed_has_reason",
                                   condition=Q(unsealed_at__isnull=True) | ~Q(unseal_reason="")),
            models.CheckConstraint(name="bid_has_an_entity",
                                   condition=Q(organisation__isnull=False) | ~Q(entity_to_register="")
                                   | Q(status=BidStatus.DRAFT)),
            # One live bid per lead and challenge (a withdrawn bid does not count).
            models.UniqueConstraint(fields=["challenge", "lead"], condition=~Q(status=BidStatus.WITHDRAWN),
                                    name="bid_one_live_per_lead"),
        ]

    def __str__(self) -> str:
        return f"{self.challenge.code} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("challenges:bid", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        """How a bid is named where the team must not be (phase 1): the challenge and the bid's number."""
        return f"{self.challenge.code}-B{self.pk:03d}"


# Bid fields that name the team: hidden from reviewers in phase 1, from every page, response, PDF and export.
IDENTIFYING_FIELDS = ("lead", "organisation", "entity_to_register", "team_name", "declared_conflicts")


class MemberStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")


class BidMember(models.Model):
    """A member of a bid's team: a park account, or an email invited to confirm (from either side or abroad)."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="bid_memberships")
    email = models.EmailField(_("email"))
    name = models.CharField(_("name"), max_length=255)
    role = models.CharField(_("role in the team"), max_length=120, blank=True)
    is_lead = models.BooleanField(default=False)
    status = models.CharField(_("status"), max_length=10, choices=MemberStatus.choices,
                              default=MemberStatus.INVITED)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invited_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["bid", "-is_lead", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "email"], name="bid_member_email_once"),
            models.UniqueConstraint(fields=["bid", "user"], condition=Q(user__isnull=False),
                                    name="bid_member_user_once"),
            models.UniqueConstraint(fields=["bid"], condition=Q(is_lead=True), name="bid_one_lead_member"),
            models.CheckConstraint(name="bid_member_status_valid", condition=Q(status__in=MemberStatus.values)),
            models.CheckConstraint(name="bid_member_confirmed_is_account",
                                   condition=~Q(status=MemberStatus.CONFIRMED) | Q(user__isnull=False)),
        ]


class BudgetCategory(models.TextChoices):
    PERSONNEL = "personnel", _("Personnel")
    EQUIPMENT = "equipment", _("Equipment")
    MATERIALS = "materials", _("Materials and consumables")
    COMPUTE = "compute", _("Compute and testing")
    TRAVEL = "travel", _("Travel and meetings")
    SERVICES = "services", _("Outsourced services")
    OTHER = "other", _("Other")


class BudgetLine(models.Model):
    """One line of a bid's budget, in the bid's currency (the challenge's: compared with its ceiling)."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(_("category"), max_length=12, choices=BudgetCategory.choices)
    description = models.CharField(_("description"), max_length=500)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["bid", "order", "id"]
        constraints = [
            models.CheckConstraint(name="budget_line_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(name="budget_line_category_valid",
                                   condition=Q(category__in=BudgetCategory.values)),
        ]


class BidMilestone(models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=300)
    month = models.PositiveSmallIntegerField(_("due in month"))
    deliverable = models.TextField(_("deliverable and how it is verified"), max_length=3000)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["bid", "month", "order", "id"]
        constraints = [models.CheckConstraint(name="bid_milestone_month_positive", condition=Q(month__gt=0))]


def bid_upload_path(instance: "BidDocument", filename: str) -> str:
    return f"bids/{instance.bid_id}/{uuid.uuid4().hex}"


class BidDocument(models.Model):
    """A PDF the team attaches. Author metadata is checked on upload: a warning is kept and shown to the team,
    and reviewers in phase 1 get the file without its metadata (never its original name)."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("what it is"), max_length=200)
    file = models.FileField(upload_to=bid_upload_path)
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    metadata_warning = models.TextField(blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bid document")
        verbose_name_plural = _("bid documents")
        ordering = ["bid", "id"]


class Clarification(models.Model):
    """After the deadline the team can only answer these: an officer's question about the bid."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="clarifications")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    question = models.TextField(_("question"), max_length=3000)
    answer = models.TextField(_("answer"), max_length=5000, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    asked_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("clarification request")
        verbose_name_plural = _("clarification requests")
        ordering = ["bid", "asked_at", "id"]
        constraints = [
            models.CheckConstraint(name="clarification_not_empty", condition=~Q(question="")),
            models.CheckConstraint(name="clarification_answer_has_time",
                                   condition=Q(answer="") | Q(answered_at__isnull=False)),
        ]
