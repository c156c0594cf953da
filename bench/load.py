"""HTTP clients of `make bench`, loopback only: one timed request, and a bounded load at a fixed concurrency.

The load runs in a few processes of several threads each (http.client, keep-alive when the server offers it), so
that the client's own interpreter lock does not cap what it measures; on a small machine the client still shares
the cores with the server, which the report says.
"""

import http.client
import json
import multiprocessing
import threading
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Call:
    """A request: GET `path`, or POST a park code to the checkpoint API with a gate's token."""

    path: str
    gate: str = ""
    token: str = ""

    def send(self, conn: http.client.HTTPConnection, code: str = "") -> str:
        """Send and read the answer; '' when it is a success, else what went wrong."""
        if self.gate:
            body = json.dumps({"code": code, "access_point": self.gate})
            conn.request("POST", self.path, body=body, headers={
                "Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        else:
            conn.request("GET", self.path)
        response = conn.getresponse()
        data = response.read()
        if response.will_close:
            conn.close()  # http.client opens a new connection for the next request
        if response.status != 200:
            return f"HTTP {response.status}"
        if self.gate and not json.loads(data).get("allowed"):
            return f"scan refused: {json.loads(data).get('reason')}"
        return ""


def timed(port: int, call: Call, code: str = "") -> tuple[float, str]:
    """One request on a new connection: (milliseconds, problem or '')."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    try:
        problem = call.send(conn, code)
    except (OSError, http.client.HTTPException) as exc:
        problem = f"{type(exc).__name__}: {exc}"
    finally:
        conn.close()
    return (time.perf_counter() - started) * 1000, problem


@dataclass
class Tally:
    ok: int = 0
    failed: int = 0
    problem: str = ""
    ended: float = 0.0
    codes_ran_out: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


def _client(port: int, call: Call, codes: list[str], start: float, stop: float, tally: Tally) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    ok = failed = 0
    problem, ran_out = "", False
    remaining = iter(codes)
    time.sleep(max(0.0, start - time.time()))
    while time.time() < stop:
        code = ""
        if call.gate and (code := next(remaining, None)) is None:
            ran_out = True
            break
        try:
            problem_now = call.send(conn, code)
        except (OSError, http.client.HTTPException) as exc:
            problem_now = f"{type(exc).__name__}: {exc}"
            conn.close()
        if problem_now:
            failed, problem = failed + 1, problem_now
        else:
            ok += 1
    conn.close()
    with tally.lock:
        tally.ok += ok
        tally.failed += failed
        tally.problem = tally.problem or problem
        tally.ended = max(tally.ended, time.time())
        tally.codes_ran_out |= ran_out


def _process(port: int, jobs: list[tuple[Call, list[str]]], start: float, stop: float, queue) -> None:
    tally = Tally()
    threads = [threading.Thread(target=_client, args=(port, call, codes, start, stop, tally)) for call, codes in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put((tally.ok, tally.failed, tally.problem, tally.ended, tally.codes_ran_out))


def load(port: int, jobs: list[tuple[Call, list[str]]], seconds: float, processes: int = 2) -> dict:
    """Run one client per job (its request, and its park codes when it scans) for `seconds` at once, spread over
    `processes` processes. Returns requests per second, failures, and whether a scanning client ran out of codes
    (then the rate is over the time until the last client stopped)."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    start = time.time() + 0.5  # every client is connected and waiting before the clock starts
    stop = start + seconds
    workers = [context.Process(target=_process, args=(port, jobs[i::processes], start, stop, queue))
               for i in range(processes)]
    for worker in workers:
        worker.start()
    results = [queue.get() for _ in workers]
    for worker in workers:
        worker.join()
    ok = sum(r[0] for r in results)
    failed = sum(r[1] for r in results)
    # Requests in flight at `stop` count, and so does their time.
    elapsed = max(max(r[3] for r in results) - start, 1e-9)
    return {"rps": ok / elapsed, "failed": failed, "problem": next((r[2] for r in results if r[2]), ""),
            "codes_ran_out": any(r[4] for r in results), "seconds": elapsed}
