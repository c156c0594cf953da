"""Challenges (揭榜): a published problem with a budget ceiling, a rubric and a timeline, which teams bid for.

A challenge comes from one or more accepted topics (provenance kept in `topics`) or is written by an officer.
Its life: draft → open (bids accepted until `closes_at`) → review (phase 1, blind) → defence (phase 2, names
visible) → awarded; or cancelled. Bids are sealed while the challenge is open: `is_sealed` is decided by the
server's clock against `closes_at`, never by a flag someone could forget to set.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hetao.core.trilingual import DescribedModel, NamedModel, TitledModel

from .topics import Currency, Topic


class ChallengeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for bids")
    REVIEW = "review", _("Under review (blind)")
    DEFENCE = "defence", _("Defence")
    AWARDED = "awarded", _("Awarded")
    CANCELLED = "cancelled", _("Cancelled")


PUBLIC_CHALLENGE_STATES = (ChallengeStatus.OPEN, ChallengeStatus.REVIEW, ChallengeStatus.DEFENCE,
                           ChallengeStatus.AWARDED)


class Challenge(TitledModel, DescribedModel):
    code = models.CharField(_("challenge number"), max_length=32, unique=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="challenges", verbose_name=_("from topics"))
    problem = models.TextField(_("problem statement"), max_length=10000)
    deliverables = models.TextField(_("measurable deliverables"), max_length=10000)
    indicators = models.TextField(_("acceptance indicators"), max_length=10000)
    budget_ceiling = models.DecimalField(_("budget ceiling"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    duration_months = models.PositiveSmallIntegerField(_("duration (months)"))
    key_direction = models.ForeignKey("registry.KeyDirection", on_delete=models.PROTECT, related_name="challenges",
                                      verbose_name=_("key direction"))
    status = models.CharField(_("status"), max_length=12, choices=ChallengeStatus.choices,
                              default=ChallengeStatus.DRAFT)
    # Timeline (server time). Bids are accepted while opens_at <= now < closes_at.
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"))
    review_ends_on = models.DateField(_("review ends"), null=True, blank=True)
    defence_on = models.DateField(_("defence"), null=True, blank=True)
    award_on = models.DateField(_("award"), null=True, blank=True)
    # Review settings: experts per bid, their load, the spread of scores that calls for a consensus discussion,
    # and the cross-border quotas per bid (at least so many experts of each kind).
    experts_per_bid = models.PositiveSmallIntegerField(_("experts per bid"), default=3)
    max_load = models.PositiveSmallIntegerField(_("most bids per expert"), default=4)
    min_load = models.PositiveSmallIntegerField(_("fewest bids per expert"), default=0)
    spread_threshold = models.DecimalField(_("score spread that flags a bid"), max_digits=4, decimal_places=2,
                                           default=3)
    min_hk_macao_experts = models.PositiveSmallIntegerField(_("Hong Kong or Macao experts per bid (at least)"),
                                                            default=1)
    min_mainland_experts = models.PositiveSmallIntegerField(_("Mainland experts per bid (at least)"), default=1)
    min_industry_experts = models.PositiveSmallIntegerField(_("industry experts per bid (at least)"), default=0)
    quotas_hard = models.BooleanField(_("quotas are hard constraints"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    awarded_at = models.DateTimeField(null=True, blank=True)
    decision_minutes = models.TextField(_("the panel's decision and minutes"), max_length=20000, blank=True)

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["-closes_at", "-id"]
        indexes = [models.Index(fields=["status", "closes_at"], name="challenge_status_closes")]
        constraints = [
            models.CheckConstraint(name="challenge_status_valid", condition=Q(status__in=ChallengeStatus.values)),
            models.CheckConstraint(name="challenge_ceiling_positive", condition=Q(budget_ceiling__gt=0)),
            models.CheckConstraint(name="challenge_currency_valid", condition=Q(currency__in=Currency.values)),
            models.CheckConstraint(name="challenge_duration_positive", condition=Q(duration_months__gt=0)),
            models.CheckConstraint(name="challenge_experts_per_bid_positive", condition=Q(experts_per_bid__gt=0)),
            models.CheckConstraint(name="challenge_load_range", condition=Q(max_load__gte=F("min_load"))
                                   & Q(max_load__gt=0)),
            models.CheckConstraint(name="challenge_opens_before_close",
                                   condition=Q(opens_at__isnull=True) | Q(opens_at__lt=F("closes_at"))),
            models.CheckConstraint(name="challenge_published_has_time", condition=(
                Q(status__in=[ChallengeStatus.DRAFT, ChallengeStatus.CANCELLED]) | Q(published_at__isnull=False))),
        ]

    def get_absolute_url(self) -> str:
        return reverse("challenges:challenge", kwargs={"code": self.code})

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_CHALLENGE_STATES

    @property
    def accepting_bids(self) -> bool:
        now = timezone.now()
        return (self.status == ChallengeStatus.OPEN and now < self.closes_at
                and (self.opens_at is None or self.opens_at <= now))

    @property
    def is_sealed(self) -> bool:
        """Bids stay sealed until the deadline has passed, whatever the status says."""
        return timezone.now() < self.closes_at

    @property
    def blind(self) -> bool:
        """Phase 1: reviewers see no team names, organisations, emails, CVs or file metadata."""
        return self.status in (ChallengeStatus.DRAFT, ChallengeStatus.OPEN, ChallengeStatus.REVIEW)


# Words that would judge a team by who they are rather than what they can deliver (揭榜挂帅: "not by
# background or seniority, only by strength and ability"). The rubric and eligibility builders refuse them.
NON_MERIT_TERMS = {
    "title": ("professor", "academician", "job title", "professional title", "职称", "職稱", "教授", "院士",
              "研究员", "研究員", "高级职称", "高級職稱", "正高", "副高"),
    "rank": ("rank", "ranking of the university", "grade", "级别", "級別", "职级", "職級", "行政级别", "行政級別",
             "985", "211", "双一流", "雙一流"),
    "age": ("age", "aged", "years old", "under 35", "under 40", "over 40", "younger than", "older than", "born",
            "年龄", "年齡", "岁以下", "歲以下", "岁以上", "歲以上", "周岁", "周歲", "出生"),
    "degree": ("degree", "phd", "ph.d", "doctorate", "master's", "bachelor", "学历", "學歷", "学位", "學位", "博士",
               "硕士", "碩士", "本科"),
    "seniority": ("seniority", "years of experience", "years' experience", "senior", "资历", "資歷", "资历年限",
                  "工作年限", "从业年限", "從業年限", "年资", "年資", "工龄", "工齡"),
}


class Criterion(NamedModel):
    """One criterion of a challenge's rubric: a weight, a description, and the threshold a bid must reach."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="criteria")
    description = models.TextField(_("description"), max_length=4000)
    weight = models.PositiveSmallIntegerField(_("weight (%)"))
    max_score = models.PositiveSmallIntegerField(_("highest score"), default=10)
    threshold = models.DecimalField(_("threshold"), max_digits=5, decimal_places=2, default=0,
                                    help_text=_("A bid whose consensus score on this criterion is below it is out."))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["challenge", "order", "id"]
        constraints = [
            models.CheckConstraint(name="criterion_weight_range", condition=Q(weight__gt=0) & Q(weight__lte=100)),
            models.CheckConstraint(name="criterion_max_score_positive", condition=Q(max_score__gt=0)),
            models.CheckConstraint(name="criterion_threshold_range",
                                   condition=Q(threshold__gte=0) & Q(threshold__lte=F("max_score"))),
        ]


