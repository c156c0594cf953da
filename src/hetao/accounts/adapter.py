"""allauth adapters: the preferred language at sign-in, and audited sign-ins."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.urls import reverse
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        """After sign-in, continue in the language the user chose once (stored on the account)."""
        url = super().get_login_redirect_url(request)
        language = getattr(request.user, "preferred_language", "")
        if language and url == reverse("accounts:home"):
            with translation.override(language):
                return reverse("accounts:home")
        return url

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.preferred_language = translation.get_language() or "en"
        if commit:
            user.save()
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Upstream identity providers link to existing accounts only through a signed-in user (allauth's
    "connect" flow) or create a new account; never by trusting an unverified email."""
