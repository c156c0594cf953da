"""Forms of the bid pages: start, the draft's fields, members, budget lines and milestones (formsets), a document,
the emergency opening, and clarifications. They only read input; the services decide."""

from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hetao.registry.models import Organisation

from .models import Bid, BudgetCategory
from .services.bids import EDITABLE_FIELDS

__all__ = ["AnswerForm", "BidForm", "BidStartForm", "BudgetLineForm", "BudgetLineFormSet", "ClarifyForm",
           "DocumentForm", "InviteForm", "MilestoneForm", "MilestoneFormSet", "UnsealForm", "rows"]


class BidStartForm(forms.Form):
    team_name = forms.CharField(label=_("team name"), max_length=255)


class BidForm(forms.ModelForm):
    class Meta:
        model = Bid
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "approach": forms.Textarea(attrs={"rows": 8}),
            "work_plan": forms.Textarea(attrs={"rows": 6}),
            "declared_conflicts": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "summary": _("Reviewers read this in the blind phase: do not name the team, its members or "
                         "organisations."),
            "approach": _("Reviewers read this in the blind phase: do not name the team, its members or "
                          "organisations."),
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mine = Q(memberships__user=user) if user is not None and user.is_authenticated else Q(pk__in=[])
        field = cast(forms.ModelChoiceField, self.fields["organisation"])
        field.queryset = Organisation.objects.filter(mine | Q(pk=self.instance.organisation_id or 0)).distinct()
        self.fields["organisation"].required = False
        for name in ("summary", "approach", "work_plan"):
            self.fields[name].required = False  # a draft may be incomplete; submitting checks

    def _post_clean(self) -> None:
        """The service validates the model."""


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("email"), max_length=254)
    name = forms.CharField(label=_("name"), max_length=255)
    role = forms.CharField(label=_("role in the team"), max_length=120, required=False)


class BudgetLineForm(forms.Form):
    category = forms.ChoiceField(label=_("category"), choices=[("", "—"), *BudgetCategory.choices],
                                 required=False)
    description = forms.CharField(label=_("description"), max_length=500, required=False)
    amount = forms.DecimalField(label=_("amount"), max_digits=14, decimal_places=2, required=False)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("milestone"), max_length=300, required=False)
    month = forms.IntegerField(label=_("due in month"), min_value=1, max_value=600, required=False)
    deliverable = forms.CharField(label=_("deliverable and how it is verified"), max_length=3000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))


BudgetLineFormSet = forms.formset_factory(BudgetLineForm, extra=2, max_num=100, validate_max=True,
                                          absolute_max=100)
MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=2, max_num=100, validate_max=True, absolute_max=100)


def rows(formset: forms.BaseFormSet) -> list[dict]:
    """The filled rows of a valid formset, as the services take them (empty rows dropped)."""
    return [form.cleaned_data for form in formset.forms
            if form.cleaned_data and any(v not in (None, "") for v in form.cleaned_data.values())]


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("what it is"), max_length=200)
    upload = forms.FileField(label=_("PDF file (at most 10 MB)"))


class UnsealForm(forms.Form):
    reason = forms.CharField(label=_("Reason (the team reads it)"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ClarifyForm(forms.Form):
    question = forms.CharField(label=_("question"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
