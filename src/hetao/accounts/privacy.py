"""A user's own data: export (JSON and readable HTML) and deletion.

Deletion removes the account and its personal data, and keeps what the office and the audit trail must keep,
under the pseudonym `user:<id>` (never a name, email, mobile or document number):

- applications that were submitted (they have a reference): they move to a stand-in record named by the
  pseudonym, which can never sign in, with the answers that identify the applicant removed (contact details,
  identity numbers, what was filled in from the account); the documents attached to them stay with them;
- audit events, with the pseudonym as actor and target and no IP address.

Everything else goes: drafts, the other documents in the locker (and their files), identity documents,
email addresses, second factors, sessions, known devices, OpenID Connect grants and tokens, memberships,
join requests and invitations, event registrations (a freed place goes to the waiting list), group
memberships, notifications, park codes and access rules. OIDC clients the account registered stay, ownerless.

Accounts sits below the apps that hold the rest (onestop, community, passes) and never imports them: each registers
what it keeps or ends for an erased account with hetao.accounts.hooks.on_user_erased (their `account_hooks`
modules), and deletion_carry_out runs those hooks before the account's row goes.
"""

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hetao.audit.service import audit_record
from hetao.core.permissions import require

from .hooks import run_user_erased
from .models import DeletionRequest, Invitation, User
from .tasks import send_account_email

KEPT_AFTER_DELETION = [
    _("Audit events (sign-ins, decisions, document reveals) with the pseudonymous id user:<id>, no name, email "
      "or IP address."),
    _("Applications you submitted, with their history, decisions and attached documents, under the pseudonymous "
      "id: your name, contact details and identity numbers are removed from them. Drafts are deleted."),
]


def export_data(user: User) -> dict:
    """Everything the platform holds about the user, in one structure."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from hetao.audit.models import AuditEvent

    person = user.person
    return {
        "account": {"id": user.pk, "email": user.email, "first_name": user.first_name, "last_name": user.last_name,
                    "mobile": user.mobile, "preferred_language": user.preferred_language,
                    "date_joined": user.date_joined.isoformat(),
                    "registry_person": person.name_en if person is not None else None},
        "email_addresses": list(EmailAddress.objects.filter(user=user).values("email", "verified", "primary")),
        "memberships": [{"organisation": m.organisation.name_en, "role": m.role, "joined": m.joined_at.isoformat()}
                        for m in user.memberships.select_related("organisation")],
        "identity_documents": [{"kind": d.kind, "country": d.country, "number": d.number_masked,
                                "added": d.added_at.isoformat()} for d in user.identity_documents.all()],
        "two_factor_methods": list(Authenticator.objects.filter(user=user).values_list("type", flat=True)),
        "known_devices": [{"browser": d.user_agent, "first_seen": d.first_seen.isoformat()}
                          for d in user.known_devices.all()],
        "notifications": [{"title": n.title, "body": n.body, "at": n.created_at.isoformat()}
                          for n in user.notifications.all()],
        "event_registrations": [{"event": r.event.title_en, "status": r.status}
                                for r in user.event_registrations.select_related("event")],
        "interest_groups": list(user.interest_groups.values_list("title_en", flat=True)),
        "security_events": [{"action": e.action, "at": e.at.isoformat(), "ip": e.ip_address}
                            for e in AuditEvent.objects.filter(target_type="accounts.user", target_id=str(user.pk))],
    }


@transaction.atomic
def deletion_request(*, actor: User, reason: str = "") -> DeletionRequest:
    request, _created = DeletionRequest.objects.get_or_create(
        user=actor, status=DeletionRequest.Status.PENDING,
        defaults={"pseudonym": f"user:{actor.pk}", "reason": reason[:1000]})
    audit_record(actor=actor, action="privacy.deletion_requested", target=actor)
    return request


@transaction.atomic
def deletion_carry_out(*, actor: User, request: DeletionRequest) -> None:
    require(actor, "privacy.delete_accounts", request)
    request = DeletionRequest.objects.select_for_update().get(pk=request.pk)
    user = request.user
    if request.status != DeletionRequest.Status.PENDING or user is None:
        return
    # Organisations this account was the only admin of are named in the trail, for staff to follow up.
    orphaned = [m.organisation.slug for m in user.memberships.filter(role="admin").select_related("organisation")
                if not m.organisation.memberships.filter(role="admin").exclude(user=user).exists()]
    # The apps above accounts keep what must be kept (submitted applications, under the pseudonym) and end the
    # rest (places on events, group memberships, access rules and codes); each returns what it did, for the trail.
    done = run_user_erased(actor=actor, user=user, pseudonym=request.pseudonym or f"user:{user.pk}")
    _end_what_the_account_holds(user)
    audit_record(actor=actor, action="privacy.account_deleted", target=user,
                 changes={"organisations_left_without_admin": orphaned, **done})
    _forget_addresses(user)
    email, language = user.email, user.preferred_language
    transaction.on_commit(lambda: send_account_email.enqueue(to=email, template="account_deleted", context={},
                                                             language=language))
    request.status, request.done_at, request.done_by = DeletionRequest.Status.DONE, timezone.now(), actor
    request.reason = ""  # the user's own words may name them
    request.save(update_fields=["status", "done_at", "done_by", "reason"])
    user.delete()  # cascades to every row that belongs to the account alone


def stand_in_account(*, user: User, pseudonym: str) -> User:
    """The record that keeps an erased account's place where the office must keep one (a submitted application):
    named by the pseudonym only, no email, no usable password, never active. One per erased account."""
    stand_in, _created = User.objects.get_or_create(
        username=pseudonym, defaults={"password": make_password(None), "is_active": False,
                                      "preferred_language": user.preferred_language})
    return stand_in


def _end_what_the_account_holds(user: User) -> None:
    """What deleting the row would not do well by cascade: sessions (in the session store), OIDC clients (kept),
    invitations (by email)."""
    from allauth.usersessions.models import UserSession
    from oauth2_provider.models import get_application_model

    for session in UserSession.objects.filter(user=user):
        session.end()  # from the session store too, not only allauth's list
    get_application_model().objects.filter(user=user).update(user=None)  # a partner's client stays
    if user.email:
        Invitation.objects.filter(email__iexact=user.email, accepted_at__isnull=True).delete()


def _forget_addresses(user: User) -> None:
    """The trail keeps what happened, not where from: an IP address identifies a person."""
    from hetao.audit.models import AuditEvent

    about = Q(actor=user) | Q(target_type="accounts.user", target_id=str(user.pk))
    AuditEvent.objects.filter(about).exclude(ip_address=None).update(ip_address=None)
