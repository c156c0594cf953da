"""An append-only record of every decision and change made through the platform's services.

Append-only at three levels: the model refuses to save an existing row or delete one; its queryset refuses
`delete()` and every `update()` but the erasure below; on PostgreSQL a trigger (migration 0002) refuses the same
UPDATE and DELETE statements whatever sent them.

The one change allowed to an existing row is erasure of personal data when an account is deleted
(hetao.accounts.privacy): its IP address cleared, and its actor cleared (the foreign key's SET_NULL). The
pseudonymous `actor_label` (`user:<id>`) stays, so the trail still says which account acted.
"""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Columns erasure may clear (set to NULL); nothing may set them to another value, nor change any other column.
ERASABLE = frozenset({"actor", "actor_id", "ip_address"})


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        if not kwargs or set(kwargs) - ERASABLE or any(value is not None for value in kwargs.values()):
            raise ValueError("Audit events are append-only: only the actor and IP address may be cleared.")
        return super().update(**kwargs)

    update.alters_data = True  # type: ignore[attr-defined]

    def delete(self) -> NoReturn:
        raise ValueError("Audit events are append-only.")

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


class AuditEvent(models.Model):
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("actor"))
    # Kept when the account is deleted, so the trail stays readable without personal data.
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValueError("Audit events are append-only.")
