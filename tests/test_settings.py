"""prod.py refuses to start without its secrets, and passes Django's deployment checklist when given them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROD_ENV = {
    "HETAO_SECRET_KEY": "k" * 20 + "Q7v!x2Lp9#Zr4@Wm8$Tn6&Yb3" + "s" * 20,
    "DATABASE_URL": "sqlite:////tmp/hetao-prod-check.sqlite3",
    "HETAO_ALLOWED_HOSTS": "park.example.org",
    "HETAO_FIELD_ENCRYPTION_KEYS": "8mDhKcA8sS7fq0u6a9u0Zk3i5Jx1X1r8tq4kqv0YpFQ=",
    "HETAO_PUBLIC_BASE_URL": "https://park.example.org",
    "HETAO_CACHE_URL": "redis://127.0.0.1:6379/1",
}


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("HETAO_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
        env={**base, "DJANGO_SETTINGS_MODULE": "hetao.settings.prod", "PYTHONPATH": str(ROOT / "src"), **env},
    )


@pytest.mark.parametrize("missing", list(PROD_ENV))
def test_prod_refuses_to_start_without(missing):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} must be set in production" in result.stderr


def test_prod_passes_the_deployment_checklist():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=PROD_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
