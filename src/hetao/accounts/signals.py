"""Security events go to the audit trail; a sign-in from a new browser alerts the user by email."""

from collections.abc import Callable
from typing import Any

from allauth.account.signals import email_confirmed, password_changed, password_reset
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from hetao.audit.service import audit_record
from hetao.core.clientip import client_ip  # the one answer (trusted proxy headers only)

from .models import KnownDevice, User
from .tasks import send_account_email


@receiver(user_logged_in)
def on_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    audit_record(actor=user, action="security.login", target=user, ip=client_ip(request))
    agent = (request.headers.get("User-Agent", "") if request is not None else "")[:300]
    device, created = KnownDevice.objects.get_or_create(
        user=user, fingerprint=KnownDevice.fingerprint_of(agent), defaults={"user_agent": agent})
    if not created:
        KnownDevice.objects.filter(pk=device.pk).update(last_seen=timezone.now())
    elif user.known_devices.count() > 1:  # not the very first sign-in
        context = {"user_agent": agent or "?", "ip": client_ip(request) or "?", "at": timezone.now().isoformat()}
        transaction.on_commit(lambda: send_account_email.enqueue(
            to=user.email, template="new_device", context=context, language=user.preferred_language))


@receiver(user_logged_out)
def on_logout(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action="security.logout", target=user, ip=client_ip(request))


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict[str, Any] | None, request: HttpRequest | None = None,
                    **kwargs: Any) -> None:
    email = (credentials or {}).get("email") or (credentials or {}).get("username") or ""
    user = User.objects.filter(email__iexact=email).first() if email else None
    audit_record(actor=None, action="security.login_failed", target=user, ip=client_ip(request),
                 changes={"email": email[:254]})


def _audit_user_event(action: str) -> Callable[..., None]:
    def handler(sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
        user = user or getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            authenticator = kwargs.get("authenticator")
            changes = {"type": authenticator.type} if authenticator is not None else {}
            audit_record(actor=user, action=action, target=user, ip=client_ip(request), changes=changes)
    return handler


for signal, action in [
    (authenticator_added, "security.mfa_added"), (authenticator_removed, "security.mfa_removed"),
    (authenticator_reset, "security.mfa_reset"), (password_changed, "security.password_changed"),
    (password_reset, "security.password_reset"),
]:
    signal.connect(_audit_user_event(action), weak=False, dispatch_uid=action)


@receiver(authenticator_added, dispatch_uid="hetao.mfa_enrolment")
def on_authenticator_added(sender: Any, request: HttpRequest | None = None, user: User | None = None,
                           authenticator: Any = None, **kwargs: Any) -> None:
    """Setting up a second factor proves it for this session (see staffauth.record_enrolment)."""
    if authenticator is not None and user is not None:
        from .staffauth import record_enrolment

        record_enrolment(request, user, authenticator)


@receiver(email_confirmed)
def on_email_confirmed(sender: Any, request: HttpRequest | None, email_address: Any, **kwargs: Any) -> None:
    audit_record(actor=email_address.user, action="security.email_confirmed", target=email_address.user,
                 ip=client_ip(request), changes={"email": email_address.email})
