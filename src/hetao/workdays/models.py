"""Staff corrections to the working-day calendars (hetao.core.workdays), e.g. the State Council's schedule for a
year the installed chinese_calendar does not know yet."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkdayOverride(models.Model):
    class Calendar(models.TextChoices):
        MAINLAND = "mainland", _("Mainland")
        HONG_KONG = "hong_kong", _("Hong Kong")

    day = models.DateField(_("date"))
    calendar = models.CharField(_("calendar"), max_length=12, choices=Calendar.choices, default=Calendar.MAINLAND)
    working = models.BooleanField(_("working day"), default=False,
                                  help_text=_("Ticked: a working day (e.g. an adjusted working Saturday). "
                                              "Not ticked: a day off (e.g. a public holiday)."))
    note = models.CharField(_("note"), max_length=200, blank=True,
                            help_text=_("Where it comes from, e.g. the State Council notice."))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", editable=False)

    class Meta:
        verbose_name = _("working-day override")
        verbose_name_plural = _("working-day overrides")
        ordering = ["-day", "calendar"]
        constraints = [models.UniqueConstraint(fields=["calendar", "day"], name="workday_override_unique")]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.calendar}: {'working' if self.working else 'off'}"
