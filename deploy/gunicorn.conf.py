"""Gunicorn settings of the park (`make serve`, deploy/systemd/hetao-web.service); the environment may change
each one. Run: gunicorn --config deploy/gunicorn.conf.py"""

import multiprocessing
import os
import sys
from pathlib import Path

pythonpath = str(Path(__file__).resolve().parents[1] / "src")
wsgi_app = "hetao.wsgi:application"
bind = os.environ.get("HETAO_BIND", "127.0.0.1:8000").split(",")
# Synchronous workers: the park's requests are short; more workers, not threads, use more cores.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9)))
threads = int(os.environ.get("HETAO_WEB_THREADS", "1"))
preload_app = True  # load Django once in the master; workers fork from it (fast starts, shared memory)
timeout = int(os.environ.get("HETAO_WEB_TIMEOUT", "60"))
graceful_timeout = 30  # a restart lets requests in flight finish
keepalive = 5
max_requests = 5000  # recycle workers now and then (bounded memory growth) ...
max_requests_jitter = 500  # ... not all at once
accesslog = os.environ.get("HETAO_ACCESS_LOG", "-")
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# Who may tell gunicorn the original scheme (X-Forwarded-Proto): the reverse proxy on this machine.
forwarded_allow_ips = os.environ.get("HETAO_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def post_fork(server, worker):
    """Never share a database connection opened in the master with the forked workers."""
    from django.db import connections

    connections.close_all()


def when_ready(server):
    """Import every view, the cache backend (django-redis takes seconds) and every translation catalogue in the
    master (preload), so that no worker's first request pays for them. Nothing here opens a connection."""
    from django.conf import settings
    from django.core.cache import caches
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().resolve("/healthz")
    caches["default"]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Hetao Virtual Park")


def post_worker_init(worker):
    """Stop at once on SIGTERM when idle: gunicorn's sync worker otherwise sleeps out its select() (timeout/2)
    before it notices, which makes every restart take half a minute."""
    import signal

    def stop(signum, frame):
        worker.alive = False
        os.write(worker.PIPE[1], b"1")

    signal.signal(signal.SIGTERM, stop)


def worker_exit(server, worker):
    """Leave without the interpreter's teardown: freeing the big dictionaries of the Chinese-text libraries
    (OpenCC, pypinyin, Jyutping) costs each exiting worker seconds of CPU, and nothing is left to flush."""
    from django.db import connections

    connections.close_all()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
