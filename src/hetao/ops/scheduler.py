"""The park's one scheduler: every periodic job, how often it runs, and the lease that makes it run once.

Each job is a plain function of the app that owns the work. `manage.py run_scheduler` calls `run(job)` every
`job.every`; `run` first takes the job's lease in the database (one conditional UPDATE, atomic on SQLite and
PostgreSQL alike), so when schedulers run on several machines for safety, a job still runs on one of them at
a time and at most once per period. A scheduler that dies mid-job frees the lease when `lease` has passed.
"""

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import close_old_connections
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import JobRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    func: str  # dotted path of a function that takes no arguments and returns something printable
    every: timedelta
    lease: timedelta = timedelta(minutes=15)  # longest the job may take before another scheduler may retry it


JOBS = (
    # Scheduler and worker heartbeats for /readyz (the worker's is a task this job enqueues).
    Job("heartbeat", "hetao.ops.tasks.heartbeat", timedelta(seconds=30), lease=timedelta(seconds=60)),
    # Applications past their step's time limit go to the department heads (once per step).
    Job("escalate_overdue", "hetao.onestop.services.escalate_overdue", timedelta(minutes=30)),
    # Park-code signing keys: a new key, published a day before it signs, when the newest is old.
    Job("rotate_pass_keys", "hetao.passes.tasks.rotate_signing_keys", timedelta(hours=1)),
    # OpenID Connect signing keys: a new key when the active one is older than its lifetime.
    Job("rotate_oidc_keys", "hetao.ops.tasks.rotate_oidc_keys", timedelta(hours=6)),
    # Housekeeping: finished task results and expired sessions.
    Job("prune_task_results", "hetao.ops.tasks.prune_task_results", timedelta(days=1)),
    Job("clear_sessions", "hetao.ops.tasks.clear_expired_sessions", timedelta(days=1)),
    # A backup of the database, private files and keys (when HETAO_BACKUP_DIR is set).
    Job("backup", "hetao.ops.tasks.backup_if_configured", timedelta(days=1), lease=timedelta(hours=3)),
    # Challenges closing within 48 hours: leads of draft bids and unanswered invitees are reminded (once).
    Job("remind_bid_deadlines", "hetao.challenges.tasks.remind_bid_deadlines", timedelta(hours=1)),
    # Experts whose review of a challenge ends within 3 days and who have not declared or submitted.
    Job("remind_reviews", "hetao.challenges.tasks.remind_reviews", timedelta(hours=1)),
)

# A job whose last run started less than this share of its period ago is not due (another scheduler ran it).
DUE_AFTER = 0.8


def holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def acquire(job: Job, *, by: str, now: datetime | None = None) -> bool:
    """Take the job's lease if it is free and the job is due; True when this caller may run it now."""
    now = now or timezone.now()
    JobRun.objects.get_or_create(name=job.name)
    free = Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    due = Q(last_started_at__isnull=True) | Q(last_started_at__lte=now - job.every * DUE_AFTER)
    return JobRun.objects.filter(free & due, name=job.name).update(
        locked_until=now + job.lease, locked_by=by, last_started_at=now) == 1


def release(job: Job, *, by: str, ok: bool, result: str) -> None:
    JobRun.objects.filter(name=job.name, locked_by=by).update(
        locked_until=None, last_finished_at=timezone.now(), last_ok=ok, last_result=result[:500])


def run(job: Job, *, by: str | None = None) -> tuple[bool, str] | None:
    """Run the job if this scheduler gets its lease: (ok, result), or None when it was not this one's turn."""
    by = by or holder()
    close_old_connections()
    try:
        if not acquire(job, by=by):
            return None
        try:
            ok, result = True, str(import_string(job.func)())
        except Exception as exc:  # one failing job must not stop the scheduler; the row and the log say why
            logger.exception("scheduled job %s failed", job.name)
            ok, result = False, f"{type(exc).__name__}: {exc}"
        release(job, by=by, ok=ok, result=result)
        if job.name != "heartbeat" or not ok:
            logger.info("job %s: %s", job.name, result)
        return ok, result
    finally:
        close_old_connections()
