"""Readiness: can this app server serve the park? The database answers, the shared cache keeps what it is
given, and the background processes (scheduler and task worker) have beaten recently."""

import logging
import uuid
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)

HEARTBEATS = ("scheduler", "worker")


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        ok = cursor.fetchone()[0] == 1
    return {"ok": ok}


def check_cache() -> dict:
    key, value = f"hetao:readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    ok = cache.get(key) == value
    cache.delete(key)
    return {"ok": ok, "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def check_heartbeat(name: str) -> dict:
    from .models import Heartbeat

    limit = settings.HETAO_HEARTBEAT_MAX_AGE
    beat = Heartbeat.objects.filter(name=name).first()
    age = (timezone.now() - beat.beat_at).total_seconds() if beat else None
    result = {"ok": age is not None and age <= limit, "age_seconds": None if age is None else round(age, 1),
              "limit_seconds": limit}
    if name == "worker":
        result["queued"] = queued_tasks()
    return result


def queued_tasks() -> int | None:
    """Tasks waiting for the worker (database backend only): a growing number means the worker lags."""
    if not settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db."):
        return None
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().count()


def readiness() -> dict:
    """Every check, each {"ok": bool, ...}; an exception fails that check (its class is shown, the rest logged)."""
    checks: dict[str, Callable[[], dict]] = {"database": check_database, "cache": check_cache,
                                             **{name: partial(check_heartbeat, name) for name in HEARTBEATS}}
    results = {}
    for name, check in checks.items():
        try:
            results[name] = check()
        except Exception as exc:  # a readiness probe reports failures, it never raises them
            logger.warning("readiness check %s failed", name, exc_info=True)
            results[name] = {"ok": False, "error": type(exc).__name__}
    return results
