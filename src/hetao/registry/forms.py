"""Filter forms of the directory: bad filter values become a message, never an error page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import KeyDirection, OrganisationKind, Park, ProjectStatus, Region, SpaceUse


def _blank(choices) -> list:
    return [("", _("All")), *choices]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200, strip=True)


class OrganisationFilterForm(SearchForm):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_blank(OrganisationKind.choices))
    park = forms.ChoiceField(label=_("Park"), required=False)
    direction = forms.ChoiceField(label=_("Key direction"), required=False)
    origin = forms.ChoiceField(label=_("Origin"), required=False, choices=_blank(Region.choices))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].choices = _blank([(p.code, p.name) for p in Park.objects.order_by("code")])
        self.fields["direction"].choices = _blank([(d.code, d.name) for d in KeyDirection.objects.all()])


class PersonFilterForm(SearchForm):
    region = forms.ChoiceField(label=_("Region"), required=False, choices=_blank(Region.choices))
    organisation = forms.SlugField(required=False, widget=forms.HiddenInput)


class ProjectFilterForm(SearchForm):
    direction = forms.ChoiceField(label=_("Key direction"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_blank(ProjectStatus.choices))
    hk_key = forms.BooleanField(label=_("Hong Kong university key projects only"), required=False)
    organisation = forms.SlugField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direction"].choices = _blank([(d.code, d.name) for d in KeyDirection.objects.all()])


class UnitFilterForm(forms.Form):
    park = forms.ChoiceField(label=_("Park"), required=False)
    use = forms.ChoiceField(label=_("Use"), required=False, choices=_blank(SpaceUse.choices))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].choices = _blank([(p.code, p.name) for p in Park.objects.order_by("code")])


def cleaned_filters(form: forms.Form) -> dict:
    """The valid filters of a bound form; an invalid one is dropped (the form shows why)."""
    form.is_valid()
    return {k: v for k, v in getattr(form, "cleaned_data", {}).items() if v not in ("", None, False)}
