"""Forms of the panel's pages: invite an expert, the pool's filters, the expert's profile, officers' conflict
decisions, a swap by hand, and the expert's declaration."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from hetao.registry.models import Region

from .models import Bid, Expert, ExpertStatus, Sector
from .services.panel import MAX_LOAD


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.person} ({obj.username})"


class BidChoiceField(forms.ModelChoiceField):
    """A bid, shown by its reference only (never the team)."""

    def label_from_instance(self, obj: Any) -> str:
        return obj.reference


class InviteForm(forms.Form):
    user = PersonChoiceField(label=_("Person (a registry person with an account)"), queryset=None)
    disciplines = forms.CharField(label=_("disciplines"), max_length=500, help_text=_("Separated by commas."))
    keywords = forms.CharField(label=_("keywords"), max_length=2000, required=False,
                               help_text=_("Separated by commas."))
    languages = forms.CharField(label=_("languages"), max_length=60, initial="zh-hans,en",
                                help_text=_("Language codes separated by commas: en, zh-hans, zh-hant."))
    region = forms.ChoiceField(label=_("region"), choices=Region.choices)
    sector = forms.ChoiceField(label=_("sector"), choices=Sector.choices)
    max_load = forms.IntegerField(label=_("most bids at a time"), min_value=1, max_value=MAX_LOAD, initial=4)

    def __init__(self, *args: Any, users: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["user"]).queryset = users


class PoolFilterForm(forms.Form):
    region = forms.ChoiceField(label=_("region"), required=False, choices=[("", _("All regions")), *Region.choices])
    sector = forms.ChoiceField(label=_("sector"), required=False, choices=[("", _("All sectors")), *Sector.choices])
    availability = forms.ChoiceField(label=_("availability"), required=False, choices=[
        ("", _("Any availability")), ("available", _("Available")), ("unavailable", _("Not available"))])
    status = forms.ChoiceField(label=_("status"), required=False,
                               choices=[("", _("Any status")), *ExpertStatus.choices])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Expert
        fields = ["disciplines", "keywords", "languages", "region", "sector", "available", "max_load"]
        widgets = {"keywords": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        max_load = cast(forms.IntegerField, self.fields["max_load"])
        max_load.min_value = 1
        max_load.max_value = MAX_LOAD
        self.fields["max_load"].validators.clear()
        self.fields["max_load"].widget.attrs.update({"min": "1", "max": str(MAX_LOAD)})

    def clean_max_load(self) -> int:
        value = self.cleaned_data["max_load"]
        if value is None or not 1 <= value <= MAX_LOAD:
            raise forms.ValidationError(_("The most bids at a time is between 1 and %(most)d.") % {"most": MAX_LOAD})
        return value

    def _post_clean(self) -> None:
        """The service validates the expert (after checking who may change what)."""


class ConflictForm(forms.Form):
    bid = BidChoiceField(label=_("bid"), queryset=Bid.objects.none())
    expert = forms.ModelChoiceField(label=_("expert"), queryset=Expert.objects.none())
    effect = forms.ChoiceField(label=_("decision"), choices=[("add", _("Add a conflict")),
                                                             ("lift", _("Lift the conflict"))])
    reason = forms.CharField(label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, bids: Any = None, experts: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["bid"]).queryset = bids
        cast(forms.ModelChoiceField, self.fields["expert"]).queryset = experts


class SwapForm(forms.Form):
    bid = BidChoiceField(label=_("bid"), queryset=Bid.objects.none())
    remove = forms.ModelChoiceField(label=_("take off"), queryset=Expert.objects.none())
    add = forms.ModelChoiceField(label=_("put on"), queryset=Expert.objects.none())

    def __init__(self, *args: Any, bids: Any = None, experts: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["bid"]).queryset = bids
        cast(forms.ModelChoiceField, self.fields["remove"]).queryset = experts
        cast(forms.ModelChoiceField, self.fields["add"]).queryset = experts


class DeclareForm(forms.Form):
    reason = forms.CharField(label=_("If you have a conflict: what is it?"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
