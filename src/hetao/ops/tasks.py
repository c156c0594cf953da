"""Jobs of the park's own upkeep, run by the scheduler (hetao.ops.scheduler.JOBS), and the worker's heartbeat."""

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import Heartbeat

logger = logging.getLogger(__name__)


def beat(name: str) -> None:
    from .scheduler import holder

    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": timezone.now(), "detail": holder()})


def heartbeat() -> str:
    """The scheduler beats, and asks the task worker to beat: a stale `worker` beat means a stuck queue."""
    beat("scheduler")
    worker_heartbeat.enqueue()
    return "ok"


@task()
def worker_heartbeat() -> None:
    beat("worker")


def _oidc_key_started(path: Path) -> datetime:
    return datetime.strptime(path.stem[len("oidc-"):], "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)


def rotate_oidc_keys(*, now: datetime | None = None) -> str:
    """Add an OpenID Connect signing key when the active one is older than HETAO_OIDC_KEY_ROTATE_DAYS; keep the
    three newest (older ones stay published until then, so tokens they signed still verify).

    The app servers sign with the newest key after their next (rolling) restart: settings read the keys once."""
    from hetao.accounts import oidc_keys
    from hetao.audit.service import audit_record

    now = now or datetime.now(UTC)
    directory = settings.HETAO_OIDC_KEY_DIR
    files = oidc_keys.key_files(directory)
    if files and now - _oidc_key_started(files[-1]) < timedelta(days=settings.HETAO_OIDC_KEY_ROTATE_DAYS):
        return f"active key {files[-1].name} is current"
    with transaction.atomic():
        path = oidc_keys.rotate(directory)
        deleted = [p.name for p in oidc_keys.prune(directory, keep=3)]
        audit_record(actor=None, system=True, action="ops.oidc_key.rotate", target=None,
                     changes={"created": path.name, "deleted": deleted})
    logger.warning("New OpenID Connect signing key %s: restart the app servers (one at a time) to sign with it.",
                   path.name)
    return f"created {path.name}; deleted {len(deleted)}"


def prune_task_results() -> str:
    """Delete finished background-task results older than a week (the heartbeat alone adds 2,880 a day)."""
    if not settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db."):
        return "not a database task backend"
    call_command("prune_db_task_results", min_age_days=7, verbosity=0)
    return "pruned"


def clear_expired_sessions() -> str:
    call_command("clearsessions")
    return "cleared"


def backup_if_configured(*, now: datetime | None = None) -> str:
    """Daily backup into HETAO_BACKUP_DIR (unset: nothing), keeping the newest HETAO_BACKUP_KEEP archives."""
    from pathlib import Path

    from .backup import backup

    if not settings.HETAO_BACKUP_DIR:
        return "HETAO_BACKUP_DIR is not set"
    directory = Path(settings.HETAO_BACKUP_DIR)
    path, manifest = backup(directory)
    archives = sorted(directory.glob("hetao-backup-*.tar.gz"))
    for old in archives[: max(0, len(archives) - settings.HETAO_BACKUP_KEEP)]:
        old.unlink()
    return f"{path.name}: {len(manifest['database']['tables'])} tables, {len(manifest['files'])} files"
