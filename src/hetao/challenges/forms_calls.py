"""Forms of the challenge pages: the public list's filters, the officers' challenge form with its rubric and
eligibility rows, a question, an answer, a cancellation and an attachment."""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from hetao.core.templatetags.trilingual import free_text_tag
from hetao.registry.models import KeyDirection

from .models import PUBLIC_CHALLENGE_STATES, Challenge, Currency, EligibilityKind
from .services.calls import EDITABLE_FIELDS, FIXED_ONCE_OPEN, MAX_ATTACHMENT_BYTES

LANGUAGE_CHOICES = [("", _("Any language")), ("en", "English"), ("zh-hans", "简体中文"), ("zh-hant", "繁體中文")]
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class ChallengeFilterForm(forms.Form):
    direction = forms.ModelChoiceField(label=_("Key direction"), queryset=KeyDirection.objects.all(),
                                       to_field_name="code", required=False, empty_label=_("All directions"))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("Any status")), *[(s.value, s.label) for s in PUBLIC_CHALLENGE_STATES]])
    language = forms.ChoiceField(label=_("Language"), required=False, choices=LANGUAGE_CHOICES,
                                 help_text=_("Challenges with a title in this language."))
    budget_min = forms.DecimalField(label=_("Budget from"), required=False, min_value=0, max_digits=14,
                                    decimal_places=2)
    budget_max = forms.DecimalField(label=_("Budget up to"), required=False, min_value=0, max_digits=14,
                                    decimal_places=2)
    currency = forms.ChoiceField(label=_("Currency"), required=False,
                                 choices=[("", _("Any currency")), *Currency.choices])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        low, high = data.get("budget_min"), data.get("budget_max")
        if low is not None and high is not None and low > high:
            self.add_error("budget_max", _("The upper end of the budget is below the lower end."))
        return data

    def filters(self) -> dict[str, Any]:
        """The valid filters, as the selectors take them."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        direction = data.get("direction")
        return {"direction": direction.code if direction else "", "status": data.get("status", ""),
                "language": data.get("language", ""), "budget_min": data.get("budget_min"),
                "budget_max": data.get("budget_max"), "currency": data.get("currency", "")}


class ChallengeForm(forms.ModelForm):
    """The challenge's own fields; once it is open, the fixed ones are shown but disabled."""

    topics = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Challenge
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "description_en": forms.Textarea(attrs={"rows": 3}),
            "description_zh_hans": forms.Textarea(attrs={"rows": 3}),
            "description_zh_hant": forms.Textarea(attrs={"rows": 3}),
            "problem": forms.Textarea(attrs={"rows": 4}),
            "deliverables": forms.Textarea(attrs={"rows": 4}),
            "indicators": forms.Textarea(attrs={"rows": 4}),
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
            "review_ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "defence_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "award_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title_en"].required = False
        cast(forms.ModelChoiceField, self.fields["key_direction"]).queryset = KeyDirection.objects.all()
        # django-stubs types min_value as IntegerField's (int) even on a DecimalField.
        cast(forms.DecimalField, self.fields["budget_ceiling"]).min_value = Decimal("0.01")  # type: ignore[assignment]
        for name in ("opens_at", "closes_at"):
            cast(forms.DateTimeField, self.fields[name]).input_formats = [
                DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        if self.instance.pk and self.instance.status != "draft":
            for name in FIXED_ONCE_OPEN:
                self.fields[name].disabled = True

    def _post_clean(self) -> None:
        """The service validates the model (after checking who may change what); the form only reads fields."""

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS if name in self.cleaned_data}


class CriterionForm(forms.Form):
    name_en = forms.CharField(label=_("Name (English)"), max_length=255, required=False)
    name_zh_hans = forms.CharField(label=_("Name (Simplified Chinese)"), max_length=255, required=False)
    name_zh_hant = forms.CharField(label=_("Name (Traditional Chinese)"), max_length=255, required=False)
    description = forms.CharField(label=_("What the reviewers judge"), max_length=4000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    weight = forms.IntegerField(label=_("Weight (%)"), required=False, min_value=1, max_value=100)
    max_score = forms.IntegerField(label=_("Highest score"), required=False, min_value=1, max_value=100)
    threshold = forms.DecimalField(label=_("Threshold"), required=False, min_value=0, max_digits=5,
                                   decimal_places=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The description is written in one language: mark it when it is not the page's (WCAG 3.1.2).
        tag = free_text_tag(self.initial.get("description"))
        if tag:
            self.fields["description"].widget.attrs["lang"] = tag

    def row(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not any(data.get(k) not in (None, "") for k in ("name_en", "name_zh_hans", "name_zh_hant",
                                                           "description", "weight")):
            return None  # an empty row
        return {k: v for k, v in data.items() if k != "DELETE" and v is not None}


class EligibilityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Rule"), required=False, choices=[("", "—"), *EligibilityKind.choices])
    text = forms.CharField(label=_("What the team must show"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def row(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("kind") and not data.get("text"):
            return None
        return {"kind": data.get("kind", ""), "text": data.get("text", "")}


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, max_num=30, validate_max=True)
EligibilityFormSet = forms.formset_factory(EligibilityForm, extra=2, max_num=30, validate_max=True)


class QuestionForm(forms.Form):
    question = forms.CharField(label=_("Your question"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("Answered publicly to all bidders; who asked is never shown."))


class AnswerForm(forms.Form):
    question_id = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    answer = forms.CharField(label=_("Public answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (shown to bidders)"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    upload = forms.FileField(label=_("File"), help_text=_("PDF, Word, Excel, PowerPoint or an image; at most 20 MB."))

    def clean_upload(self) -> Any:
        upload = self.cleaned_data["upload"]
        if upload.size > MAX_ATTACHMENT_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload
