"""The import boundaries (pyproject.toml [tool.importlinter]) hold, and the tool would see a breach."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(src: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(src)})


def test_the_contracts_are_kept():
    result = lint_imports(ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_lower_app_importing_a_higher_one_is_caught(tmp_path):
    """The registry is the lowest app: a demo loader there that imports passes (as one once did) breaks a layer."""
    copy = tmp_path / "src"
    subprocess.run(["cp", "-r", str(ROOT / "src"), str(copy)], check=True)
    (copy / "hetao" / "registry" / "breach.py").write_text("from hetao.passes import demo  # noqa: F401\n")
    result = lint_imports(copy)
    assert result.returncode != 0 and "hetao.registry.breach -> hetao.passes.demo" in result.stdout
