"""`make bench`: the park's pages timed beside a trivial view, on SQLite and PostgreSQL, at scale 1 and --scale.

For each database and scale: seed the demo park once (kept for later runs: var/bench-scale-N.sqlite3, and the
PostgreSQL databases <name>_s1 and <name>_s<N>), compare the query counts with the pinned ones, start one fresh
server process and time every page in rounds — one request to each page per round, in a shuffled order, so that
load from elsewhere on the machine weighs on every page alike. Then requests per second at concurrency 16 through
gunicorn with several workers. Each page is printed beside the trivial view (/healthz) of the same server and run,
and the targets of issue 10 are marked met or NOT met. They are a report: the exit status is non-zero only when a
query count drifts from the pinned ones or a request fails (not 200, or a refused scan).

PostgreSQL: BENCH_DATABASE_URL names the server and the stem of the database names (…/hetao_bench →
hetao_bench_s1, hetao_bench_s10, created when missing); without it, postgres://postgres@127.0.0.1:5432/hetao_bench
when a server answers there. The servers run the production settings with bench-only secrets, Redis as the cache
(BENCH_CACHE_URL, default redis://127.0.0.1:6379/13, one key prefix per database and scale, emptied before each
server starts) and HETAO_DB_CONN_MAX_AGE=60 as docs/deploy.md advises; without Redis, the development settings
with DEBUG off (the header says which). The servers' output: var/bench/<database>-s<scale>-*.log. Each PostgreSQL
database is vacuumed and analysed before it is timed, as autovacuum keeps a production one (bench.run.postgres_vacuum).

--pages picks some rows of the table (e.g. --pages people,organisation); the trivial view is always measured.
"""

import argparse
import base64
import hashlib
import json
import os
import random
import socket
import subprocess
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from bench.load import Call, load, timed  # noqa: E402

SCAN_PATH = "/api/v1/passes/scan"  # POSTed a fresh park code by a bench gate; any other page is a GET


@dataclass(frozen=True)
class Page:
    label: str
    path: str
    target: float | None = 3.0
    throughput: bool = False


# The rows of the table: a later part adds its page here. `target`: the page's p95 at the big scale as a multiple
# of the trivial view's (None: no target); `throughput`: also measured at concurrency 16.
PAGES = [
    Page("trivial view /healthz", "/healthz", None, throughput=True),
    Page("home (dashboard)", "/en/", 2.0, throughput=True),
    Page("search 港科大", "/en/search/?q=%E6%B8%AF%E7%A7%91%E5%A4%A7", throughput=True),
    Page("organisation detail", "/en/organisations/hkust-sz-hk-institute/"),
    Page("people directory", "/en/people/?region=hong_kong"),
    Page("API list organisations", "/api/v1/organisations?page=3"),
    Page("API list people ?q=chan", "/api/v1/people?q=chan"),
    Page("checkpoint API (scan)", SCAN_PATH, throughput=True),
]
TRIVIAL = PAGES[0]
SCALE_TARGET = 1.2  # each page's p95 at the big scale within this multiple of its p95 at scale 1
VERIFIER_TARGET = 0.7  # offline verifications per second ≥ this share of raw Ed25519 verifications, one core
CONCURRENCY = 16
THROUGHPUT_WORKERS = 4
CLIENT_PROCESSES = 2
SECRET = "hetao-bench-only-not-a-secret"  # loopback only; the same when seeding and serving (keyed hashes)
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/hetao_bench"
CACHE_DEFAULT = "redis://127.0.0.1:6379/13"
GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
LOG_DIR = ROOT / "var" / "bench"


@dataclass(frozen=True)
class Database:
    name: str  # as printed: SQLite, PostgreSQL
    stem: str  # a path stem (SQLite) or a postgres:// URL whose database name is the stem

    def url(self, scale: int) -> str:
        if self.name == "SQLite":
            return f"sqlite:///{self.stem}-{scale}.sqlite3"
        parts = urlsplit(self.stem)
        return urlunsplit(parts._replace(path=f"{parts.path}_s{scale}"))

    def where(self, scale: int) -> str:
        """Where the database is, without a password."""
        if self.name == "SQLite":
            return self.url(scale).removeprefix("sqlite:///")
        parts = urlsplit(self.url(scale))
        return f"{parts.hostname}:{parts.port or 5432}{parts.path}"


def postgres_connect(url: str, dbname: str):
    import psycopg

    parts = urlsplit(url)
    kwargs = {"dbname": dbname, "host": parts.hostname or "", "port": parts.port or 5432, "user": parts.username or "",
              "password": parts.password or ""}
    return psycopg.connect(**{k: v for k, v in kwargs.items() if v}, autocommit=True, connect_timeout=3)


