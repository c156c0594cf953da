from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hetao.core.validators import normalise_mobile
from hetao.registry.models import Region

from .models import IdentityDocument, MembershipRole, User


def name_fields_in_order() -> list[str]:
    """A Chinese name is written family name first (陳小明): on Chinese pages the form asks for it in that order."""
    return ["last_name", "first_name"] if (get_language() or "").startswith("zh") else ["first_name", "last_name"]


class SignupExtraForm(forms.Form):
    """Extra sign-up fields (allauth calls `signup()` after creating the user)."""

    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    mobile = forms.CharField(label=_("Mobile number"), max_length=20, required=False,
                             help_text=_("With country code: +86, +852 or +853."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # In the page's language; read by Django's form and by allauth's SignupForm, which this form is the base of.
        self.field_order = ["email", "password1", "password2", *name_fields_in_order(), "mobile"]
        super().__init__(*args, **kwargs)

    def clean_mobile(self) -> str:
        value = self.cleaned_data["mobile"].strip()
        return normalise_mobile(value) if value else ""

    def signup(self, request: HttpRequest, user: User) -> None:
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.mobile = self.cleaned_data["mobile"]
        user.preferred_language = get_language() or "en"
        user.save(update_fields=["first_name", "last_name", "mobile", "preferred_language"])


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    mobile = forms.CharField(label=_("Mobile number"), max_length=20, required=False,
                             help_text=_("With country code: +86, +852 or +853."))
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.field_order = [*name_fields_in_order(), "mobile", "preferred_language"]  # in the page's language
        super().__init__(*args, **kwargs)

    def clean_mobile(self) -> str:
        value = self.cleaned_data["mobile"].strip()
        return normalise_mobile(value) if value else ""


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices, initial=MembershipRole.MEMBER)


class JoinRequestForm(forms.Form):
    message = forms.CharField(label=_("Message to the organisation"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class IdentityDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=IdentityDocument.Kind.choices)
    number = forms.CharField(label=_("Number"), max_length=32,
                             help_text=_("As printed, e.g. A123456(3) for an HKID card."))
    country = forms.CharField(label=_("Issuing country (passports)"), max_length=3, required=False,
                              help_text=_("Three letters, e.g. CHN, GBR, USA."))


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Why do you need the full number?"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class NewPersonForm(forms.Form):
    name_zh = forms.CharField(label=_("Name in Chinese"), max_length=100, required=False)
    region = forms.ChoiceField(label=_("Where you are from"), choices=Region.choices)
