"""`python -m hetao.review.assign`: CSV in, CSV out, exit status 0 / 1 (bad input) / 2 (infeasible), never a
traceback, and no Django."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hetao.review import assign

SRC = Path(__file__).resolve().parents[2] / "src"

AFFINITY = "bid,expert,score\nb1,e1,0.9\nb1,e2,0.5\nb2,e2,0.8\nb2,e3,0.4\nb3,e1,0.3\n"
CONFLICTS = "bid,expert\nb3,e3\n"
ATTRIBUTES = "expert,attribute,value\ne1,region,HK\ne2,region,Mainland\ne3,region,Mainland\ne4,region,HK\n"


def files(tmp_path: Path, affinity: str | bytes = AFFINITY, conflicts: str = CONFLICTS,
          attributes: str = ATTRIBUTES) -> dict[str, Path]:
    paths = {}
    for name, text in (("A.csv", affinity), ("C.csv", conflicts), ("X.csv", attributes)):
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        paths[name] = path
    paths["OUT.csv"] = tmp_path / "OUT.csv"
    return paths


def argv(paths: dict[str, Path], *extra: str, per_bid: int = 2, max_load: int = 2) -> list[str]:
    return ["--affinity", str(paths["A.csv"]), "--conflicts", str(paths["C.csv"]), "--per-bid", str(per_bid),
            "--max-load", str(max_load), "--out", str(paths["OUT.csv"]), *extra]


def run(args: list[str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run([sys.executable, "-m", "hetao.review.assign", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def test_end_to_end_with_a_quota(tmp_path):
    paths = files(tmp_path)
    done = run(argv(paths, "--attributes", str(paths["X.csv"]), "--quota", "region=HK:1"))
    assert done.returncode == 0, done.stderr
    # b2 and b3 need an HK expert: e1 is taken by b1 and b3 (load 2), so b2 gets e4 (in X.csv only: affinity 0).
    assert paths["OUT.csv"].read_text() == "bid,expert\nb1,e1\nb1,e2\nb2,e2\nb2,e4\nb3,e1\nb3,e4\n"
    assert "total affinity 2.5; optimal (min-cost flow)" in done.stdout
    assert "quotas: all met" in done.stdout
    assert done.stderr == ""


def test_end_to_end_without_quotas_prints_the_independent_bound(tmp_path):
    paths = files(tmp_path)
    done = run(argv(paths))
    assert done.returncode == 0, done.stderr
    lines = paths["OUT.csv"].read_text().splitlines()
    assert lines[0] == "bid,expert" and len(lines) == 7
    assert ("b3", "e3") not in {tuple(line.split(",")) for line in lines}
    assert "gap 0" in done.stdout and "independent LP dual bound" in done.stdout


def test_infeasible_exits_2_with_the_reason_and_writes_nothing(tmp_path):
    paths = files(tmp_path)
    done = run(argv(paths, per_bid=3))
    assert done.returncode == 2
    assert done.stderr == "infeasible: demand 9 reviews, but experts can give between 0 and 6\n"
    assert not paths["OUT.csv"].exists()


def test_malformed_input_exits_1_without_traceback(tmp_path):
    paths = files(tmp_path, affinity="bid,expert,score\nb1,e1,high\n")
    done = run(argv(paths))
    assert done.returncode == 1
    assert done.stderr == "error: A.csv line 2: score 'high' is not a number\n"
    assert "Traceback" not in done.stderr


def test_usage_errors_exit_1_not_2(tmp_path):
    """argparse exits 2 on a usage error; here 2 means infeasible, so usage errors exit 1."""
    done = run(["--affinity", "A.csv"])
    assert done.returncode == 1
    assert "the following arguments are required" in done.stderr


def test_help_documents_the_exit_status():
    done = run(["--help"])
    assert done.returncode == 0
    assert "2  infeasible" in done.stdout and "1  bad input" in done.stdout


def test_the_engine_imports_no_django():
    code = ("import sys, hetao.review.assign, hetao.review.assignment; "
            "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    assert subprocess.run([sys.executable, "-c", code], env=env, timeout=60).returncode == 0


@pytest.mark.parametrize(("affinity", "conflicts", "extra", "message"), [
    ("bid,expert\nb1,e1\n", CONFLICTS, [],
     "A.csv: missing column score (header: bid,expert; expected bid,expert,score)"),
    ("bid,expert,score\nb1,e1,nan\n", CONFLICTS, [], "A.csv line 2: score 'nan' is not a finite number"),
    ("bid,expert,score\nb1,e1,inf\n", CONFLICTS, [], "A.csv line 2: score 'inf' is not a finite number"),
    ("bid,expert,score\nb1,e1,\n", CONFLICTS, [], "A.csv line 2: score '' is not a number"),
    ("bid,expert,score\nb1,e1,0.5\nb1,e2,0.1\nb1,e1,0.7\n", CONFLICTS, [],
     "A.csv line 4: pair (b1, e1) repeats line 2"),
    ("", CONFLICTS, [], "A.csv is empty: expected a header row bid,expert,score"),
    ("bid,expert,score\n", "bid,expert\n", [], "no bids: A.csv and C.csv have no rows"),
    ("bid,expert,score\nb1,e1\n", CONFLICTS, [], "A.csv line 2: 2 fields, the header has 3"),
    ("bid,expert,score\n ,e1,0.1\n", CONFLICTS, [], "A.csv line 2: empty bid"),
    ("bid,expert,score,bid\nb1,e1,0.1,b2\n", CONFLICTS, [], "A.csv: column bid appears twice in the header"),
    (b"bid,expert,score\nb\xe9,e1,0.1\n", CONFLICTS, [], "A.csv: not UTF-8 text"),
    (AFFINITY, "expert\ne1\n", [], "C.csv: missing column bid (header: expert; expected bid,expert)"),
    (AFFINITY, CONFLICTS, ["--quota", "region=HK:1"], "--quota needs --attributes X.csv"),
    (AFFINITY, CONFLICTS, ["--attributes", "{X}", "--quota", "region=HK"],
     "--quota 'region=HK': expected ATTRIBUTE=VALUE:N, e.g. region=HK:1"),
    (AFFINITY, CONFLICTS, ["--attributes", "{X}", "--quota", "region=HK:1", "--quota", "region=HK:2"],
     "--quota region=HK is given twice"),
    (AFFINITY, CONFLICTS, ["--min-load", "3"], "--min-load 3 is above --max-load 2"),
    (AFFINITY, CONFLICTS, ["--soft-quotas", "-1"], "--soft-quotas must be a non-negative number"),
])
def test_malformed_files_and_options(tmp_path, capsys, affinity, conflicts, extra, message):
    paths = files(tmp_path, affinity=affinity, conflicts=conflicts)
    extra = [str(paths["X.csv"]) if item == "{X}" else item for item in extra]
    assert assign.main(argv(paths, *extra)) == assign.EXIT_INPUT
    assert capsys.readouterr().err == f"error: {message}\n"
    assert not paths["OUT.csv"].exists()


def test_missing_file(tmp_path, capsys):
    paths = files(tmp_path)
    paths["A.csv"].unlink()
    assert assign.main(argv(paths)) == assign.EXIT_INPUT
    assert capsys.readouterr().err.startswith(f"error: {paths['A.csv']}: cannot read")


def test_bom_blank_lines_extra_columns_and_column_order(tmp_path, capsys):
    affinity = "\ufeffscore,Expert,bid,note\n0.9,e1,b1,x\n\n0.5,e2,b1,y\n0.8,e2,b2,z\n0.4,e3,b2,\n"
    paths = files(tmp_path, affinity=affinity, conflicts="bid,expert\n")
    assert assign.main(argv(paths, per_bid=1, max_load=1)) == assign.EXIT_OK
    assert paths["OUT.csv"].read_text() == "bid,expert\nb1,e1\nb2,e2\n"
    assert "total affinity 1.7" in capsys.readouterr().out


def test_soft_quota_prints_the_shortfall(tmp_path, capsys):
    """The only HK expert is in conflict with every bid: hard, infeasible; soft, a penalty per bid."""
    attributes = "expert,attribute,value\ne1,region,HK\n"
    paths = files(tmp_path, conflicts="bid,expert\nb1,e1\nb2,e1\nb3,e1\n", attributes=attributes)
    extra = ["--attributes", str(paths["X.csv"]), "--quota", "region=HK:1"]
    assert assign.main(argv(paths, *extra, max_load=3)) == assign.EXIT_INFEASIBLE
    assert capsys.readouterr().err == ("infeasible: bid b1: quota region=HK:1 needs 1 expert with region=HK, but only "
                                       "0 are free of conflict (and 2 other bids likewise)\n")
    assert assign.main(argv(paths, *extra, "--soft-quotas", "0.5", max_load=3)) == assign.EXIT_OK
    assert "quotas: 3 missing expert(s), penalty 1.5" in capsys.readouterr().out
