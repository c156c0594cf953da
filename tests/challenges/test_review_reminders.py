"""Experts are reminded before the review ends: once per window, never about a conflict they declared nor a review
they submitted, and the reminder names the bid by its reference only (phase 1 is blind)."""

import datetime

import pytest
from django.utils import timezone

from hetao.challenges.models import ChallengeStatus, Declaration
from hetao.challenges.tasks import remind_reviews
from hetao.community.models import Notification
from tests import factories
from tests.conftest import staff_in

from . import builders

pytestmark = pytest.mark.django_db


def test_experts_with_work_left_are_reminded_once():
    officer = staff_in("ro", "research_management")
    today = timezone.localdate()
    challenge = builders.close(builders.open_challenge(officer, review_ends_on=today + datetime.timedelta(days=2)),
                               status=ChallengeStatus.REVIEW)
    lead = factories.make_user("lead", first_name="Tai Man", last_name="Chan")
    bid = builders.bid(challenge, lead, team_name="Team Chan")
    pending, declared, conflicted = (builders.pool_expert(name) for name in ("e1", "e2", "e3"))
    run = builders.deployed_run(challenge, [(bid, pending), (bid, declared), (bid, conflicted)])
    run.assignments.filter(expert=declared).update(declaration=Declaration.NO_CONFLICT, declared_at=timezone.now())
    run.assignments.filter(expert=conflicted).update(declaration=Declaration.CONFLICT, declared_at=timezone.now())

    assert remind_reviews(today=today) == "2 review reminders"
    reminded = Notification.objects.filter(title__contains=bid.reference)
    assert set(reminded.values_list("user", flat=True)) == {pending.user_id, declared.user_id}
    assert not any("Chan" in n.title + n.body for n in reminded)
    assert remind_reviews(today=today) == "0 review reminders"  # once per window
    assert remind_reviews(today=today - datetime.timedelta(days=5)) == "0 review reminders"  # not yet due
