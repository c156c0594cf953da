"""The optional read replica takes only reads marked as report reads; writes and every other read stay primary."""

import pytest
from django.db import router

from hetao.ops.replica import reports
from hetao.registry.models import Organisation


@pytest.fixture
def replica(settings, monkeypatch):
    """A configured replica alias (DATABASE_REPLICA_URL); no query is sent, only routing is asked."""
    monkeypatch.setitem(settings.DATABASES, "replica", {**settings.DATABASES["default"]})


def test_without_a_replica_everything_uses_the_primary():
    with reports():
        assert Organisation.objects.all().db == "default"


def test_only_report_reads_go_to_the_replica(replica):
    assert Organisation.objects.all().db == "default"
    with reports():
        assert Organisation.objects.all().db == "replica"
        read_there = Organisation(slug="x")
        read_there._state.db = "replica"
        assert router.db_for_write(Organisation, instance=read_there) == "default"  # never write to the copy
    assert Organisation.objects.all().db == "default"


def test_migrations_never_run_on_the_replica(replica):
    assert router.allow_migrate("replica", "registry") is False
    assert router.allow_migrate("default", "registry") is True
