"""Writes to the registry. Each service validates fully, writes its audit record, and is atomic.

Views, the API and the admin call these; nothing else writes registry records (the demo loader bulk
loads generated data through the same model `clean()` rules, see management/commands/load_demo_park.py).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from hetao.audit.service import audit_record

from .models import Lease, Organisation, Person, Project, Unit
from .snapshots import dashboard_invalidate

__all__ = [
    "lease_create",
    "organisation_create",
    "organisation_update",
    "person_create",
    "project_create",
]


def _snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    return {f: str(getattr(instance, f)) for f in fields}


def _save_new(*, actor, instance: models.Model, action: str, m2m: dict[str, list] | None = None) -> Any:
    instance.full_clean()
    instance.save()
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    fields = [f.attname for f in instance._meta.concrete_fields if f.attname not in ("id", "search_text")]
    audit_record(actor=actor, action=action, target=instance, changes={"created": _snapshot(instance, fields)})
    dashboard_invalidate()  # every registry record is counted on the home dashboard
    return instance


@transaction.atomic
def organisation_create(*, actor, key_directions: list | None = None, **fields) -> Organisation:
    return _save_new(actor=actor, instance=Organisation(**fields), action="registry.organisation.create",
                     m2m={"key_directions": key_directions or []})


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, key_directions: list | None = None,
                        **fields) -> Organisation:
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = _snapshot(organisation, list(fields))
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    if key_directions is not None:
        organisation.key_directions.set(key_directions)
    after = _snapshot(organisation, list(fields))
    changed = {k: [before[k], after[k]] for k in fields if before[k] != after[k]}
    audit_record(actor=actor, action="registry.organisation.update", target=organisation, changes=changed)
    dashboard_invalidate()  # its kind, origin or names are counted or shown on the home dashboard
    return organisation


@transaction.atomic
def person_create(*, actor, **fields) -> Person:
    return _save_new(actor=actor, instance=Person(**fields), action="registry.person.create")


@transaction.atomic
def project_create(*, actor, partners: list | None = None, **fields) -> Project:
    return _save_new(actor=actor, instance=Project(**fields), action="registry.project.create",
                     m2m={"partners": partners or []})


def lease_create(*, actor, unit: Unit, organisation: Organisation, start_date, end_date) -> Lease:
    """Lease a unit. Two officers leasing one unit at once: the unit row lock (and on PostgreSQL the
    exclusion constraint) lets one win; the other gets the overlap message."""
    try:
        with transaction.atomic():
            Unit.objects.select_for_update().filter(pk=unit.pk).first()
            return _save_new(
                actor=actor, action="registry.lease.create",
                instance=Lease(unit=unit, organisation=organisation, start_date=start_date, end_date=end_date),
            )
    except IntegrityError as exc:  # the database's exclusion constraint caught a race clean() could not
        raise ValidationError(_("This unit is already leased for part of that period."), code="lease_overlap") from exc
