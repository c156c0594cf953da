"""Public surface of the audit app: the one function other apps call to record what they did."""

from django.conf import settings
from django.db import models

from .models import AuditEvent

__all__ = ["audit_record"]


def _label(target: models.Model | None) -> str:
    """A readable label that never holds a person's name or email: records about a user are named by ids."""
    if target is None:
        return ""
    if target._meta.label == settings.AUTH_USER_MODEL:
        return f"user:{target.pk}"
    field_names = {f.name for f in target._meta.concrete_fields}
    if "user" in field_names or "email" in field_names:
        owner = f" (user:{target.user_id})" if "user" in field_names else ""
        return f"{target._meta.model_name}:{target.pk}{owner}"
    return str(target)[:255]


def audit_record(*, actor, action: str, target: models.Model | None, changes: dict | None = None,
                 ip: str | None = None) -> AuditEvent:
    """Append one audit event; call it inside the service's transaction so both commit or neither.

    The actor's label is their account id, not their name: the trail stays pseudonymous after deletion.
    """
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=f"user:{actor.pk}" if getattr(actor, "pk", None) else "anonymous",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=_label(target),
        changes=changes or {},
        ip_address=ip,
    )
