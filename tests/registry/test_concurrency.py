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
