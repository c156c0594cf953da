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
"""

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hetao.audit.service import audit_record
from hetao.core.permissions import require

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
    from hetao.audit.models import AuditEvent

    return {
        "account": {"id": user.pk, "email": user.email, "first_name": user.first_name, "last_name": user.last_name,
                    "mobile": user.mobile, "preferred_language": user.preferred_language,
                    "date_joined": user.date_joined.isoformat(),
                    "registry_person": user.person.name_en if user.person_id else None},
        "email_addresses": list(user.emailaddress_set.values("email", "verified", "primary")),
        "memberships": [{"organisation": m.organisation.name_en, "role": m.role, "joined": m.joined_at.isoformat()}
                        for m in user.memberships.select_related("organisation")],
        "identity_documents": [{"kind": d.kind, "country": d.country, "number": d.number_masked,
                                "added": d.added_at.isoformat()} for d in user.identity_documents.all()],
        "two_factor_methods": list(user.authenticator_set.values_list("type", flat=True)),
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
    kept = _keep_records_under_pseudonym(user, request.pseudonym or f"user:{user.pk}")
    _end_what_the_account_holds(user)
    audit_record(actor=actor, action="privacy.account_deleted", target=user,
                 changes={"organisations_left_without_admin": orphaned, "applications_kept": kept})
    _forget_addresses(user)
    email, language = user.email, user.preferred_language
    transaction.on_commit(lambda: send_account_email.enqueue(to=email, template="account_deleted", context={},
                                                             language=language))
    request.status, request.done_at, request.done_by = DeletionRequest.Status.DONE, timezone.now(), actor
    request.reason = ""  # the user's own words may name them
    request.save(update_fields=["status", "done_at", "done_by", "reason"])
    user.delete()  # cascades to every row that belongs to the account alone


def _keep_records_under_pseudonym(user: User, pseudonym: str) -> int:
    """Submitted applications (and their documents) move to a stand-in that cannot sign in; drafts go."""
    from hetao.onestop.formdef import personal_field_ids
    from hetao.onestop.models import Application, Rating, StoredDocument

    applications = Application.objects.filter(applicant=user).select_related("service_version")
    drafts = [a.pk for a in applications if a.reference is None]
    Application.objects.filter(pk__in=drafts).delete()
    kept = list(applications.exclude(pk__in=drafts))
    documents = set()
    for application in kept:
        personal = personal_field_ids(application.definition)
        documents |= {v["document"] for v in application.data.values() if isinstance(v, dict) and "document" in v}
        application.data = {k: None if k in personal else v for k, v in application.data.items()}
        application.prefill_consent = []
        application.save(update_fields=["data", "prefill_consent"])
    Rating.objects.filter(application__in=kept).update(comment="")
    # The locker's other files are removed from storage once the deletion has committed.
    files = [d.file.name for d in user.stored_documents.exclude(pk__in=documents) if d.file]
    storage = StoredDocument._meta.get_field("file").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in files])
    if kept:
        stand_in = User.objects.create(username=pseudonym, password=make_password(None), is_active=False,
                                       preferred_language=user.preferred_language)
        Application.objects.filter(pk__in=[a.pk for a in kept]).update(applicant=stand_in)
        StoredDocument.objects.filter(owner=user, pk__in=documents).update(owner=stand_in)
    return len(kept)


def _end_what_the_account_holds(user: User) -> None:
    """What deleting the row would not do well by cascade: places on events (the waiting list moves up),
    sessions (in the session store), OIDC clients (kept), access rules (revoke first), invitations (by email)."""
    from allauth.usersessions.models import UserSession
    from oauth2_provider.models import get_application_model

    from hetao.community.models import Registration
    from hetao.community.services import event_cancel
    from hetao.passes.models import AccessRule

    for registration in user.event_registrations.exclude(status=Registration.Status.CANCELLED):
        event_cancel(actor=user, registration=registration)  # the next on the waiting list gets the place
    for session in UserSession.objects.filter(user=user):
        session.end()  # from the session store too, not only allauth's list
    get_application_model().objects.filter(user=user).update(user=None)  # a partner's client stays
    # Before the cascade: removing a person's rule revokes their codes, which must find the holder still there
    # (inside the cascade the revocation would create a new holder for the account being deleted).
    for rule in AccessRule.objects.filter(user=user):
        rule.delete()
    if user.email:
        Invitation.objects.filter(email__iexact=user.email, accepted_at__isnull=True).delete()


def _forget_addresses(user: User) -> None:
    """The trail keeps what happened, not where from: an IP address identifies a person."""
    from hetao.audit.models import AuditEvent

    about = Q(actor=user) | Q(target_type="accounts.user", target_id=str(user.pk))
    AuditEvent.objects.filter(about).exclude(ip_address=None).update(ip_address=None)
