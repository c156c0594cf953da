"""/healthz is trivial liveness; /readyz checks the database, the cache and the background processes' heartbeats."""

from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from hetao.ops import tasks
from hetao.ops.models import Heartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture
def beating():
    """The scheduler's heartbeat job: it beats, and the task it enqueues makes the worker beat."""
    tasks.heartbeat()
    assert set(Heartbeat.objects.values_list("name", flat=True)) == {"scheduler", "worker"}


def checks(response) -> dict:
    return {name: check["ok"] for name, check in response.json()["checks"].items()}


def test_healthz_is_trivial(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_ready_when_database_cache_and_heartbeats_are_fine(client, beating):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["ok"] is True
    assert checks(response) == {"database": True, "cache": True, "scheduler": True, "worker": True}
    assert "no-store" in response["Cache-Control"]


def test_not_ready_without_the_database(client, beating, monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refused)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert checks(response)["database"] is False and checks(response)["cache"] is True
    assert response.json()["checks"]["database"]["error"] == "OperationalError"  # the class, never the details


def test_not_ready_without_the_cache(client, beating, settings):
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:9/0",
                                   "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5}}}  # nothing listens on port 9
    response = client.get("/readyz")
    assert response.status_code == 503
    assert checks(response) == {"database": True, "cache": False, "scheduler": True, "worker": True}


@pytest.mark.parametrize("name", ["scheduler", "worker"])
def test_not_ready_when_a_heartbeat_is_stale(client, beating, settings, name):
    Heartbeat.objects.filter(name=name).update(
        beat_at=timezone.now() - timedelta(seconds=settings.HETAO_HEARTBEAT_MAX_AGE + 1))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert [check for check, ok in checks(response).items() if not ok] == [name]
    assert response.json()["checks"][name]["age_seconds"] > settings.HETAO_HEARTBEAT_MAX_AGE


def test_not_ready_before_any_heartbeat(client):
    Heartbeat.objects.all().delete()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert checks(response) == {"database": True, "cache": True, "scheduler": False, "worker": False}
