"""The demo loader puts topics in every state, through the services, and the reset removes them."""

import pytest

from hetao.challenges.demo import clear_demo_challenges, load_demo_challenges
from hetao.challenges.models import Status, Topic, TopicSupport
from tests.conftest import ensure_departments

pytestmark = pytest.mark.django_db


def test_demo_topics_in_every_state_and_the_reset():
    from hetao.accounts.demo import load_demo_accounts

    ensure_departments()
    load_demo_accounts()
    load_demo_challenges()
    assert set(Topic.objects.values_list("status", flat=True)) == set(Status.values)
    merged = Topic.objects.get(status=Status.MERGED)
    assert merged.is_public and merged.merged_into.status == Status.PUBLISHED
    assert TopicSupport.objects.count() == sum(t.support_count for t in Topic.objects.all()) > 0
    clear_demo_challenges()
    assert not Topic.objects.exists()
