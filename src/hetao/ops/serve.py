"""`make serve`: the park as in production on this machine — prod settings, PostgreSQL, Redis, collected static
files, gunicorn with several workers, the task worker and the scheduler.

On a developer's machine the production secrets do not exist, so the first run writes `var/serve.env` (never
committed: var/ is ignored) with a random secret key and field-encryption key and local defaults. Variables
already in the environment win over the file: a real deployment sets them for real (docs/deploy.md).
Then: create the database if missing, migrate, ensure the signing keys, collect static files, load the demo
park once (`--no-demo` skips it), and run the three processes (hetao.ops.launcher) until Ctrl-C.
"""

import argparse
import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from hetao.ops import launcher

ROOT = launcher.ROOT


def local_defaults() -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "hetao.settings.prod",
        "HETAO_SECRET_KEY": secrets.token_urlsafe(50),
        "HETAO_FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/hetao",
        "HETAO_CACHE_URL": "redis://127.0.0.1:6379/1",
        "HETAO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HETAO_PUBLIC_BASE_URL": "https://127.0.0.1:8000",
        # Plain http on the loopback only; production keeps the redirect to https (behind nginx).
        "HETAO_SECURE_SSL_REDIRECT": "0",
        "HETAO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "HETAO_BIND": "127.0.0.1:8000",
    }


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def ensure_env_file(path: Path) -> dict[str, str]:
    """The local settings of `make serve`, written once with fresh secrets (mode 0600)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = ["# Written by `make serve` for this machine only (never commit it). Production sets these in its",
                 "# environment instead (docs/deploy.md). Delete this file to get new secrets."]
        lines += [f"{key}={value}" for key, value in local_defaults().items()]
        path.touch(mode=0o600)
        path.write_text("\n".join(lines) + "\n")
        print(f"serve     | wrote {path} (local secrets for `make serve`)", flush=True)
    return read_env_file(path)


def create_database(url: str) -> None:
    """Create the PostgreSQL database of `url` if it does not exist (SQLite needs nothing)."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        return
    import psycopg

    name = parts.path.lstrip("/")
    kwargs: dict[str, Any] = {"dbname": "postgres", "host": parts.hostname or "", "port": parts.port or 5432,
                              "user": parts.username or "", "password": parts.password or ""}
    with psycopg.connect(**{k: v for k, v in kwargs.items() if v}, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"serve     | created database {name}", flush=True)


def check_redis(url: str) -> None:
    if not url.startswith(("redis://", "rediss://")):
        return
    import redis

    try:
        redis.Redis.from_url(url.split("?", 1)[0], socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        sys.exit(f"Redis at {url} does not answer ({exc}). Start it, e.g.: redis-server --daemonize yes "
                 "--bind 127.0.0.1 --port 6379")


def manage(env: dict[str, str], *args: str) -> None:
    if subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env).returncode != 0:
        sys.exit(f"serve: `manage.py {' '.join(args)}` failed (see above); nothing was started.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env-file", type=Path, default=ROOT / "var" / "serve.env")
    parser.add_argument("--no-demo", action="store_true", help="Do not load the demo park.")
    args = parser.parse_args(argv)
    env = {**ensure_env_file(args.env_file), **os.environ}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "src"), env.get("PYTHONPATH", "")) if p)
    create_database(env["DATABASE_URL"])
    check_redis(env.get("HETAO_CACHE_URL", ""))
    manage(env, "migrate", "--verbosity", "0")
    manage(env, "oidc_keys", "--ensure", "--verbosity", "0")
    manage(env, "pass_keys", "--ensure", "--verbosity", "0")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    if not args.no_demo:
        manage(env, "load_demo_park")
    print(f"serve     | Hetao Virtual Park on http://{env.get('HETAO_BIND', '127.0.0.1:8000')}/ "
          "(production settings; Ctrl-C stops everything)", flush=True)
    return launcher.run(env)


if __name__ == "__main__":
    sys.exit(main())
