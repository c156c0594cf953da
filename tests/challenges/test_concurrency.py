"""Two requests support the same topic for the same person at once: the database's unique constraint decides."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from hetao.challenges import services
from hetao.challenges.models import Topic, TopicSupport
from tests import factories
from tests.conftest import staff_in

from .conftest import published

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)"),
]


def test_two_simultaneous_supports_by_one_person_one_counts(demo_park):
    proposer, supporter = factories.make_user("proposer"), factories.make_user("supporter")
    topic = published(proposer, staff_in("researcher", "research_management"))
    barrier = threading.Barrier(2)
    outcomes = []

    def support():
        try:
            barrier.wait()
            services.topic_support(actor=supporter, topic=topic)
            outcomes.append("counted")
        except ValidationError as exc:
            outcomes.append("refused" if exc.code == "already_supported" else repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=support) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["counted", "refused"]
    assert TopicSupport.objects.filter(topic=topic).count() == 1
    assert Topic.objects.get(pk=topic.pk).support_count == 1
