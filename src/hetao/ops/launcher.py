"""Run the park's three processes side by side — web server, task worker, scheduler — with their output
prefixed by name, and stop them all together: on Ctrl-C or SIGTERM, or as soon as one of them exits.

Used by `make serve` (hetao.ops.serve). In production each runs as its own systemd unit (deploy/systemd/).
Standard library only: no Django here.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[3]
GRACE_SECONDS = 40  # longer than gunicorn's graceful_timeout (deploy/gunicorn.conf.py)


def commands(python: str = sys.executable) -> dict[str, list[str]]:
    manage = str(ROOT / "manage.py")
    return {
        "web": [python, "-m", "gunicorn", "--config", str(ROOT / "deploy" / "gunicorn.conf.py")],
        "worker": [python, manage, "db_worker", "--interval", "1", "--no-startup-delay"],
        "scheduler": [python, manage, "run_scheduler"],
    }


def _pipe(name: str, stream: IO[bytes], lock: threading.Lock) -> None:
    for line in iter(stream.readline, b""):
        with lock:
            sys.stdout.buffer.write(f"{name:<9} | ".encode() + line)
            sys.stdout.buffer.flush()


def run(env: dict[str, str], procs: dict[str, list[str]] | None = None) -> int:
    """Start every process, wait until one exits or we are told to stop, then stop the rest; the exit code."""
    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())
    lock = threading.Lock()
    running: dict[str, subprocess.Popen] = {}
    for name, command in (procs or commands()).items():
        # Own process group: Ctrl-C reaches only this launcher, which then stops each child gracefully.
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 start_new_session=True)
        running[name] = child
        threading.Thread(target=_pipe, args=(name, child.stdout, lock), daemon=True).start()
    code = 0
    while not stopping.is_set():
        exited = [(name, child.returncode) for name, child in running.items() if child.poll() is not None]
        if exited:
            name, code = exited[0]
            print(f"launcher  | {name} exited with {code}; stopping the others", flush=True)
            code = code or 1
            break
        time.sleep(0.3)
    for child in running.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for child in running.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    print("launcher  | stopped", flush=True)
    return code
