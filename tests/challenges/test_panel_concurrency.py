"""Two officers deploy two proposed runs of one challenge at the same moment: exactly one is deployed, the other
gets a clear error (the challenge row lock and the partial unique index decide)."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from hetao.challenges.models import Assignment, AssignmentRun, ChallengeStatus, RunStatus
from hetao.challenges.services import panel
from tests import factories
from tests.conftest import staff_in

from . import builders

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)"),
]


def test_two_simultaneous_deploys_one_wins(demo_park):
    first_officer, second_officer = staff_in("deployer1", "research_management"), staff_in("deployer2",
                                                                                           "research_management")
    challenge = builders.challenge(first_officer, status=ChallengeStatus.REVIEW,
                                   closes_in=-datetime.timedelta(hours=1), code="HT-2026-77")
    bid = builders.bid(challenge, factories.make_user("racelead"))
    expert = builders.pool_expert("raceexpert")
    runs = []
    for officer in (first_officer, second_officer):
        run = AssignmentRun.objects.create(challenge=challenge, created_by=officer)
        Assignment.objects.create(run=run, bid=bid, expert=expert, affinity=0.4)
        runs.append((officer, run))
    barrier = threading.Barrier(2)
    outcomes = []

    def deploy(officer, run):
        try:
            barrier.wait()
            panel.assignment_deploy(actor=officer, run=run)
            outcomes.append("deployed")
        except ValidationError as exc:
            outcomes.append("refused" if exc.code in ("already_deployed", "not_proposed") else repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deploy, args=pair) for pair in runs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["deployed", "refused"]
    assert AssignmentRun.objects.filter(challenge=challenge, status=RunStatus.DEPLOYED).count() == 1
    assert AssignmentRun.objects.filter(challenge=challenge, status=RunStatus.DISCARDED).count() == 1
