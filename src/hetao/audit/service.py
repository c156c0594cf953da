"""Public surface of the audit app: the one function other apps call to record what they did."""

from typing import Any

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
        owner = f" (user:{getattr(target, 'user_id', '')})" if "user" in field_names else ""
        return f"{target._meta.model_name}:{target.pk}{owner}"
    return str(target)[:255]


def audit_record(*, actor: Any, action: str, target: models.Model | None, changes: dict | None = None,
                 ip: str | None = None, system: bool = False) -> AuditEvent:
    """Append one audit event; call it inside the service's transaction so both commit or neither.

    `actor` is a user, an anonymous user or None (audit sits below accounts, so it is read by duck typing).

    The actor's label is their account id, not their name: the trail stays pseudonymous after deletion.
    `system=True` (with actor=None) marks a write no person made (an import, a scheduled job): "system", not
    "anonymous", which is a visitor who was not signed in.
    """
    person = actor if getattr(actor, "pk", None) else None
    return AuditEvent.objects.create(
        actor=person,
        actor_label=f"user:{person.pk}" if person else "system" if system else "anonymous",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=_label(target),
        changes=changes or {},
        ip_address=ip,
    )
