"""A user's own data: export (JSON and readable HTML) and deletion.

Deletion removes personal data and keeps what the law and the audit trail need: audit events stay, with
the account's pseudonymous id (`user:<id>`) and no name, email or document number; decisions and money
records of later parts of the platform keep pointing to that id.
"""

from django.db import transaction
from django.utils import timezone

from hetao.audit.service import audit_record

from .models import DeletionRequest, User
from .permissions import require
from .tasks import send_account_email

KEPT_AFTER_DELETION = [
    "Audit events (sign-ins, decisions, document reveals) with the pseudonymous id user:<id>, no name or email.",
    "Records of decisions and payments made by or for the account, pointing to the pseudonymous id.",
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
    audit_record(actor=actor, action="privacy.account_deleted", target=user,
                 changes={"organisations_left_without_admin": orphaned})
    email, language = user.email, user.preferred_language
    transaction.on_commit(lambda: send_account_email.enqueue(to=email, template="account_deleted", context={},
                                                             language=language))
    request.status, request.done_at, request.done_by = DeletionRequest.Status.DONE, timezone.now(), actor
    request.save(update_fields=["status", "done_at", "done_by"])
    user.delete()  # cascades: emails, memberships, documents, devices, notifications, sessions, MFA
