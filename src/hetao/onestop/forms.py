"""Filters of the officers' work queue (a bad value is ignored and said so, never a failed page)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Service, Status

SORTS = {
    "due": ("step_due", "submitted_at", "pk"),
    "-due": ("-step_due", "-submitted_at", "-pk"),
    "submitted": ("submitted_at", "pk"),
    "-submitted": ("-submitted_at", "-pk"),
    "reference": ("reference",),
    "-decided": ("-decided_at", "-pk"),
}
SORT_CHOICES = [
    ("due", _("Step due, earliest first")), ("-due", _("Step due, latest first")),
    ("submitted", _("Submitted, oldest first")), ("-submitted", _("Submitted, newest first")),
    ("reference", _("Reference")), ("-decided", _("Decided, newest first")),
]


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search all cases"), max_length=100, required=False,
                        help_text=_("Reference, applicant's name in any script, or organisation."))
    service = forms.ChoiceField(label=_("Service"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status"))] + [c for c in Status.choices if c[0] != Status.DRAFT])
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        services = Service.objects.order_by("name_en")  # one query; a few dozen services
        self.fields["service"].choices = [("", _("Any service"))] + [(s.code, s.name) for s in services]

    def filters(self) -> dict:
        """The valid filters (an invalid one is left out; `ignored` names it)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in ("q", "service", "status", "overdue", "sort")
                if name in data and data[name] not in ("", None, False)}

    def ignored(self) -> list[str]:
        return [str(self.fields[name].label) for name in self.errors]
