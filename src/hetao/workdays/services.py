"""Writes of the working-day overrides, and the loader hetao.core.workdays reads them with."""

import datetime
import uuid

from django.core.cache import cache
from django.db import transaction

from hetao.accounts.models import User
from hetao.audit.service import audit_record
from hetao.core import workdays
from hetao.core.permissions import require

from .models import WorkdayOverride

__all__ = ["load_overrides", "override_delete", "override_save", "overrides_token"]

TOKEN_KEY = "hetao.workdays.overrides.token"
# What a change of an override writes (updated_at: auto_now, set by save when named here).
EDITABLE = ["day", "calendar", "working", "note", "updated_at", "updated_by"]


def load_overrides() -> dict[tuple[str, datetime.date], bool]:
    return {(calendar, day): working
            for calendar, day, working in WorkdayOverride.objects.values_list("calendar", "day", "working")}


def overrides_token() -> str | None:
    return cache.get(TOKEN_KEY)


def _changed() -> None:
    """After commit: this process recomputes now, the others within `RECHECK_SECONDS` (the shared cache's token)."""
    cache.set(TOKEN_KEY, uuid.uuid4().hex, None)
    workdays.clear_cache()


def _changes(override: WorkdayOverride) -> dict:
    return {"day": override.day.isoformat(), "calendar": override.calendar, "working": override.working,
            "note": override.note}


@transaction.atomic
def override_save(*, actor: User, override: WorkdayOverride) -> WorkdayOverride:
    """Create or change one override (a day declared a working day or a day off on one calendar)."""
    require(actor, "workdays.manage")
    override.updated_by = actor
    override.full_clean()
    created = override._state.adding
    if created:
        override.save(force_insert=True)
    else:
        override.save(update_fields=EDITABLE)
    audit_record(actor=actor, action=f"workdays.override.{'create' if created else 'update'}", target=override,
                 changes=_changes(override))
    transaction.on_commit(_changed)
    return override


@transaction.atomic
def override_delete(*, actor: User, override: WorkdayOverride) -> None:
    require(actor, "workdays.manage")
    audit_record(actor=actor, action="workdays.override.delete", target=override, changes=_changes(override))
    override.delete()
    transaction.on_commit(_changed)
