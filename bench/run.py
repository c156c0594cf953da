"""`make bench`: seed the demo park at --scale N, serve it over HTTP, and time the main pages.

Each figure is printed beside the same figure for a trivial view (/healthz) served the same way, so the
ratio says what the page costs on this machine. Query counts are measured at this scale and compared
with the ones pinned in tests/registry/test_query_counts.py (measured at scale 1): a difference fails.
"""

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

ENDPOINTS = [
    ("home (dashboard)", "/en/"),
    ("search 港科大", "/en/search/?q=%E6%B8%AF%E7%A7%91%E5%A4%A7"),
    ("organisation detail", "/en/organisations/hkust-sz-hk-institute/"),
    ("people directory", "/en/people/?region=hong_kong"),
    ("API list organisations", "/api/v1/organisations?page=3"),
    ("API list people", "/api/v1/people?q=chan"),
]
BASELINE = ("trivial view", "/healthz")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(url: str, n: int) -> list[float]:
    urllib.request.urlopen(url).read()  # warm up caches and connections
    times = []
    for _ in range(n):
        started = time.perf_counter()
        with urllib.request.urlopen(url) as response:
            response.read()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()

    db = ROOT / "var" / f"bench-scale-{args.scale}.sqlite3"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hetao.settings.dev", "HETAO_DEBUG": "false",
           "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{db}"), "PYTHONPATH": str(ROOT / "src")}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--verbosity", "0"], env=env, check=True)
    subprocess.run([*manage, "pass_keys", "--ensure", "--verbosity", "0"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    started = time.monotonic()
    subprocess.run([*manage, "load_demo_park", "--scale", str(args.scale)], env=env, check=True)
    print(f"seeding (or finding) the demo park at scale {args.scale}: {time.monotonic() - started:.1f} s")

    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from tests.registry.test_query_counts import PINNED

    from hetao.registry.models import Organisation, Person, Project

    print(f"rows: {Person.objects.count():,} people, {Organisation.objects.count():,} organisations, "
          f"{Project.objects.count():,} projects")
    client, drift = Client(HTTP_HOST="127.0.0.1"), []
    for path, pinned in PINNED.items():
        with CaptureQueriesContext(connection) as ctx:
            status = client.get(path).status_code
        if status != 200 or len(ctx.captured_queries) != pinned:
            drift.append(f"{path}: {len(ctx.captured_queries)} queries (pinned {pinned}), status {status}")
    print(f"query counts at scale {args.scale}: " + ("all equal to the pinned ones" if not drift else "DRIFT"))
    for line in drift:
        print("  " + line)

    port = free_port()
    server = subprocess.Popen([*manage, "runserver", "--noreload", "--nothreading", f"127.0.0.1:{port}"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + BASELINE[1]).read()
                break
            except OSError:
                time.sleep(0.1)
        baseline = timed(base + BASELINE[1], args.requests)
        b50, b95 = percentile(baseline, 50), percentile(baseline, 95)
        print(f"\n{args.requests} sequential requests each, one server process (runserver, DEBUG off), "
              f"SQLite, {os.cpu_count()} cores")
        print(f"{'endpoint':<26}{'p50 ms':>9}{'p95 ms':>9}{'p50 ×triv':>11}{'p95 ×triv':>11}")
        print(f"{BASELINE[0]:<26}{b50:>9.1f}{b95:>9.1f}{1:>11.1f}{1:>11.1f}")
        for label, path in ENDPOINTS:
            times = timed(base + path, args.requests)
            p50, p95 = percentile(times, 50), percentile(times, 95)
            print(f"{label:<26}{p50:>9.1f}{p95:>9.1f}{p50 / b50:>11.1f}{p95 / b95:>11.1f}")
        from bench.passes_bench import checkpoint_latency, offline_rates

        c50, c95 = checkpoint_latency(base, args.requests)
        print(f"{'checkpoint API (scan)':<26}{c50:>9.1f}{c95:>9.1f}{c50 / b50:>11.1f}{c95 / b95:>11.1f}")
        verify_rate, raw_rate = offline_rates()
        print(f"\npark codes, one core: offline verifier {verify_rate:,.0f}/s; raw Ed25519 verify "
              f"(cryptography) {raw_rate:,.0f}/s; ratio {verify_rate / raw_rate:.2f}")
    finally:
        server.terminate()
        server.wait()
    return 1 if drift else 0


if __name__ == "__main__":
    sys.exit(main())
