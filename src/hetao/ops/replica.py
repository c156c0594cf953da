"""Report reads on a read replica (optional: DATABASE_REPLICA_URL). Only reads inside `with reports():` go
there; everything else, and every write, uses the primary. Lagging by a few seconds is fine for reports and
figures, never for a page that shows what the user just changed — so nothing is sent there by default."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db.models import Model

REPLICA = "replica"
_reporting: ContextVar[bool] = ContextVar("hetao_reporting", default=False)


@contextmanager
def reports() -> Iterator[None]:
    """Mark the reads inside as report reads (evaluate querysets inside the block)."""
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


class ReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        return REPLICA if _reporting.get() and REPLICA in settings.DATABASES else "default"

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return "default"  # even for an object that was read from the replica

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # the replica is a copy of the same database

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db != REPLICA