def postgres_ensure(url: str) -> None:
    """Create the database of `url` when it does not exist."""
    name = urlsplit(url).path.lstrip("/")
    with postgres_connect(url, "postgres") as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created PostgreSQL database {name}", flush=True)


def postgres_vacuum(url: str) -> float:
    """VACUUM (ANALYZE) the database: the state autovacuum keeps a production database in (statistics for the
    planner, a visibility map for index-only scans) but that a bulk-loaded one lacks while autovacuum has not run
    (it may be off on a development or CI server). Seconds taken."""
    started = time.monotonic()
    with postgres_connect(url, urlsplit(url).path.lstrip("/")) as conn:
        conn.execute("VACUUM (ANALYZE)")
    return time.monotonic() - started


def databases(wanted: str | None) -> list[Database]:
    chosen = ["sqlite", "postgres"] if wanted is None else [w.strip() for w in wanted.split(",") if w.strip()]
    unknown = set(chosen) - {"sqlite", "postgres"}
    if unknown:
        sys.exit(f"--databases: unknown {', '.join(sorted(unknown))} (sqlite, postgres)")
    found = []
    if "sqlite" in chosen:
        found.append(Database("SQLite", str(ROOT / "var" / "bench-scale")))
    if "postgres" in chosen:
        stem = os.environ.get("BENCH_DATABASE_URL", PG_DEFAULT).rstrip("/")
        try:
            postgres_connect(stem, "postgres").close()
            found.append(Database("PostgreSQL", stem))
        except Exception as exc:
            if wanted is not None or "BENCH_DATABASE_URL" in os.environ:
                sys.exit(f"PostgreSQL at {stem} does not answer: {exc}")
            print(f"PostgreSQL: none answers at {PG_DEFAULT} — SQLite only (set BENCH_DATABASE_URL)", flush=True)
    return found


def redis_url() -> str | None:
    """The bench's Redis, or None when it does not answer."""
    url = os.environ.get("BENCH_CACHE_URL", CACHE_DEFAULT)
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        return url
    except Exception:
        return None


def forget_cache(url: str | None, prefix: str) -> None:
    if url:
        import redis

        client = redis.Redis.from_url(url)
        for key in client.scan_iter(f"{prefix}:*", count=1000):
            client.delete(key)


