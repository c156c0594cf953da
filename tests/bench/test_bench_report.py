"""`make bench` (bench/): the report marks each target met or NOT met from the figures, the load generator counts
what failed, and the PostgreSQL databases are named per scale. The full bench is too slow for the suite (it seeds
the demo park at two scales and starts servers); these check its parts without Django or a database."""

import http.server
import threading

import pytest
from bench.load import Call, load, timed

from bench import run


def figures(p95_by_label: dict[str, float]) -> dict:
    return {label: {"p50": p95 / 2, "p95": p95, "problem": ""} for label, p95 in p95_by_label.items()}


def test_targets_are_marked_from_the_figures_and_counted():
    small = figures({page.label: 10.0 for page in run.PAGES})
    big = figures({page.label: 10.0 for page in run.PAGES})
    big["home (dashboard)"]["p95"] = 25.0  # ×2.5 the trivial view: over its ×2 target; grew ×2.5 from scale 1
    big["search 港科大"]["p95"] = 29.0  # ×2.9: within ×3, but grew ×2.9
    targets = run.Targets()
    text = run.latency_table({"SQLite": {1: small, 10: big}}, [1, 10], targets)
    rows = {line.split("|")[2].strip(): line for line in text.splitlines()[2:]}
    assert "2.5 ≤2 NOT met" in rows["home (dashboard)"] and "2.50 ≤1.2 NOT met" in rows["home (dashboard)"]
    assert "2.9 ≤3 met" in rows["search 港科大"] and "2.90 ≤1.2 NOT met" in rows["search 港科大"]
    assert "1.0 ≤3 met" in rows["people directory"] and "1.00 ≤1.2 met" in rows["people directory"]
    assert "≤" not in rows[run.TRIVIAL.label]  # the baseline has no target of its own
    pages = len(run.PAGES) - 1
    assert (targets.met, targets.total) == (2 * pages - 3, 2 * pages)


def test_a_failing_page_is_shown_not_timed():
    big = figures({page.label: 10.0 for page in run.PAGES})
    big["organisation detail"] = {"p50": None, "p95": None, "problem": "HTTP 500"}
    targets = run.Targets()
    text = run.latency_table({"PostgreSQL": {10: big}}, [10], targets)
    assert "| HTTP 500 " in text
    assert targets.total == len(run.PAGES) - 2


def test_postgres_databases_are_named_per_scale():
    db = run.Database("PostgreSQL", "postgres://postgres:secret@127.0.0.1:5432/hetao_bench")
    assert db.url(10) == "postgres://postgres:secret@127.0.0.1:5432/hetao_bench_s10"
    assert db.where(1) == "127.0.0.1:5432/hetao_bench_s1"  # printed without the password


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/ok" else 500)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def port():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_the_load_counts_answers_and_failures(port):
    ok = load(port, [(Call("/ok"), [])] * 4, seconds=0.3)
    assert ok["rps"] > 0 and ok["failed"] == 0
    bad = load(port, [(Call("/bad"), [])] * 4, seconds=0.3)
    assert bad["rps"] == 0 and bad["failed"] > 0 and bad["problem"] == "HTTP 500"
    assert timed(port, Call("/bad"))[1] == "HTTP 500" and timed(port, Call("/ok"))[1] == ""


def test_a_server_that_is_gone_is_a_problem_not_a_crash():
    assert timed(run.free_port(), Call("/ok"))[1].startswith("ConnectionRefusedError")
