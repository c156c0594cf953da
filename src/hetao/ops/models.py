"""Bookkeeping of the park's own processes: heartbeats (readiness) and one lease per scheduled job."""

from django.db import models


class Heartbeat(models.Model):
    """The last sign of life of a background process: `scheduler` (its heartbeat job) and `worker` (a task
    the scheduler enqueues and the task worker runs). /readyz fails when one is older than the limit."""

    name = models.CharField(max_length=32, primary_key=True)
    beat_at = models.DateTimeField()
    detail = models.CharField(max_length=200, blank=True)  # host:pid of the process that beat

    def __str__(self) -> str:
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}"


class JobRun(models.Model):
    """One row per scheduled job: a lease (`locked_until`) so that schedulers on several machines never run
    the same job at once nor twice in one period, and the outcome of the last run for monitoring."""

    name = models.CharField(max_length=64, primary_key=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    locked_by = models.CharField(max_length=200, blank=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_ok = models.BooleanField(null=True)
    last_result = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return self.name