def seeding_env(url: str) -> dict[str, str]:
    """Seeding and the in-process checks: the development settings, DEBUG off."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
            "DJANGO_SETTINGS_MODULE": "hetao.settings.dev", "HETAO_DEBUG": "false", "DATABASE_URL": url,
            "HETAO_SECRET_KEY": SECRET}


def server_env(url: str, cache: str | None, prefix: str) -> dict[str, str]:
    """The servers: production settings with bench-only secrets when Redis answers, else development, DEBUG off."""
    env = {**seeding_env(url), "HETAO_DB_CONN_MAX_AGE": os.environ.get("HETAO_DB_CONN_MAX_AGE", "60")}
    if cache is None:
        return env
    field_key = base64.urlsafe_b64encode(hashlib.sha256(b"hetao-field-key:" + SECRET.encode()).digest()).decode()
    return {**env, "DJANGO_SETTINGS_MODULE": "hetao.settings.prod", "HETAO_FIELD_ENCRYPTION_KEYS": field_key,
            "HETAO_CACHE_URL": f"{cache}?key_prefix={prefix}", "HETAO_ALLOWED_HOSTS": "127.0.0.1",
            "HETAO_PUBLIC_BASE_URL": "https://127.0.0.1", "HETAO_SECURE_SSL_REDIRECT": "false",
            "HETAO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}


class DjangoSide:
    """bench/django_side.py in a child process with one database's environment."""

    def __init__(self, env: dict[str, str]):
        self.process = subprocess.Popen([sys.executable, "-m", "bench.django_side"], cwd=ROOT, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(self, cmd: str, **args):
        self.process.stdin.write(json.dumps({"cmd": cmd, **args}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the Django side stopped during {cmd!r} (its output is above)")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"{cmd}: {answer['error']}")
        return answer["ok"]

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn (sync workers) on a free loopback port; with deploy/gunicorn.conf.py when it exists."""

    def __init__(self, env: dict[str, str], workers: int, log_name: str):
        self.port = free_port()
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log = LOG_DIR / f"{log_name}.log"
        config = ["--config", str(GUNICORN_CONFIG)] if GUNICORN_CONFIG.exists() else []
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", *config, "--workers", str(workers), "--bind",
                 f"127.0.0.1:{self.port}", "hetao.wsgi:application"], cwd=ROOT, env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped at start:\n{self.tail()}")
            if timed(self.port, Call(TRIVIAL.path))[1] == "":
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server did not answer {TRIVIAL.path} within 120 s:\n{self.tail()}")

    def tail(self, lines: int = 20) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


STARTED = time.monotonic()


def say(text: str) -> None:
    """A progress line, with the seconds since the start."""
    print(f"[{time.monotonic() - STARTED:4.0f} s] {text}", flush=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def latency(server: Server, side: DjangoSide, gate: tuple[str, str], rounds: int) -> dict[str, dict]:
    """Per page: p50 and p95 in ms over `rounds` rounds after one warm-up round, and the first problem seen."""
    calls = {page.label: Call(page.path, *gate) if page.path == SCAN_PATH else Call(page.path) for page in PAGES}
    times = {page.label: [] for page in PAGES}
    problems = {page.label: "" for page in PAGES}
    order = list(PAGES)
    shuffle = random.Random(10)
    for round_ in range(rounds + 1):
        code = side.ask("codes", n=1)[0]  # a fresh code each round: codes live 60 seconds and are used once
        shuffle.shuffle(order)
        for page in order:
            if problems[page.label]:
                continue  # a page that fails is reported, not timed further
            ms, problem = timed(server.port, calls[page.label], code)
            if problem:
                problems[page.label] = problem
            elif round_:
                times[page.label].append(ms)
    return {label: {"p50": percentile(t, 50) if t else None, "p95": percentile(t, 95) if t else None,
                    "problem": problems[label]} for label, t in times.items()}


def throughput(server: Server, side: DjangoSide, tokens: dict[str, str], seconds: float) -> dict[str, dict]:
    results = {}
    for page in (p for p in PAGES if p.throughput):
        if page.path == SCAN_PATH:
            gates = [(f"bench-gate-{i}", tokens[f"bench-gate-{i}"]) for i in range(CONCURRENCY)]
            # Enough codes for well over the rate this machine can scan; each client uses its own gate.
            per_client = max(20, int(15 * seconds))
            warm = side.ask("codes", n=CONCURRENCY * 4)
            load(server.port, [(Call(SCAN_PATH, *g), warm[i::CONCURRENCY]) for i, g in enumerate(gates)],
                 min(1.0, seconds), CLIENT_PROCESSES)
            codes = side.ask("codes", n=CONCURRENCY * per_client)
            jobs = [(Call(SCAN_PATH, *g), codes[i::CONCURRENCY]) for i, g in enumerate(gates)]
        else:
            jobs = [(Call(page.path), [])] * CONCURRENCY
            load(server.port, jobs, min(1.0, seconds), CLIENT_PROCESSES)  # warm every worker
        results[page.label] = load(server.port, jobs, seconds, CLIENT_PROCESSES)
        say(f"  {page.label}: {results[page.label]['rps']:,.0f} requests/s")
    return results


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table, padded for the terminal (wide characters count twice)."""
    widths = [max(width(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        return "| " + " | ".join(c + " " * (w - width(c)) for c, w in zip(cells, widths, strict=True)) + " |"

    return "\n".join([line(header), "| " + " | ".join("-" * w for w in widths) + " |", *map(line, rows)])


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def times(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}" if value >= 1 else f"{value:.2f}"


class Targets:
    def __init__(self):
        self.met = self.total = 0

    def mark(self, value: float, target: float, at_least: bool = False) -> str:
        ok = value >= target if at_least else value <= target
        self.met += ok
        self.total += 1
        return f"{'≥' if at_least else '≤'}{target:g} {'met' if ok else 'NOT met'}"


def latency_table(results: dict, scales: list[int], targets: Targets) -> str:
    small, big = scales[0], scales[-1]
    header = ["database", "page"]
    for scale in scales:
        header += [f"p50 ms s{scale}", f"p95 ms s{scale}", f"p95 ×trivial s{scale}"]
    if big != small:
        header += [f"p95 s{big}/s{small}"]
    rows = []
    for db_name, by_scale in results.items():
        for page in PAGES:
            row = [db_name, page.label]
            for scale in scales:
                measured = by_scale.get(scale)
                if measured is None:
                    row += ["—", "—", "—"]
                    continue
                m, trivial = measured[page.label], measured[TRIVIAL.label]
                if m["problem"]:
                    row += [m["problem"], "—", "—"]
                    continue
                ratio = m["p95"] / trivial["p95"] if trivial["p95"] else None
                cell = "—" if ratio is None else times(ratio)
                if ratio is not None and scale == big and page.target is not None:
                    cell += " " + targets.mark(ratio, page.target)
                row += [ms(m["p50"]), ms(m["p95"]), cell]
            if big != small:
                a, b = by_scale.get(small, {}).get(page.label), by_scale.get(big, {}).get(page.label)
                if a and b and a["p95"] and b["p95"]:
                    growth = b["p95"] / a["p95"]
                    row.append(f"{growth:.2f}" + ("" if page is TRIVIAL else " " + targets.mark(growth, SCALE_TARGET)))
                else:
                    row.append("—")
            rows.append(row)
    return table(header, rows)


def throughput_table(results: dict) -> str:
    rows = []
    for db_name, by_page in results.items():
        trivial = by_page.get(TRIVIAL.label, {}).get("rps")
        for label, r in by_page.items():
            note = f"{r['failed']} failed: {r['problem']}" if r["failed"] else ""
            if r["codes_ran_out"]:
                note = (note + "; " if note else "") + f"codes ran out after {r['seconds']:.1f} s"
            rows.append([db_name, label, f"{r['rps']:,.0f}", times(r["rps"] / trivial) if trivial else "—", note])
    return table(["database", "endpoint", "requests/s", "×trivial", "note"], rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=10, help="the big scale (beside scale 1); default 10")
    parser.add_argument("--requests", type=int, help="timed requests per page per database and scale (100)")
    parser.add_argument("--databases", help="sqlite,postgres (default: SQLite, and PostgreSQL when one answers)")
    parser.add_argument("--no-throughput", action="store_true", help="skip requests per second at concurrency 16")
    parser.add_argument("--seconds", type=float, help="seconds of load per endpoint for throughput (5)")
    parser.add_argument("--quick", action="store_true", help="few requests and short loads: a smoke test")
    parser.add_argument("--no-review", action="store_true", help="skip the review-assignment engine's cases "
                        "(bench/review_bench.py: 2,000 x 2,000 dense and 20,000 x 20,000, about two minutes)")
    parser.add_argument("--pages", help="only the pages whose label contains one of these comma-separated words "
                        "(case-insensitive), beside the trivial view; e.g. --pages people,organisation")
    args = parser.parse_args()
    if args.pages:
        words = [w.strip().lower() for w in args.pages.split(",") if w.strip()]
        chosen = [p for p in PAGES[1:] if any(w in p.label.lower() for w in words)]
        if not chosen:
            parser.error(f"--pages: no page label contains {', '.join(words)}")
        PAGES[1:] = chosen  # the rows of this run; the trivial view stays first
    rounds = args.requests if args.requests is not None else 20 if args.quick else 100
    seconds = args.seconds if args.seconds is not None else 1.0 if args.quick else 5.0
    if rounds < 1 or seconds <= 0 or args.scale < 1:
        parser.error("--requests, --seconds and --scale must be positive")
    scales = sorted({1, args.scale})
    dbs = databases(args.databases)
    cache = redis_url()
    serving = ("production settings (hetao.settings.prod, DEBUG off, bench-only secrets, Redis cache)" if cache
               else "development settings with DEBUG off (Redis does not answer at "
                    f"{os.environ.get('BENCH_CACHE_URL', CACHE_DEFAULT)}; production settings need it)")
    conn_age = os.environ.get("HETAO_DB_CONN_MAX_AGE", "60")
    config = f", {GUNICORN_CONFIG.relative_to(ROOT)}" if GUNICORN_CONFIG.exists() else ""
    load1 = os.getloadavg()[0]
    print(f"Hetao bench: {', '.join(d.name for d in dbs)} at scales {' and '.join(map(str, scales))}; "
          f"{os.cpu_count()} cores, load average {load1:.1f} at the start (other work on this machine makes "
          "absolute figures noisy; the ratios, measured in the same rounds, less so)", flush=True)

    latencies: dict[str, dict[int, dict]] = {}
    rates: dict[str, dict] = {}
    drift, failures, verifier = [], [], None
    for db in dbs:
        latencies[db.name] = {}
        for scale in scales:
            url = db.url(scale)
            say(f"{db.name} at scale {scale} ({db.where(scale)})")
            if db.name == "PostgreSQL":
                try:
                    postgres_ensure(url)
                except Exception as exc:
                    say(f"  FAILED: {exc}")
                    failures.append(f"{db.name} s{scale}: {exc}")
                    continue
            side = DjangoSide(seeding_env(url))
            try:
                seeded = side.ask("seed", scale=scale)
                say(f"  {'seeded' if seeded['seeded'] else 'demo park already loaded'} ({seeded['seconds']:.1f} s)")
                if db.name == "PostgreSQL":
                    say(f"  VACUUM (ANALYZE): {postgres_vacuum(url):.1f} s")
                prep = side.ask("prepare", gates=CONCURRENCY)
                say(f"  rows: {prep['people']:,} people, {prep['organisations']:,} organisations, "
                    f"{prep['projects']:,} projects")
                say("  query counts: " + ("equal to the pinned ones" if not prep["drift"] else "DRIFT"))
                for line in prep["drift"]:
                    print("    " + line)
                drift += [f"{db.name} s{scale} {line}" for line in prep["drift"]]
                if verifier is None:
                    verifier = side.ask("offline", seconds=0.5 if args.quick else 2.0)
                    say(f"  offline verifier measured: {verifier[0]:,.0f}/s")
                prefix = f"hetao-bench-{db.name.lower()}-s{scale}"
                env = server_env(url, cache, prefix)
                forget_cache(cache, prefix)
                server = Server(env, 1, f"{db.name.lower()}-s{scale}-latency")
                try:
                    say(f"  server up; timing {rounds} rounds of {len(PAGES)} pages")
                    measured = latency(server, side, ("bench-gate", prep["gates"]["bench-gate"]), rounds)
                finally:
                    server.stop()
                latencies[db.name][scale] = measured
                failures += [f"{db.name} s{scale} {label}: {m['problem']}" for label, m in measured.items()
                             if m["problem"]]
                if not args.no_throughput and scale == scales[-1]:
                    forget_cache(cache, prefix)
                    server = Server(env, THROUGHPUT_WORKERS, f"{db.name.lower()}-s{scale}-throughput")
                    try:
                        say(f"  server up; throughput, concurrency {CONCURRENCY}, {seconds:g} s per endpoint")
                        rates[db.name] = throughput(server, side, prep["gates"], seconds)
                    finally:
                        server.stop()
                    failures += [f"{db.name} throughput {label}: {r['failed']} failed, {r['problem']}"
                                 for label, r in rates[db.name].items() if r["failed"]]
            except RuntimeError as exc:
                say(f"  FAILED: {exc}")
                failures.append(f"{db.name} s{scale}: {exc}")
            finally:
                side.close()

    targets = Targets()
    print(f"\n## Latency: {rounds} rounds, one request to each page per round (shuffled, one warm-up round), new "
          f"connection each; one server process per database and scale: gunicorn -w 1 (sync{config}), {serving}, "
          f"HETAO_DB_CONN_MAX_AGE={conn_age}; {os.cpu_count()} cores\n")
    print(latency_table(latencies, scales, targets))
    if rates:
        print(f"\n## Throughput at scale {scales[-1]}: concurrency {CONCURRENCY} ({CLIENT_PROCESSES} client processes "
              f"of Python threads, http.client, loopback; the client shares the cores with the server), {seconds:g} s "
              f"per endpoint after a warm-up, gunicorn -w {THROUGHPUT_WORKERS} (sync{config}), the same settings; "
              f"each scanning client has its own gate\n")
        print(throughput_table(rates))
    if verifier:
        verify_rate, raw_rate = verifier
        print(f"\n## Park codes, one core (CPU time): offline verifier {verify_rate:,.0f}/s; raw Ed25519 verify "
              f"(cryptography) {raw_rate:,.0f}/s; ratio {verify_rate / raw_rate:.2f} "
              f"{targets.mark(verify_rate / raw_rate, VERIFIER_TARGET, at_least=True)}")
    if not args.no_review and not args.pages:
        from bench.review_bench import review_rows, review_table

        say("review assignment engine: generating and solving the bench cases")
        rows = review_rows(("check",) if args.quick else ("a", "b", "check"))
        print("\n## Review assignment (hetao.review, K = 3, max load 4, 2% of pairs in conflict; "
              "docs/review-assignment.md)\n")
        print(review_table(rows))
        for row in rows:
            if "met" in row:
                targets.total += 1
                targets.met += bool(row["met"])
    print(f"\ntargets met: {targets.met} of {targets.total} (a report: they do not change the exit status); "
          f"{time.monotonic() - STARTED:.0f} s; load average {os.getloadavg()[0]:.1f} at the end")
    for line in drift:
        print(f"QUERY COUNT DRIFT: {line}")
    for line in failures:
        print(f"FAILED: {line}")
    return 1 if drift or failures else 0


if __name__ == "__main__":
    sys.exit(main())
