"""The park's scheduler process (started by `make serve`, or the hetao-scheduler systemd unit)."""

import logging
import signal
from argparse import ArgumentParser
from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from hetao.ops import scheduler
from hetao.ops.models import Heartbeat, JobRun


class Command(BaseCommand):
    help = "Run the scheduled jobs of hetao.ops.scheduler.JOBS (--once: each due job once; --status: show them)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run every due job once, then exit.")
        parser.add_argument("--status", action="store_true", help="Show each job's last run and the heartbeats.")

    def handle(self, *args: Any, once: bool, status: bool, **options: Any) -> None:
        if status:
            return self.show_status()
        if once:
            for job in scheduler.JOBS:
                outcome = scheduler.run(job)
                self.stdout.write(f"{job.name}: " + ("not due or running elsewhere" if outcome is None
                                                     else ("ok: " if outcome[0] else "FAILED: ") + outcome[1]))
            return None
        from apscheduler.schedulers.blocking import BlockingScheduler

        logging.getLogger("apscheduler").setLevel(logging.WARNING)  # each job logs its own outcome (scheduler.run)

        runner = BlockingScheduler(timezone=UTC, job_defaults={"coalesce": True, "max_instances": 1,
                                                               "misfire_grace_time": 60})
        for job in scheduler.JOBS:
            runner.add_job(scheduler.run, "interval", seconds=job.every.total_seconds(), args=[job], id=job.name,
                           next_run_time=datetime.now(UTC))
        signal.signal(signal.SIGTERM, lambda *_: runner.shutdown(wait=False))
        self.stdout.write(f"Scheduler {scheduler.holder()}: " + ", ".join(
            f"{job.name} every {int(job.every.total_seconds())} s" for job in scheduler.JOBS), ending="\n")
        self.stdout.flush()
        try:
            runner.start()
        except KeyboardInterrupt:
            runner.shutdown(wait=False)
        return None

    def show_status(self) -> None:
        now = timezone.now()
        runs = {run.name: run for run in JobRun.objects.all()}
        for job in scheduler.JOBS:
            run = runs.get(job.name)
            if run is None or run.last_started_at is None:
                self.stdout.write(f"{job.name:20} never run")
                continue
            state = "running" if run.locked_until and run.locked_until > now else (
                "ok" if run.last_ok else "FAILED")
            ago = int((now - run.last_started_at).total_seconds())
            self.stdout.write(f"{job.name:20} {state:8} {ago} s ago by {run.locked_by}: {run.last_result}")
        for beat in Heartbeat.objects.order_by("name"):
            self.stdout.write(f"heartbeat {beat.name:10} {int((now - beat.beat_at).total_seconds())} s ago "
                              f"({beat.detail})")
