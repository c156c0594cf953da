"""Forms of the review pages: the rubric form (a score per criterion, or "not applicable"), the consensus form,
naming a rapporteur, scheduling a defence and the award."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hetao.core.trilingual import localised

from .models import Bid, Criterion, DefenceMode


def _score_field(criterion: Criterion, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=localised(criterion, "name"), required=required, min_value=Decimal(0),
        max_value=Decimal(criterion.max_score), max_digits=5, decimal_places=2,
        help_text=_("From 0 to %(max)s (weight %(weight)s%%).") % {"max": criterion.max_score,
                                                                    "weight": criterion.weight},
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0", "max": str(criterion.max_score)}))


class ReviewForm(forms.Form):
    comments_to_team = forms.CharField(label=_("Comments to the team"), required=False, max_length=10000,
                                       widget=forms.Textarea(attrs={"rows": 5}),
                                       help_text=_("The team reads these after the award, without your name."))
    comments_to_panel = forms.CharField(label=_("Confidential comments to the panel"), required=False,
                                        max_length=10000, widget=forms.Textarea(attrs={"rows": 4}),
                                        help_text=_("Only the officers and the rapporteur read these."))

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = _score_field(criterion)
            self.fields[f"na_{criterion.pk}"] = forms.BooleanField(label=_("Not applicable"), required=False)

    def rows(self) -> list[tuple[Criterion, Any, Any]]:
        return [(c, self[f"score_{c.pk}"], self[f"na_{c.pk}"]) for c in self.criteria]

    def scores(self) -> tuple[dict[int, Decimal | None], set[int]]:
        data = self.cleaned_data
        na = {c.pk for c in self.criteria if data.get(f"na_{c.pk}")}
        return {c.pk: data.get(f"score_{c.pk}") for c in self.criteria if c.pk not in na}, na

    @staticmethod
    def initial_from(review: Any) -> dict[str, Any]:
        if review is None:
            return {}
        initial: dict[str, Any] = {"comments_to_team": review.comments_to_team,
                                   "comments_to_panel": review.comments_to_panel}
        for score in review.scores.all():
            initial[f"score_{score.criterion_id}"] = score.score
            initial[f"na_{score.criterion_id}"] = score.not_applicable
        return initial


class ConsensusForm(forms.Form):
    report_to_team = forms.CharField(label=_("Consensus report (to the team)"), required=False, max_length=20000,
                                     widget=forms.Textarea(attrs={"rows": 8}))
    notes_to_panel = forms.CharField(label=_("Notes to the panel"), required=False, max_length=20000,
                                     widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = _score_field(criterion)

    def rows(self) -> list[tuple[Criterion, Any]]:
        return [(c, self[f"score_{c.pk}"]) for c in self.criteria]

    def scores(self) -> dict[int, Decimal]:
        return {c.pk: self.cleaned_data[f"score_{c.pk}"] for c in self.criteria
                if self.cleaned_data.get(f"score_{c.pk}") is not None}

    @staticmethod
    def initial_from(consensus: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {"report_to_team": consensus.report_to_team,
                                   "notes_to_panel": consensus.notes_to_panel}
        for score in consensus.scores.all():
            initial[f"score_{score.criterion_id}"] = score.score
        return initial


class RapporteurForm(forms.Form):
    bid = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    rapporteur = forms.IntegerField(label=_("Rapporteur"), min_value=1, max_value=2**31 - 1)


class DefenceForm(forms.Form):
    bid = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    scheduled_at = forms.DateTimeField(label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    mode = forms.ChoiceField(label=_("How"), choices=DefenceMode.choices)
    place = forms.CharField(label=_("Where or which link"), max_length=500)


class AwardForm(forms.Form):
    minutes = forms.CharField(label=_("The panel's decision and minutes"), max_length=20000,
                              widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, bids: list[Bid], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bids = bids
        for bid in bids:
            self.fields[f"win_{bid.pk}"] = forms.BooleanField(label=bid.reference, required=False)
            self.fields[f"amount_{bid.pk}"] = forms.DecimalField(
                label=_("Amount"), required=False, min_value=Decimal("0.01"), max_digits=14, decimal_places=2)

    def rows(self) -> list[tuple[Bid, Any, Any]]:
        return [(b, self[f"win_{b.pk}"], self[f"amount_{b.pk}"]) for b in self.bids]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for bid in self.bids:
            if data.get(f"win_{bid.pk}") and data.get(f"amount_{bid.pk}") is None:
                self.add_error(f"amount_{bid.pk}", _("Give the amount awarded to this bid."))
        return data

    def winners(self) -> list[tuple[Bid, Decimal]]:
        return [(b, self.cleaned_data[f"amount_{b.pk}"]) for b in self.bids if self.cleaned_data.get(f"win_{b.pk}")]
