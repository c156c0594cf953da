"""Open challenges, first part: topic solicitation (选题征集).

Anyone signed in proposes a topic (a problem worth a challenge); research-management officers screen it (accept,
merge into another topic, or decline with a reason the proposer reads), and publish accepted topics for public
comment, where signed-in people support them (one support per person) against a threshold.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hetao.core.trilingual import TitledModel

DEFAULT_SUPPORT_THRESHOLD = 50  # supports a published topic needs to be considered for a challenge (per topic)


class Currency(models.TextChoices):
    CNY = "CNY", _("Renminbi (CNY)")
    HKD = "HKD", _("Hong Kong dollars (HKD)")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    MERGED = "merged", _("Merged")
    DECLINED = "declined", _("Declined")
    PUBLISHED = "published", _("Published")


SCREENED = (Status.ACCEPTED, Status.MERGED, Status.DECLINED, Status.PUBLISHED)


class Topic(TitledModel):
    """A proposed challenge topic: the problem, why it matters, the outcome expected and a suggested budget."""

    # A proposer may write the title in Chinese only: any one of the three columns will do (constraint below).
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topics",
                                 verbose_name=_("proposer"))
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="topics", verbose_name=_("organisation"))
    problem = models.TextField(_("the problem"), max_length=5000)
    importance = models.TextField(_("why it matters"), max_length=5000)
    outcome = models.TextField(_("expected outcome and indicators"), max_length=5000)
    budget_amount = models.DecimalField(_("suggested budget"), max_digits=14, decimal_places=2, null=True,
                                        blank=True)
    budget_currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, blank=True)
    key_direction = models.ForeignKey("registry.KeyDirection", on_delete=models.PROTECT, related_name="topics",
                                      verbose_name=_("key direction"))
    tags = models.CharField(_("tags"), max_length=255, blank=True, help_text=_("Separated by commas."))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="merged_topics", verbose_name=_("merged into"))
    decline_reason = models.TextField(_("reason"), max_length=2000, blank=True)
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    support_threshold = models.PositiveIntegerField(_("supports needed"), default=DEFAULT_SUPPORT_THRESHOLD)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["-published_at", "-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["status", "key_direction"], name="topic_status_direction"),
            models.Index(fields=["proposer", "status"], name="topic_proposer_status"),
        ]
        constraints = [
            models.CheckConstraint(name="topic_has_a_title", condition=(
                ~Q(title_en="") | ~Q(title_zh_hans="") | ~Q(title_zh_hant=""))),
            models.CheckConstraint(name="topic_budget_not_negative",
                                   condition=Q(budget_amount__isnull=True) | Q(budget_amount__gte=0)),
            models.CheckConstraint(name="topic_budget_currency", condition=(
                (Q(budget_amount__isnull=True) & Q(budget_currency=""))
                | (Q(budget_amount__isnull=False) & Q(budget_currency__in=Currency.values)))),
            models.CheckConstraint(name="topic_status_valid", condition=Q(status__in=Status.values)),
            models.CheckConstraint(name="topic_submitted_has_time",
                                   condition=Q(status=Status.DRAFT) | Q(submitted_at__isnull=False)),
            models.CheckConstraint(name="topic_screened_has_decision", condition=(
                ~Q(status__in=SCREENED) | Q(decided_at__isnull=False))),
            models.CheckConstraint(name="topic_declined_has_reason",
                                   condition=~Q(status=Status.DECLINED) | ~Q(decline_reason="")),
            models.CheckConstraint(name="topic_merged_has_target", condition=(
                (Q(status=Status.MERGED) & Q(merged_into__isnull=False))
                | (~Q(status=Status.MERGED) & Q(merged_into__isnull=True)))),
            models.CheckConstraint(name="topic_not_merged_into_itself",
                                   condition=Q(merged_into__isnull=True) | ~Q(merged_into=F("pk"))),
            models.CheckConstraint(name="topic_published_has_time",
                                   condition=~Q(status=Status.PUBLISHED) | Q(published_at__isnull=False)),
        ]

    def get_absolute_url(self) -> str:
        return reverse("challenges:topic", kwargs={"pk": self.pk})

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]

    @property
    def is_public(self) -> bool:
        """Published, or merged into a published topic (shown with a link to it)."""
        if self.status == Status.PUBLISHED:
            return True
        return self.status == Status.MERGED and self.merged_into is not None and self.merged_into.is_public

    @property
    def support_reached(self) -> bool:
        return self.support_count >= self.support_threshold

    @property
    def support_percent(self) -> int:
        return min(100, self.support_count * 100 // max(1, self.support_threshold))


class TopicSupport(models.Model):
    """One person's support of a published topic (withdrawable: the row is deleted)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_supports")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["topic", "user"], name="topic_support_once_per_person")]


class TopicComment(models.Model):
    """A public comment on a published topic."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_comments")
    body = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["topic", "created_at"], name="topic_comment_order")]
        constraints = [models.CheckConstraint(name="topic_comment_not_empty", condition=~Q(body=""))]
