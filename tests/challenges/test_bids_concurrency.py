"""Two requests start a bid for the same lead and challenge at once: the database's partial unique constraint
decides, one bid is made and the other request gets a clear error."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from hetao.challenges.models import Bid, BidMember
from hetao.challenges.services import bids as svc
from tests import factories
from tests.conftest import staff_in

from . import builders

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)"),
]


def test_two_simultaneous_bid_starts_by_one_lead_make_one_bid(demo_park):
    challenge = builders.open_challenge(staff_in("racer_officer", "research_management"))
    lead = factories.make_user("racer")
    barrier = threading.Barrier(2)
    outcomes = []

    def start(name: str) -> None:
        try:
            barrier.wait()
            svc.bid_start(actor=lead, challenge=challenge, team_name=name)
            outcomes.append("made")
        except ValidationError as exc:
            outcomes.append("refused" if exc.code == "duplicate_bid" else repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start, args=(f"Team {n}",)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["made", "refused"]
    assert Bid.objects.filter(challenge=challenge, lead=lead).count() == 1
    assert BidMember.objects.filter(bid__challenge=challenge, is_lead=True).count() == 1
