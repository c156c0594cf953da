"""Public surface of the audit app: the one function other apps call to record what they did."""

from django.db import models

from .models import AuditEvent

__all__ = ["audit_record"]


def audit_record(*, actor, action: str, target: models.Model, changes: dict | None = None) -> AuditEvent:
    """Append one audit event; call it inside the service's transaction so both commit or neither."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "get_username", lambda: "")() if actor else "system",
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:255],
        changes=changes or {},
    )
