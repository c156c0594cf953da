"""Two officers lease the same unit at the same moment: the database decides, one wins."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from hetao.registry import services
from hetao.registry.models import Lease
from tests.factories import OrganisationFactory, unit_in_new_building

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)"),
]


def test_two_simultaneous_leases_of_one_unit_one_wins(demo_park, staff_user):
    unit = unit_in_new_building()
    orgs = [OrganisationFactory(), OrganisationFactory()]
    barrier = threading.Barrier(2)
    outcomes = []

    def lease(org):
        try:
            barrier.wait()
            services.lease_create(actor=staff_user, unit=unit, organisation=org,
                                  start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2027, 1, 1))
            outcomes.append("won")
        except ValidationError as exc:
            outcomes.append("refused" if "already leased" in str(exc) else repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=lease, args=(org,)) for org in orgs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused", "won"]
    assert Lease.objects.filter(unit=unit).count() == 1


def test_two_simultaneous_units_that_together_overfill_a_building_one_wins(demo_park, staff_user):
    """Each unit fits alone; both would exceed the gross floor area. The building row lock serialises them: the
    second sees the first's unit once it commits, and gets the ValidationError."""
    from decimal import Decimal

    from hetao.registry.models import Unit

    first = unit_in_new_building(area=Decimal("100"), gfa=Decimal("1000"))
    barrier = threading.Barrier(2)
    outcomes = []

    def add(code):
        try:
            barrier.wait()
            services.unit_create(actor=staff_user, floor=first.floor, code=code, area_m2=Decimal("500"), use="lab")
            outcomes.append("won")
        except ValidationError as exc:
            codes = [e.code for e in exc.error_dict.get("area_m2", [])] if hasattr(exc, "error_dict") else []
            outcomes.append("refused" if "unit_over_building_area" in codes else repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=add, args=(code,)) for code in ("0102", "0103")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused", "won"]
    units = Unit.objects.filter(floor__building=first.floor.building)
    assert units.count() == 2 and sum(u.area_m2 for u in units) == Decimal("600")
