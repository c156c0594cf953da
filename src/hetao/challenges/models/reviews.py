"""Review, consensus, defence and award (Hypha's review forms and determinations; EU Horizon's individual
reports, consensus report by a rapporteur, panel ranking and thresholds per criterion).

A score of "not applicable" is stored as NULL with `not_applicable` set, and left out of the mean (not 0).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .bids import Bid
from .calls import Challenge, Criterion
from .panel import Assignment, Expert
from .topics import Currency


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Review(models.Model):
    """One expert's individual report on one bid (at most one: the database refuses a second)."""

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="review")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="reviews")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="reviews")
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    comments_to_team = models.TextField(_("comments to the team"), max_length=10000, blank=True)
    comments_to_panel = models.TextField(_("confidential comments to the panel"), max_length=10000, blank=True)
    weighted_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["bid", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "expert"], name="review_once_per_expert_and_bid"),
            models.CheckConstraint(name="review_status_valid", condition=Q(status__in=ReviewStatus.values)),
            models.CheckConstraint(name="review_submitted_has_time",
                                   condition=Q(status=ReviewStatus.DRAFT) | Q(submitted_at__isnull=False)),
        ]


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_once_per_criterion"),
            models.CheckConstraint(name="score_not_negative", condition=Q(score__isnull=True) | Q(score__gte=0)),
            models.CheckConstraint(name="score_na_has_no_value",
                                   condition=~Q(not_applicable=True) | Q(score__isnull=True)),
        ]


class ConsensusStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINAL = "final", _("Final")


class Consensus(models.Model):
    """The consensus report on a bid, written by a rapporteur after the individual reports."""

    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="consensus")
    rapporteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=ConsensusStatus.choices, default=ConsensusStatus.DRAFT)
    report_to_team = models.TextField(_("consensus report (to the team)"), max_length=20000, blank=True)
    notes_to_panel = models.TextField(_("notes to the panel"), max_length=20000, blank=True)
    spread_flagged = models.BooleanField(default=False)  # individual scores spread more than the threshold
    total = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    passed_thresholds = models.BooleanField(default=False)
    finalised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("consensus report")
        verbose_name_plural = _("consensus reports")
        constraints = [
            models.CheckConstraint(name="consensus_final_has_time",
                                   condition=Q(status=ConsensusStatus.DRAFT) | Q(finalised_at__isnull=False)),
        ]


class ConsensusScore(models.Model):
    consensus = models.ForeignKey(Consensus, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="consensus_scores")
    score = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consensus", "criterion"], name="consensus_score_once_per_criterion"),
            models.CheckConstraint(name="consensus_score_not_negative", condition=Q(score__gte=0)),
        ]


class DefenceMode(models.TextChoices):
    ONLINE = "online", _("Online")
    ON_SITE = "on_site", _("On site")


class Defence(models.Model):
    """Phase 2: the team presents and answers the panel (names visible from here on)."""

    bid = models.OneToOneField(Bid, on_delete=models.CASCADE, related_name="defence")
    scheduled_at = models.DateTimeField(_("when"))
    mode = models.CharField(_("how"), max_length=8, choices=DefenceMode.choices)
    place = models.CharField(_("where or which link"), max_length=500)
    notes = models.TextField(_("notes of the defence"), max_length=10000, blank=True)


class Award(models.Model):
    """A winning bid: team, challenge, amount and currency, for the projects-and-funds part to turn into a
    project."""

    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="awards")
    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="award")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    awarded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["challenge", "id"]
        constraints = [
            models.CheckConstraint(name="award_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(name="award_currency_valid", condition=Q(currency__in=Currency.values)),
        ]
