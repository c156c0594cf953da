from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class PreferredLanguageMiddleware:
    """Keep a signed-in user's language choice: the cookie follows the account across devices."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            preferred = user.preferred_language
            if preferred and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != preferred:
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, preferred, max_age=settings.LANGUAGE_COOKIE_AGE,
                                    samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                                    secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False))
        return response


class StaffMustUseMfaMiddleware:
    """Park staff work only after setting up a second factor: until then every page leads to MFA setup."""

    ALLOWED_PREFIXES = ("/static/", "/i18n/", "/healthz", "/api/")
    ALLOWED_ACCOUNT_PAGES = ("accounts/2fa", "accounts/logout", "accounts/confirm-email", "accounts/reauthenticate")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff and not self._allowed(request.path):
            from allauth.mfa.models import Authenticator

            if not Authenticator.objects.filter(user=user).exclude(type=Authenticator.Type.RECOVERY_CODES).exists():
                from django.contrib import messages

                messages.warning(request, _("Park staff must set up two-factor authentication before continuing."))
                return redirect("mfa_index")
        return self.get_response(request)

    def _allowed(self, path: str) -> bool:
        if path.startswith(self.ALLOWED_PREFIXES):
            return True
        # The MFA pages themselves, sign-out and email confirmation, in any language.
        tail = path.split("/", 2)[-1] if path.count("/") >= 2 else path
        return tail.startswith(self.ALLOWED_ACCOUNT_PAGES) or path == reverse("mfa_index")
