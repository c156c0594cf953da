from django import forms
from django.utils.translation import gettext_lazy as _

from hetao.core.roles import in_department

from .models import AccessPoint, access_points_open_to


class VisitorForm(forms.Form):
    guest_name = forms.CharField(label=_("Guest's name"), max_length=120)
    guest_email = forms.EmailField(label=_("Guest's email"))
    access_point = forms.ModelChoiceField(label=_("Where"), queryset=AccessPoint.objects.filter(is_active=True)
                                          .exclude(kind="event"))
    valid_from = forms.DateTimeField(label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    valid_until = forms.DateTimeField(label=_("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def __init__(self, *args, host, **kwargs):
        super().__init__(*args, **kwargs)
        if not (host.is_superuser or in_department(host, "facilities_security")):
            # Only where the host may go themselves: the service refuses the others anyway.
            self.fields["access_point"].queryset = access_points_open_to(host).exclude(kind="event")


class LogFilterForm(forms.Form):
    access_point = forms.ModelChoiceField(label=_("Access point"), queryset=AccessPoint.objects.all(),
                                          required=False)
    result = forms.ChoiceField(label=_("Result"), required=False,
                               choices=[("", _("All")), ("allowed", _("Allowed")), ("denied", _("Denied"))])
    day = forms.DateField(label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
