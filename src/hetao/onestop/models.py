"""One network (一网通办): park services defined as data, applications, their history, files and ratings."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hetao.core.trilingual import DescribedModel, NamedModel


class Category(models.TextChoices):
    SPACE = "space", _("Space and settlement")
    TALENT = "talent", _("Talent and living")
    RESEARCH = "research", _("Research and funds")
    CROSS_BORDER = "cross_border", _("Cross-border")
    POLICY = "policy", _("Policies and subsidies")
    EVENTS = "events", _("Venues and events")


class Service(NamedModel, DescribedModel):
    """A park service. `description_*` is the short summary; the form and approval steps live in versions."""

    class Applicant(models.TextChoices):
        PERSON = "person", _("Any signed-in person")
        ORGANISATION_ADMIN = "organisation_admin", _("An organisation admin, for the organisation")

    class Output(models.TextChoices):
        LETTER = "letter", _("Approval letter")
        CERTIFICATE = "certificate", _("Certificate")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    applicant = models.CharField(_("who may apply"), max_length=24, choices=Applicant.choices,
                                 default=Applicant.PERSON)
    fee_amount = models.DecimalField(_("fee"), max_digits=10, decimal_places=2, null=True, blank=True)
    fee_currency = models.CharField(_("fee currency"), max_length=3, blank=True,
                                    choices=[("CNY", "CNY"), ("HKD", "HKD")])
    working_days = models.PositiveSmallIntegerField(_("committed processing time (working days)"))
    calendar = models.CharField(_("working-day calendar"), max_length=12, default="mainland",
                                choices=[("mainland", _("Mainland")), ("hong_kong", _("Hong Kong")),
                                         ("both", _("Both sides"))])
    output = models.CharField(_("output"), max_length=12, choices=Output.choices, default=Output.LETTER)
    published = models.BooleanField(_("published"), default=False)
    current_version = models.ForeignKey("ServiceVersion", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("current version"))

    class Meta:
        verbose_name = _("park service")
        verbose_name_plural = _("park services")
        ordering = ["category", "name_en"]
        constraints = [
            models.CheckConstraint(name="service_fee_has_currency", condition=Q(fee_amount__isnull=True)
                                   | (Q(fee_amount__gte=0) & ~Q(fee_currency=""))),
            models.CheckConstraint(name="service_days_positive", condition=Q(working_days__gt=0)),
        ]

    def get_absolute_url(self) -> str:
        return reverse("onestop:service", kwargs={"code": self.code})


class ServiceVersion(models.Model):
    """An immutable definition (eligibility, materials, form pages, approval steps) of a service.
    An application keeps the version it was made with."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("service version")
        verbose_name_plural = _("service versions")
        ordering = ["service", "-number"]
        constraints = [models.UniqueConstraint(fields=["service", "number"], name="service_version_unique")]

    def __str__(self) -> str:
        return f"{self.service.code} v{self.number}"


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("Being reviewed")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW, Status.RETURNED)
DECIDED_STATUSES = (Status.APPROVED, Status.REJECTED)


class Application(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True, null=True, blank=True)
    service_version = models.ForeignKey(ServiceVersion, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="applications")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    data = models.JSONField(default=dict, blank=True)
    prefill_consent = models.JSONField(default=list, blank=True)
    step_index = models.PositiveSmallIntegerField(default=0)
    # The department whose officers act next (copied from the step definition so queues are one query).
    current_department = models.CharField(max_length=32, blank=True, db_index=True)
    first_signoff_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                         blank=True, related_name="+")
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="assigned_applications")
    # Bumped by every officer action: two officers acting on one version → the second is told.
    version = models.PositiveIntegerField(default=0)
    submit_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    step_due = models.DateField(null=True, blank=True)
    due_date = models.DateField(_("committed decision date"), null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-updated_at"]
        constraints = [
            # Submitted (any state but draft): it has its reference and the moment it was submitted.
            models.CheckConstraint(name="application_reference_after_submit",
                                   condition=Q(status="draft") | Q(reference__isnull=False)),
            models.CheckConstraint(name="application_submitted_at_after_submit",
                                   condition=Q(status="draft") | Q(submitted_at__isnull=False)),
            # Decided (approved or rejected): it says when.
            models.CheckConstraint(name="application_decided_has_decided_at",
                                   condition=~Q(status__in=["approved", "rejected"]) | Q(decided_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.reference or f"draft {self.pk}"

    @property
    def service(self) -> Service:
        return self.service_version.service

    @property
    def definition(self) -> dict:
        return self.service_version.definition

    @property
    def current_step(self) -> dict | None:
        steps = self.definition.get("steps", [])
        return steps[self.step_index] if self.step_index < len(steps) else None


class Transition(models.Model):
    """One immutable line of an application's history: who, when, from, to, and what they said.

    On PostgreSQL a trigger refuses any UPDATE or DELETE of a row (migration 0002), except clearing `actor` or
    `first_signoff_by` when that account is deleted, and deleting an application with its history where a
    session says so explicitly (the demo park's reset)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="transitions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # The approval at a second-sign-off step names who gave the first sign-off: never the same officer.
    first_signoff_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                         related_name="+")
    action = models.CharField(max_length=24)
    from_status = models.CharField(max_length=12, choices=Status.choices)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    step = models.CharField(max_length=64, blank=True)
    comment = models.TextField(_("comment to the applicant"), blank=True)
    internal_note = models.TextField(_("internal note"), blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(name="transition_second_signoff_by_another_officer",
                                   condition=~Q(actor=models.F("first_signoff_by"))),
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Transitions are immutable.")
        super().save(*args, **kwargs)


def private_upload_path(instance, filename: str) -> str:
    return f"locker/{instance.owner_id}/{uuid.uuid4().hex}"


class StoredDocument(models.Model):
    """A file in a user's documents locker; offered again in later applications. Never served by URL:
    the download view checks access every time."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stored_documents")
    label = models.CharField(_("what it is"), max_length=120)
    file = models.FileField(upload_to=private_upload_path)
    original_name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stored document")
        verbose_name_plural = _("stored documents")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.label} ({self.original_name})"


class Rating(models.Model):
    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(name="rating_1_to_5", condition=Q(score__gte=1) & Q(score__lte=5))]


class ReferenceCounter(models.Model):
    """The next reference number per year, incremented under a row lock (no gaps from races, no duplicates):
    services._next_reference reads it with select_for_update, adds one and saves `last` in the same transaction."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)
