"""The Django side of `make bench`, one child process per database and scale (Django is set up once per process).

It reads one JSON command per line on stdin and answers each with one JSON line on stdout; whatever Django or a
management command prints goes to stderr. Commands:

  {"cmd": "seed", "scale": 10}     migrate, ensure the signing keys, load the demo park once (kept between runs)
  {"cmd": "prepare", "gates": 16}  row counts, the query counts beside the pinned ones, bench gates and their tokens
  {"cmd": "codes", "n": 100}       fresh park codes (they live 60 seconds: asked for just before they are used)
  {"cmd": "offline", "seconds": 2} offline verifier and raw Ed25519 verifications per second, one core
"""

import io
import json
import os
import sys
import time


def seed(scale: int) -> dict:
    from django.core.management import call_command

    from hetao.registry import demo

    call_command("migrate", verbosity=0)
    call_command("oidc_keys", "--ensure", verbosity=0, stdout=io.StringIO())
    call_command("pass_keys", "--ensure", verbosity=0, stdout=io.StringIO())
    loaded = demo.is_loaded()
    started = time.monotonic()
    if not loaded:
        call_command("load_demo_park", scale=scale)
    return {"seeded": not loaded, "seconds": time.monotonic() - started}


def query_drift() -> list[str]:
    """The pinned query counts (tests/registry/test_query_counts.py, measured at scale 1) at this scale, measured
    the way that test measures them (its own `measure`, warm-ups included)."""
    from django.test import Client
    from tests.registry import test_query_counts as pinned

    try:
        measured = pinned.measure(Client(HTTP_HOST="127.0.0.1"))
    except AssertionError as exc:
        return [f"{exc}: did not answer 200"]
    return [f"{path}: {measured[path]} queries (pinned {count})" for path, count in pinned.PINNED.items()
            if measured[path] != count]


def prepare(gates: int) -> dict:
    from bench.passes_bench import bench_gates
    from hetao.registry.models import Organisation, Person, Project

    return {"people": Person.objects.count(), "organisations": Organisation.objects.count(),
            "projects": Project.objects.count(), "drift": query_drift(), "gates": bench_gates(gates)}


def main() -> None:
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # anything else printed goes to stderr, never into the answers
    sys.stdout = sys.stderr
    import django

    django.setup()
    from bench import passes_bench

    commands = {"seed": lambda a: seed(a["scale"]), "prepare": lambda a: prepare(a["gates"]),
                "codes": lambda a: passes_bench.codes(a["n"]),
                "offline": lambda a: passes_bench.offline_rates(a["seconds"])}
    for line in sys.stdin:
        command = json.loads(line)
        try:
            answer = {"ok": commands[command["cmd"]](command)}
        except Exception as exc:  # reported to the orchestrator, which says which step failed
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
