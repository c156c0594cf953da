"""The park community: announcements, events with registration, interest groups, and the inbox."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hetao.core.trilingual import DescribedModel, TitledModel
from hetao.registry.models import OrganisationKind


class NotificationKind(models.TextChoices):
    ANNOUNCEMENT = "announcement", _("Announcements")
    EVENT = "event", _("Events")
    ORGANISATION = "organisation", _("My organisations")
    APPLICATION = "application", _("My applications")
    SECURITY = "security", _("Account security")


class Notification(models.Model):
    """One message in a user's inbox. Text is stored in the user's language at the time of sending."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title


class EmailPreference(models.Model):
    """Which kinds of notification a user also receives by email (all on unless switched off)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences")
    kind = models.CharField(max_length=16, choices=NotificationKind.choices)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="email_preference_unique")]


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    PARK = "park", _("Members of organisations in one park")
    ORGANISATION_KIND = "organisation_kind", _("Members of one kind of organisation")


class Announcement(TitledModel, DescribedModel):
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE)
    park = models.ForeignKey("registry.Park", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("park"))
    organisation_kind = models.CharField(_("organisation kind"), max_length=32, blank=True,
                                         choices=OrganisationKind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    published_at = models.DateTimeField(_("published"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-published_at"]
        constraints = [
            models.CheckConstraint(name="announcement_audience_target", condition=(
                Q(audience="everyone") | Q(audience="park", park__isnull=False)
                | (Q(audience="organisation_kind") & ~Q(organisation_kind="")))),
        ]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        if self.audience == Audience.PARK and not self.park_id:
            raise ValidationError({"park": _("Choose the park this announcement is for.")})
        if self.audience == Audience.ORGANISATION_KIND and not self.organisation_kind:
            raise ValidationError({"organisation_kind": _("Choose the kind of organisation this is for.")})


class Event(TitledModel, DescribedModel):
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(_("place"), max_length=255)
    capacity = models.PositiveIntegerField(_("places"))
    registration_open = models.BooleanField(_("registration open"), default=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="event_has_places"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("community:event", kwargs={"pk": self.pk})

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("An event must end after it starts.")})


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Place confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], condition=~Q(status="cancelled"),
                                    name="one_active_registration"),
        ]


class InterestGroup(TitledModel, DescribedModel):
    slug = models.SlugField(_("slug"), unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="interest_groups")
    # Kept by the services that add and remove members (group_join, group_leave, account erasure), with F().
    member_count = models.PositiveIntegerField(_("Members"), default=0, editable=False)

    class Meta:
        verbose_name = _("interest group")
        verbose_name_plural = _("interest groups")
        ordering = ["title_en"]
