"""Writes to the registry. Each service checks the actor's permission, validates fully (`full_clean()` and the
invariants a constraint cannot hold), saves with `update_fields`, writes its audit record, and is atomic.

Views, the API, the admin and commands call these; nothing else writes registry records except the demo loader's
bulk inserts of generated rows (hetao.registry.demo, through the same model `clean()` rules).

Who: every write asks `require(actor, "registry.change", record)` (hetao.registry.permissions: the data and
enterprise-services departments, and superusers), the same rule the API's write endpoints declare. A write with
no person behind it (a data import, a scheduled job, a fixture) says so explicitly: `actor=None, system=True`;
its audit record names the actor "system". An actor=None without `system=True` is refused like any other actor
who may not write, and `system=True` with an actor is a programming error.

Space: the units of a building never cover more than its gross floor area. A sum over rows cannot be a
constraint, so every write that can change it (a unit created, resized or moved, a floor moved, a building's
area reduced) first locks the building row(s) with SELECT … FOR UPDATE, in primary-key order, and checks the
sum under the lock: of two officers adding units to one building at once, the second waits for the first to
commit, then sees its unit and is refused if the two together would not fit.
"""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from hetao.audit.service import audit_record
from hetao.core.permissions import require

from .models import Building, Floor, Lease, Organisation, Person, Project, Unit
from .snapshots import dashboard_invalidate

__all__ = [
    "lease_create",
    "organisation_create",
    "organisation_update",
    "person_create",
    "project_create",
    "record_check",
    "record_delete",
    "record_save",
    "unit_create",
]

Record = TypeVar("Record", bound=models.Model)
Actor = AbstractBaseUser | None

PERMISSION = "registry.change"
NOT_AUDITED = ("id", "search_text")  # the key, and a column derived from the others


# ── Who ────────────────────────────────────────────────────────────────────────────────────────────


def _authorise(actor: Actor, record: models.Model, *, system: bool) -> None:
    """The actor may change the registry; or this is an explicit system write (actor=None, system=True)."""
    if system:
        if actor is not None:
            raise ValueError("A system write has no actor: pass actor=None with system=True, or the actor alone.")
        return
    require(actor, PERMISSION, record)


def _audit(*, actor: Actor, system: bool, action: str, record: models.Model, changes: dict) -> None:
    audit_record(actor=actor, action=action, target=record, changes=changes, system=system)


# ── Space: the units of a building fit its gross floor area ──────────────────────────────────────────


def _units_area(**where: Any) -> Decimal:
    return Unit.objects.filter(**where).aggregate(s=Sum("area_m2"))["s"] or Decimal("0")


def _buildings_touched(record: models.Model) -> set[int]:
    """The buildings whose unit total this write can change: where the record is, and where it was."""
    if isinstance(record, Building):
        return set() if record._state.adding else {record.pk}  # a new building has no units yet
    if isinstance(record, Floor):
        ids = {record.building_id}
        if not record._state.adding:
            ids |= set(Floor.objects.filter(pk=record.pk).values_list("building_id", flat=True))
        return {i for i in ids if i is not None}
    if isinstance(record, Unit):
        ids = set(Floor.objects.filter(pk=record.floor_id).values_list("building_id", flat=True))
        if not record._state.adding:
            ids |= set(Unit.objects.filter(pk=record.pk).values_list("floor__building_id", flat=True))
        return ids
    return set()


