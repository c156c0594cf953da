"""The review assignment engine for `make bench` (issue 11): two generated cases, solved by hetao.review.

(a) 2,000 bids × 2,000 experts, dense affinity (every pair scored: 4 million pairs);
(b) 20,000 bids × 20,000 experts, 200 scored experts per bid (4 million scored pairs; the other 396 million pairs
    have affinity 0 and may be used);
both with K = 3 experts per bid, max load 4, and 2% of all pairs in conflict (each bid conflicts with 2% of the
experts, drawn independently of its scored ones). Scores are uniform in [0, 1) with 4 decimals. Generated with a
seeded NumPy generator: the same problem on every run.

For each case: seconds to solve (from the arrays to the checked assignment, generation excluded), the total affinity,
and the gap to the LP bound computed independently from the flow's duals (certificate.py); plus (a′) a 150 × 150
instance of the same generator solved by both the min-cost flow and CP-SAT, an independent exact solver. Target:
(b) optimal in under 2 minutes.

    PYTHONPATH=src .venv/bin/python bench/review_bench.py [--cases a b check]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from hetao.review.assignment import Problem, solve  # noqa: E402

PER_BID = 3
MAX_LOAD = 4
CONFLICT_SHARE = 0.02
TARGET_SECONDS = 120.0  # case (b)
SEED = 20240611

CASES = {
    "a": {"label": "(a) 2,000 × 2,000 dense", "bids": 2_000, "experts": 2_000, "scored": None},
    "b": {"label": "(b) 20,000 × 20,000, 200 scored per bid", "bids": 20_000, "experts": 20_000, "scored": 200},
    "check": {"label": "(a′) 150 × 150 dense, flow vs CP-SAT", "bids": 150, "experts": 150, "scored": None},
}


def _distinct_per_row(rng: np.random.Generator, rows: int, n: int, k: int) -> np.ndarray:
    """(rows, k): k distinct values in range(n) per row."""
    return np.stack([rng.choice(n, size=k, replace=False) for _ in range(rows)])


def generate(case: str, seed: int = SEED) -> Problem:
    spec = CASES[case]
    B, E = spec["bids"], spec["experts"]
    rng = np.random.default_rng([seed, B, E])
    if spec["scored"] is None:
        pair_bid = np.repeat(np.arange(B), E)
        pair_expert = np.tile(np.arange(E), B)
    else:
        pair_bid = np.repeat(np.arange(B), spec["scored"])
        pair_expert = _distinct_per_row(rng, B, E, spec["scored"]).reshape(-1)
    pair_score = np.round(rng.random(pair_bid.size), 4)
    per_bid = round(CONFLICT_SHARE * E)
    conflict_bid = np.repeat(np.arange(B), per_bid)
    conflict_expert = _distinct_per_row(rng, B, E, per_bid).reshape(-1)
    return Problem(n_bids=B, n_experts=E, per_bid=PER_BID, max_load=MAX_LOAD, pair_bid=pair_bid,
                   pair_expert=pair_expert, pair_score=pair_score, conflict_bid=conflict_bid,
                   conflict_expert=conflict_expert)


def run_case(case: str) -> dict:
    problem = generate(case)
    started = time.perf_counter()
    result = solve(problem, certify=case != "check")
    seconds = result.stats["seconds"]
    row = {
        "case": CASES[case]["label"], "bids": problem.n_bids, "experts": problem.n_experts,
        "scored_pairs": int(problem.pair_bid.size), "conflicts": int(problem.conflict_bid.size),
        "seconds": seconds, "total": result.total, "method": result.method, "optimal": result.optimal,
        "bound": result.bound, "gap": result.gap, "certified": result.certified,
        "certificate_seconds": result.stats.get("certificate_seconds"),
        "pooled_units": result.stats.get("pooled_units"), "arcs": result.stats.get("arcs"),
    }
    if case == "b":
        row["target"] = f"optimal under {TARGET_SECONDS:.0f} s"
        row["met"] = bool(result.optimal and seconds < TARGET_SECONDS and (result.gap or 0.0) < 1e-6)
    if case == "check":
        checked = time.perf_counter()
        exact = solve(problem, method="cp-sat")
        row["cp_sat_total"] = exact.total
        row["cp_sat_optimal"] = exact.optimal
        row["cp_sat_seconds"] = time.perf_counter() - checked
        row["gap"] = abs(exact.total - result.total)
        row["certified"] = bool(exact.optimal and row["gap"] < 1e-6)
    row["wall_seconds"] = time.perf_counter() - started
    return row


def review_rows(cases: tuple[str, ...] = ("a", "b", "check")) -> list[dict]:
    """One row per case; `make bench` prints them with review_table()."""
    return [run_case(case) for case in cases]


def review_table(rows: list[dict]) -> str:
    lines = ["| case | solve (s) | total affinity | LP bound / exact check | gap | target |",
             "| --- | ---: | ---: | --- | ---: | --- |"]
    for row in rows:
        if "cp_sat_total" in row:
            check = (f"CP-SAT {row['cp_sat_total']:,.4f} ({'optimal' if row['cp_sat_optimal'] else 'not proven'}, "
                     f"{row['cp_sat_seconds']:.1f} s)")
        elif row["certified"]:
            check = f"LP dual bound {row['bound']:,.4f} ({row['certificate_seconds']:.1f} s)"
        else:
            check = "no independent bound"
        target = "—" if "met" not in row else f"{row['target']}: {'met' if row['met'] else 'NOT met'}"
        lines.append(f"| {row['case']} | {row['seconds']:.1f} | {row['total']:,.4f} | {check} | {row['gap']:.4f} | "
                     f"{target} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", nargs="+", choices=list(CASES), default=list(CASES))
    args = parser.parse_args()
    rows = review_rows(tuple(args.cases))
    print(review_table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
