"""Staff sessions: one way in, with a second factor.

Anyone with staff powers (is_staff, superuser, or a role in a department) works only in a session that
completed a second factor: TOTP, a passkey (passkey sign-in counts) or a recovery code. It is not enough that
the account *has* a second factor — a session made by password alone (an old admin sign-in, a sign-in before
the account became staff, a session the user began as a member) is sent to the MFA step first. allauth records
how each session authenticated (`allauth.account.authentication`); the records are tied to the user.

The Django admin has no sign-in of its own: its login page sends the browser to the park's sign-in, which has
the second factor and the rate limits.
"""

from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib.admin import AdminSite
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def has_staff_powers(user: Any) -> bool:
    """Whoever a staff rule could let act: staff, superusers, and holders of a department role."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_hetao_staff_powers", None)
    if cached is None:
        cached = user.is_staff or user.is_superuser or user.staff_roles.exists()
        user._hetao_staff_powers = cached
    return cached


def has_second_factor(user: Any) -> bool:
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


def session_completed_mfa(request: HttpRequest) -> bool:
    """Did this session prove a second factor for the signed-in user (at sign-in or later)?"""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def record_enrolment(request: HttpRequest | None, user: Any, authenticator: Authenticator) -> None:
    """Setting up TOTP or a passkey proves it: the session counts as having used it (no second prompt).

    Only sessions without a second factor reach the set-up pages (StaffMustUseMfaMiddleware), so this never
    lets a password-only session of an account that already has a factor add its own.
    """
    if request is None or authenticator.type not in SECOND_FACTORS or request.user != user:
        return
    from allauth.account.internal.flows.login import record_authentication

    record_authentication(request, user, "mfa", type=authenticator.type, id=authenticator.pk, enrolled=True)
    request.session.save()  # allauth sends the signal on commit, which may come after the session was saved


def _safe_next(request: HttpRequest, default: str) -> str:
    url = request.GET.get(REDIRECT_FIELD_NAME, "")
    allowed = url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                              require_https=request.is_secure())
    return url if url and allowed else default


def admin_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """Replaces the Django admin's login view: it never checks a password itself."""
    next_url = _safe_next(request, reverse("admin:index"))
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(next_url, reverse("account_login"))
    if not (user.is_active and user.is_staff):
        raise PermissionDenied
    if not session_completed_mfa(request):
        return redirect_to_login(next_url, reverse("mfa_reauthenticate"))
    return redirect(next_url)


def protect_admin(site: AdminSite) -> None:
    """Send the admin's sign-in to the park's, and let only MFA sessions in (the middleware checks too)."""
    default_has_permission = site.has_permission

    def has_permission(request: HttpRequest) -> bool:
        return default_has_permission(request) and session_completed_mfa(request)

    # The default admin.site instance is patched in place (a custom AdminSite would need its own AdminConfig).
    site.login = admin_login  # type: ignore[method-assign]
    site.has_permission = has_permission  # type: ignore[method-assign]
