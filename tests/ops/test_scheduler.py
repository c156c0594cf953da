"""The one scheduler: job leases (one run at a time, once per period, across machines), failures recorded, every
job runnable, and the key-rotation jobs of park codes and OpenID Connect."""

import datetime
import io
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from hetao.accounts import oidc_keys
from hetao.audit.models import AuditEvent
from hetao.ops import scheduler, tasks
from hetao.ops.models import Heartbeat, JobRun
from hetao.passes import keys
from hetao.passes import services as pass_services
from hetao.passes.tasks import rotate_signing_keys

pytestmark = pytest.mark.django_db

CALLS = []


def counted() -> str:
    CALLS.append(1)
    return "counted"


def broken() -> str:
    raise RuntimeError("boom")


JOB = scheduler.Job("test-job", "tests.ops.test_scheduler.counted", every=timedelta(minutes=10),
                    lease=timedelta(minutes=15))


@pytest.fixture(autouse=True)
def key_dirs(settings, tmp_path, monkeypatch):
    # Between jobs the scheduler drops stale connections; here the test's transaction must survive that.
    monkeypatch.setattr(scheduler, "close_old_connections", lambda: None)
    settings.HETAO_OIDC_KEY_DIR = tmp_path / "keys"
    settings.HETAO_PASS_KEY_DIR = tmp_path / "keys" / "passes"
    pass_services._key_cache.clear()
    CALLS.clear()


def test_a_lease_lets_one_scheduler_run_a_job_once_per_period():
    start = timezone.now()
    assert scheduler.acquire(JOB, by="host-a:1", now=start)
    assert not scheduler.acquire(JOB, by="host-b:2", now=start)  # running on A
    scheduler.release(JOB, by="host-a:1", ok=True, result="done")
    assert not scheduler.acquire(JOB, by="host-b:2", now=start + timedelta(minutes=1))  # A ran it just now
    assert scheduler.acquire(JOB, by="host-b:2", now=start + timedelta(minutes=9))  # due again
    run = JobRun.objects.get(name=JOB.name)
    assert run.locked_by == "host-b:2" and run.last_result == "done" and run.last_ok is True


def test_a_lease_of_a_scheduler_that_died_expires():
    start = timezone.now()
    assert scheduler.acquire(JOB, by="host-a:1", now=start)  # and never released
    assert not scheduler.acquire(JOB, by="host-b:2", now=start + timedelta(minutes=14))
    assert scheduler.acquire(JOB, by="host-b:2", now=start + timedelta(minutes=16))


def test_run_records_a_failure_and_frees_the_lease():
    job = scheduler.Job("failing", "tests.ops.test_scheduler.broken", every=timedelta(minutes=10))
    assert scheduler.run(job, by="host-a:1") == (False, "RuntimeError: boom")
    run = JobRun.objects.get(name="failing")
    assert run.last_ok is False and run.locked_until is None and run.last_finished_at
    assert scheduler.run(JOB, by="host-a:1") == (True, "counted")
    assert scheduler.run(JOB, by="host-b:2") is None and CALLS == [1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a race between connections needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_schedulers_racing_for_a_job_run_it_once():
    JobRun.objects.create(name=JOB.name)
    barrier, won = threading.Barrier(6), []

    def contend(index):
        try:
            barrier.wait()
            if scheduler.acquire(JOB, by=f"host-{index}:1"):
                won.append(index)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=contend, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1


def test_run_scheduler_once_runs_every_job_then_none_is_due():
    out = io.StringIO()
    call_command("run_scheduler", once=True, stdout=out)
    assert set(JobRun.objects.filter(last_ok=True).values_list("name", flat=True)) == {j.name for j in scheduler.JOBS}
    assert set(Heartbeat.objects.values_list("name", flat=True)) == {"scheduler", "worker"}
    again = io.StringIO()
    call_command("run_scheduler", once=True, stdout=again)
    assert again.getvalue().count("not due or running elsewhere") == len(scheduler.JOBS)
    status = io.StringIO()
    call_command("run_scheduler", status=True, stdout=status)
    assert all(f"{job.name}" in status.getvalue() for job in scheduler.JOBS) and "FAILED" not in status.getvalue()


def _pass_key_files(settings) -> list[str]:
    return sorted(p.name for p in settings.HETAO_PASS_KEY_DIR.glob("pass-*.pem"))


def test_pass_keys_rotate_a_day_ahead_and_old_ones_go(settings):
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    directory = settings.HETAO_PASS_KEY_DIR
    assert rotate_signing_keys(now=now).startswith("created")  # no key at all: one starts at once
    assert keys.active(keys.load(directory, 60), int(now.timestamp())) is not None
    for path in directory.glob("pass-*.pem"):
        path.unlink()
    keys.create(directory, now - timedelta(days=settings.HETAO_PASS_KEY_LIFETIME_DAYS + 1))  # expired
    old = keys.create(directory, now - timedelta(days=settings.HETAO_PASS_KEY_ROTATE_DAYS + 1))
    assert rotate_signing_keys(now=now).startswith("created")
    files = _pass_key_files(settings)
    assert files[0] == old.name and len(files) == 2  # the expired key was deleted
    loaded = keys.load(directory, settings.HETAO_PASS_KEY_LIFETIME_DAYS)
    assert loaded[-1].not_before == int((now + timedelta(days=1)).timestamp())  # signs from tomorrow ...
    assert keys.active(loaded, int(now.timestamp())).kid == loaded[0].kid  # ... the old one signs today
    published = {k["kid"] for k in pass_services.trust_list(int(now.timestamp()))["keys"]}
    assert published == {k.kid for k in loaded}  # gates learn the new key before it signs
    assert rotate_signing_keys(now=now) == "keys are current"
    assert AuditEvent.objects.filter(action="passes.key.rotate").count() == 2


def test_oidc_keys_rotate_when_the_active_one_is_old(settings):
    directory = settings.HETAO_OIDC_KEY_DIR
    now = datetime.datetime.now(datetime.UTC)
    directory.mkdir(parents=True)
    for age in (400, 300, 200, settings.HETAO_OIDC_KEY_ROTATE_DAYS + 1):
        (directory / f"oidc-{now - timedelta(days=age):%Y%m%dT%H%M%S%f}.pem").write_text(oidc_keys.generate_pem())
    assert tasks.rotate_oidc_keys(now=now).startswith("created")
    files = oidc_keys.key_files(directory)
    assert len(files) == 3 and tasks._oidc_key_started(files[-1]) >= now - timedelta(seconds=5)  # kept 3
    assert tasks.rotate_oidc_keys(now=now).startswith("active key")
    event = AuditEvent.objects.get(action="ops.oidc_key.rotate")
    assert event.changes["created"] == files[-1].name and len(event.changes["deleted"]) == 2
