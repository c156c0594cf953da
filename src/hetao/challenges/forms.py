"""The topic form (propose, edit), the officers' screening form, a comment, and the public list's filters."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hetao.registry.models import KeyDirection, Organisation

from .models import Currency, Topic
from .selectors import PUBLIC_FILTERS
from .services import EDITABLE_FIELDS


class TopicForm(forms.ModelForm):
    """The fields a proposer fills; the service checks the rest (a title in one language, the organisation)."""

    class Meta:
        model = Topic
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 5}),
            "importance": forms.Textarea(attrs={"rows": 4}),
            "outcome": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_direction"].queryset = KeyDirection.objects.all()
        # The proposer's own organisations, and the one the topic already names (an officer keeps it).
        mine = Q(memberships__user=user) if user is not None and user.is_authenticated else Q(pk__in=[])
        self.fields["organisation"].queryset = Organisation.objects.filter(
            mine | Q(pk=self.instance.organisation_id or 0)).distinct()
        self.fields["organisation"].required = False
        self.fields["budget_amount"].min_value = 0
        self.fields["budget_amount"].widget.attrs["min"] = "0"
        self.fields["budget_currency"].choices = [("", _("No budget suggested")), *Currency.choices]

    def _post_clean(self) -> None:
        """The service validates the model (after checking who may change what); the form only reads fields."""


class ScreenForm(forms.Form):
    reason = forms.CharField(label=_("Reason (shown to the proposer)"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    merged_into = forms.ModelChoiceField(label=_("Merge into"), queryset=Topic.objects.none(), required=False)

    def __init__(self, *args, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        if targets is not None:
            self.fields["merged_into"].queryset = targets


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Your comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class TopicFilterForm(forms.Form):
    direction = forms.ModelChoiceField(label=_("Key direction"), queryset=KeyDirection.objects.all(),
                                       to_field_name="code", required=False, empty_label=_("All directions"))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("Open for comment and merged")), *[(s.value, s.label) for s in PUBLIC_FILTERS]])
