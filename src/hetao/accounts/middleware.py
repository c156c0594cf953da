from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext_lazy as _

from . import staffauth

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

GetResponse = Callable[[HttpRequest], HttpResponseBase]


class PreferredLanguageMiddleware:
    """Keep a signed-in user's language choice: the cookie follows the account across devices."""

    def __init__(self, get_response: GetResponse):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            preferred = user.preferred_language
            if preferred and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != preferred:
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, preferred, max_age=settings.LANGUAGE_COOKIE_AGE,
                                    samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                                    secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False))
        return response


SET_UP_MFA = _("Park staff must set up two-factor authentication before continuing.")
USE_MFA = _("Park staff confirm each sign-in with their second factor: enter a code from your authenticator app or use your passkey.")  # noqa: E501


class StaffMustUseMfaMiddleware:
    """Staff work only in a session that completed a second factor (hetao.accounts.staffauth).

    Without a second factor on the account, every page leads to setting one up; with one, a session that did
    not use it (password only) is sent to the MFA step. API calls of such a session are refused (403).
    """

    ALWAYS_OPEN_PREFIXES = ("/static/", "/i18n/", "/healthz")
    OPEN_PAGES = {"account_logout", "javascript-catalog"}
    # Setting up a first factor needs allauth's MFA pages, email confirmation and the password re-check.
    SETUP_PAGES = {"account_confirm_email", "account_email_verification_sent", "account_reauthenticate"}
    MFA_STEP_PAGES = {"mfa_reauthenticate", "mfa_reauthenticate_webauthn"}

    def __init__(self, get_response: GetResponse):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if (user is None or not user.is_authenticated or request.path.startswith(self.ALWAYS_OPEN_PREFIXES)
                or not staffauth.has_staff_powers(user)):
            return self.get_response(request)
        page = self._url_name(request)
        if page in self.OPEN_PAGES:
            return self.get_response(request)
        if not staffauth.has_second_factor(user):
            if page in self.SETUP_PAGES or (page or "").startswith("mfa_"):
                return self.get_response(request)
            return self._refuse(request, "mfa_index", SET_UP_MFA)
        if staffauth.session_completed_mfa(request) or page in self.MFA_STEP_PAGES:
            return self.get_response(request)
        return self._refuse(request, "mfa_reauthenticate", USE_MFA)

    @staticmethod
    def _url_name(request: HttpRequest) -> str | None:
        try:
            return resolve(request.path_info).url_name
        except Resolver404:
            return None

    @staticmethod
    def _refuse(request: HttpRequest, step: str, message: "StrOrPromise") -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": str(message)}, status=403)
        from django.contrib import messages

        messages.warning(request, str(message))
        url = reverse(step)
        if request.method in ("GET", "HEAD") and step == "mfa_reauthenticate":
            url += "?" + urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
        return redirect(url)
