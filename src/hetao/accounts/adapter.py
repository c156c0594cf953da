"""allauth adapters: the preferred language at sign-in, and audited sign-ins."""

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation

from hetao.core import links
from hetao.core.permissions import can

if TYPE_CHECKING:
    from .models import User


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """After sign-in (when no `?next=` says where to go: allauth follows that first), officers land on their
        work queue and everyone else on their account page, in the language they chose once (on the account)."""
        url = super().get_login_redirect_url(request)
        if url != reverse("accounts:home"):
            return url
        target = "onestop:queue" if can(request.user, "onestop.work_queue") else "accounts:home"
        with translation.override(getattr(request.user, "preferred_language", "") or translation.get_language()):
            return reverse(target)

    def save_user(self, request: HttpRequest, user: "User", form: forms.Form, commit: bool = True) -> "User":
        user = super().save_user(request, user, form, commit=False)
        user.preferred_language = translation.get_language() or "en"
        if commit:
            user.save()
        return user

    def get_client_ip(self, request: HttpRequest) -> str:
        """Rate limits and session lists use the park's one answer (trusted proxy headers only)."""
        from django.core.exceptions import PermissionDenied

        from hetao.core.clientip import client_ip

        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    # ── Email: links from the one public address, in the recipient's language, greeting with the site's name ──

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        from hetao.core.links import PublicSite

        with translation.override(recipient_language(email)):
            context = {**context, "current_site": PublicSite(), "site_url": links.absolute_url("/")}
            for name, value in list(context.items()):  # links built from a request or in the page's language
                if name.endswith("_url") and isinstance(value, str) and value.startswith(("http://", "https://")):
                    bits = urlsplit(value)
                    context[name] = links.absolute_url(bits.path + (f"?{bits.query}" if bits.query else ""))
            super().send_mail(template_prefix, email, context)

    def format_email_subject(self, subject: str) -> str:
        return links.subject_prefix() + str(subject)

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation: Any) -> str:
        return links.absolute_url("account_confirm_email", key=emailconfirmation.key)

    def get_reset_password_from_key_url(self, key: str) -> str:
        uidb36, _dash, token = key.partition("-")
        return links.absolute_url("account_reset_password_from_key", uidb36=uidb36, key=token)

    def send_account_already_exists_mail(self, email: str) -> None:
        self.send_mail("account/email/account_already_exists", email, {
            "email": email, "signup_url": links.absolute_url("account_signup"),
            "password_reset_url": links.absolute_url("account_reset_password")})


def recipient_language(email: str) -> str:
    """The language of the account that owns `email`; the page's language for an address nobody owns yet."""
    from allauth.account.models import EmailAddress

    from .models import User

    address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
    user = address.user if address else User.objects.filter(email__iexact=email).first()
    language = getattr(user, "preferred_language", "")
    return language or translation.get_language() or "en"


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Upstream identity providers link to existing accounts only through a signed-in user (allauth's
    "connect" flow) or create a new account; never by trusting an unverified email."""