class EligibilityKind(models.TextChoices):
    REGISTERED_ENTITY = "registered_entity", _("A registered entity in either park, or able to register one")
    BUDGET_WITHIN_CEILING = "budget_within_ceiling", _("The budget is within the ceiling")
    CONFLICTS_DECLARED = "conflicts_declared", _("Conflicts of interest are declared")
    CAPABILITY = "capability", _("A capability the team must show")


class EligibilityRule(models.Model):
    """What a team must be able to deliver (never who they are: see NON_MERIT_TERMS)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="eligibility_rules")
    kind = models.CharField(_("rule"), max_length=24, choices=EligibilityKind.choices)
    text = models.TextField(_("what the team must show"), max_length=2000, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        ordering = ["challenge", "order", "id"]
        constraints = [
            models.CheckConstraint(name="eligibility_kind_valid", condition=Q(kind__in=EligibilityKind.values)),
            models.CheckConstraint(name="eligibility_capability_has_text",
                                   condition=~Q(kind=EligibilityKind.CAPABILITY) | ~Q(text="")),
        ]


def challenge_upload_path(instance: "ChallengeAttachment", filename: str) -> str:
    import uuid

    return f"challenges/{instance.challenge_id}/{uuid.uuid4().hex}"


class ChallengeAttachment(models.Model):
    """A public attachment of a challenge (served through a view, like every file in the park)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(upload_to=challenge_upload_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["challenge", "id"]


class ChallengeQuestion(models.Model):
    """A bidder's question, answered publicly to all bidders; the asker is never shown."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    question = models.TextField(_("question"), max_length=3000)
    answer = models.TextField(_("answer"), max_length=5000, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    asked_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["challenge", "asked_at", "id"]
        indexes = [models.Index(fields=["challenge", "answered_at"], name="challenge_question_answered")]
        constraints = [
            models.CheckConstraint(name="question_not_empty", condition=~Q(question="")),
            models.CheckConstraint(name="question_answer_has_time",
                                   condition=Q(answer="") | Q(answered_at__isnull=False)),
        ]