def _lock_buildings(ids: set[int]) -> None:
    """Row locks on the buildings, always in primary-key order so two writers never wait for each other."""
    if ids:
        list(Building.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


def record_check(*, record: models.Model) -> None:
    """Raise ValidationError if saving `record` would break an invariant its model's `clean()` cannot see.

    The services call it under the building lock; the admin's forms call it too, to show the message on the form.
    (A unit's own area is checked by Unit.clean(), which sums the other units of its building.)"""
    if isinstance(record, Building) and not record._state.adding and record.gross_floor_area_m2 is not None:
        total = _units_area(floor__building_id=record.pk)
        if total > record.gross_floor_area_m2:
            raise ValidationError({"gross_floor_area_m2": ValidationError(
                _("The units of this building cover %(total)s m², more than a gross floor area of %(gfa)s m²."),
                code="building_smaller_than_units", params={"total": total, "gfa": record.gross_floor_area_m2})})
    if isinstance(record, Floor) and not record._state.adding and record.building_id:
        moving = _units_area(floor_id=record.pk)
        if moving and not Floor.objects.filter(pk=record.pk, building_id=record.building_id).exists():
            building = Building.objects.get(pk=record.building_id)
            total = _units_area(floor__building_id=building.pk) + moving
            if total > building.gross_floor_area_m2:
                raise ValidationError({"building": ValidationError(
                    _("The units of %(building)s would cover %(total)s m², more than its gross floor area of "
                      "%(gfa)s m²."),
                    code="unit_over_building_area",
                    params={"building": building, "total": total, "gfa": building.gross_floor_area_m2})})


# ── The one write path ─────────────────────────────────────────────────────────────────────────────


def _values(record: models.Model) -> dict[str, Any]:
    """Every stored column but the key, by attribute name (`park_id`, not `park`)."""
    return {f.attname: getattr(record, f.attname) for f in record._meta.concrete_fields if not f.primary_key}


def _m2m_pks(record: models.Model, name: str) -> list:
    return sorted(getattr(record, name).values_list("pk", flat=True))


def _write(*, actor: Actor, system: bool, record: Record, before: dict[str, Any] | None,
           m2m: Mapping[str, Iterable] | None) -> Record:
    """Validate and save `record` (its rows already locked); `before` is None for a new record."""
    record.full_clean()
    record_check(record=record)
    if before is None:
        record.save(force_insert=True)
        after = _values(record)
        changes: dict[str, Any] = {"created": {k: str(v) for k, v in after.items() if k not in NOT_AUDITED}}
    else:
        after = _values(record)
        changed = [name for name, value in after.items() if value != before[name]]
        if changed:  # only the columns that changed: a concurrent write to the others is not overwritten
            names = {f.attname: f.name for f in record._meta.concrete_fields}
            record.save(update_fields=[names[attname] for attname in changed])
        changes = {k: [str(before[k]), str(after[k])] for k in changed if k not in NOT_AUDITED}
    for name, values in (m2m or {}).items():
        old = [] if before is None else _m2m_pks(record, name)
        getattr(record, name).set(list(values))
        new = _m2m_pks(record, name)
        if before is None:
            changes["created"][name] = [str(pk) for pk in new]
        elif old != new:
            changes[name] = [[str(pk) for pk in old], [str(pk) for pk in new]]
    verb = "create" if before is None else "update"
    _audit(actor=actor, system=system, action=f"registry.{record._meta.model_name}.{verb}", record=record,
           changes=changes)
    dashboard_invalidate()  # registry records are counted on the home dashboard (after commit)
    return record


def _lock_units(record: models.Model) -> None:
    """A lease locks its unit: of two officers leasing one unit at once, one waits and then sees the overlap."""
    if isinstance(record, Lease) and record.unit_id:
        ids = {record.unit_id}
        if not record._state.adding:
            ids |= set(Lease.objects.filter(pk=record.pk).values_list("unit_id", flat=True))
        list(Unit.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


def _save_locked(*, actor: Actor, system: bool, record: Record, m2m: Mapping[str, Iterable] | None) -> Record:
    _authorise(actor, record, system=system)
    _lock_buildings(_buildings_touched(record))
    _lock_units(record)
    before = None
    if not record._state.adding:
        current = type(record)._base_manager.select_for_update().get(pk=record.pk)
        before = _values(current)
    return _write(actor=actor, system=system, record=record, before=before, m2m=m2m)


def record_save(*, actor: Actor, record: Record, m2m: Mapping[str, Iterable] | None = None,
                system: bool = False) -> Record:
    """Create or change any registry record (the back office's one path): permission, locks, full_clean(),
    invariants, save with update_fields, many-to-many `m2m` ({field name: objects}), audit record.

    A lease's overlap that only the database caught (PostgreSQL's exclusion constraint) is a ValidationError."""
    try:
        with transaction.atomic():
            return _save_locked(actor=actor, system=system, record=record, m2m=m2m)
    except IntegrityError as exc:
        if isinstance(record, Lease):  # the database's exclusion constraint caught a race clean() could not
            raise ValidationError(_("This unit is already leased for part of that period."),
                                  code="lease_overlap") from exc
        raise


@transaction.atomic
def record_delete(*, actor: Actor, record: models.Model, system: bool = False) -> None:
    """Delete a registry record (what it protects stays: Django raises ProtectedError before anything goes)."""
    _authorise(actor, record, system=system)
    _audit(actor=actor, system=system, action=f"registry.{record._meta.model_name}.delete", record=record,
           changes={})
    record.delete()
    dashboard_invalidate()


# ── Named services (the API's and the pages' writes) ──────────────────────────────────────────────────


def organisation_create(*, actor: Actor, key_directions: list | None = None, system: bool = False,
                        **fields: Any) -> Organisation:
    return record_save(actor=actor, record=Organisation(**fields), m2m={"key_directions": key_directions or []},
                       system=system)


@transaction.atomic
def organisation_update(*, actor: Actor, organisation: Organisation, key_directions: list | None = None,
                        system: bool = False, **fields: Any) -> Organisation:
    """Change the given fields (and the key directions when given) of the current row, locked."""
    _authorise(actor, organisation, system=system)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = _values(organisation)
    for name, value in fields.items():
        setattr(organisation, name, value)
    m2m = {"key_directions": key_directions} if key_directions is not None else None
    return _write(actor=actor, system=system, record=organisation, before=before, m2m=m2m)


def person_create(*, actor: Actor, system: bool = False, **fields: Any) -> Person:
    return record_save(actor=actor, record=Person(**fields), system=system)


def project_create(*, actor: Actor, partners: list | None = None, system: bool = False, **fields: Any) -> Project:
    return record_save(actor=actor, record=Project(**fields), m2m={"partners": partners or []}, system=system)


def lease_create(*, actor: Actor, unit: Unit, organisation: Organisation, start_date: datetime.date,
                 end_date: datetime.date, system: bool = False) -> Lease:
    """Lease a unit. Two officers leasing one unit at once: the unit row lock (and on PostgreSQL the
    exclusion constraint) lets one win; the other gets the overlap message."""
    return record_save(actor=actor, system=system, record=Lease(
        unit=unit, organisation=organisation, start_date=start_date, end_date=end_date))


def unit_create(*, actor: Actor, floor: Floor, code: str, area_m2: Decimal, use: str,
                system: bool = False) -> Unit:
    """Add a unit to a floor. Its building is locked first, so two units added at once cannot together cover
    more than the building's gross floor area: the second is refused with Unit.clean()'s message."""
    return record_save(actor=actor, system=system, record=Unit(floor=floor, code=code, area_m2=area_m2, use=use))
