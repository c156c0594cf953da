"""Assign experts to bids from CSV files (no Django):

    python -m hetao.review.assign --affinity A.csv --conflicts C.csv --per-bid K --max-load L [--min-load M]
        [--attributes X.csv --quota region=HK:1 ...] [--soft-quotas PENALTY] --out OUT.csv

See docs/review-assignment.md and `--help`.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import re
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NoReturn

import numpy as np

from .assignment import Infeasible, NoSolution, Problem, Quota, solve

EXIT_OK, EXIT_INPUT, EXIT_INFEASIBLE, EXIT_NO_SOLUTION = 0, 1, 2, 3

EPILOG = """\
files (UTF-8, comma-separated, a header row naming the columns, in any order; other columns are ignored):
  A.csv  bid,expert,score   affinity; a pair missing here has affinity 0 and may be used; each pair once
  C.csv  bid,expert         conflicts: never assigned (a header alone: no conflicts)
  X.csv  expert,attribute,value   e.g. e17,region,HK and e17,sector,industry (several values allowed)
  OUT.csv bid,expert        written only on success, best affinity first within a bid
The bids are those named in A.csv or C.csv; the experts those named in A.csv, C.csv or X.csv.

quotas: --quota ATTRIBUTE=VALUE:N asks for at least N experts with that attribute value on every bid; hard
constraints unless --soft-quotas PENALTY (then each missing expert costs PENALTY affinity).

exit status:
  0  assignment written (optimal unless the time limit stopped the quota solver: then the gap is printed)
  1  bad input: unreadable or malformed file, bad option (argparse's own usage errors are mapped to 1 too)
  2  infeasible: no assignment meets the constraints; the reason is printed, e.g.
     "demand 150 reviews, but experts can give between 34 and 100"
  3  the time limit passed before any assignment was found
"""


class InputError(Exception):
    """A malformed file or option: exit status 1."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # exit 1, not argparse's 2: here 2 means "infeasible"
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT, f"{self.prog}: error: {message}\n")


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m hetao.review.assign", description="Optimal assignment of experts to bids: "
                "maximise the total affinity with exactly K experts per bid, loads between min and max, no pair in "
                "conflict, and quotas.", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--affinity", required=True, type=Path, metavar="A.csv", help="bid,expert,score")
    p.add_argument("--conflicts", required=True, type=Path, metavar="C.csv", help="bid,expert")
    p.add_argument("--per-bid", required=True, type=int, metavar="K", help="experts per bid (exactly)")
    p.add_argument("--max-load", required=True, type=int, metavar="L", help="most bids per expert")
    p.add_argument("--min-load", default=0, type=int, metavar="M", help="fewest bids per expert (default 0)")
    p.add_argument("--attributes", type=Path, metavar="X.csv", help="expert,attribute,value (for --quota)")
    p.add_argument("--quota", action="append", default=[], metavar="ATTRIBUTE=VALUE:N",
                   help="at least N experts with ATTRIBUTE=VALUE per bid; repeat for several")
    p.add_argument("--soft-quotas", type=float, metavar="PENALTY",
                   help="make the quotas soft: each missing expert costs PENALTY affinity")
    p.add_argument("--time-limit", type=float, default=300.0, metavar="SECONDS",
                   help="for the quota solver (CP-SAT) only; the flow always runs to optimality (default 300)")
    p.add_argument("--seed", type=int, default=0, help="for the pairing of zero-affinity pairs and CP-SAT")
    p.add_argument("--out", required=True, type=Path, metavar="OUT.csv")
    return p


def _rows(path: Path, columns: Sequence[str], *, allow_empty: bool) -> Iterator[tuple[int, list[str]]]:
    """(line number, [value per column]) for each data row; InputError on anything malformed."""
    name = path.name
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or error})") from None
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None:
                raise InputError(f"{name} is empty: expected a header row {','.join(columns)}")
            names = [cell.strip().lower() for cell in header]
            missing = [c for c in columns if c not in names]
            if missing:
                raise InputError(f"{name}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                                 f"(header: {','.join(header)}; expected {','.join(columns)})")
            repeated = sorted({c for c in names if names.count(c) > 1 and c in columns})
            if repeated:
                raise InputError(f"{name}: column {repeated[0]} appears twice in the header")
            where = [names.index(c) for c in columns]
            width = len(header)
            seen = 0
            for row in reader:
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                line = reader.line_num
                if len(row) != width:
                    raise InputError(f"{name} line {line}: {len(row)} fields, the header has {width}")
                values = [row[i].strip() for i in where]
                for column, value in zip(columns, values, strict=True):
                    if not value and column != "score":
                        raise InputError(f"{name} line {line}: empty {column}")
                seen += 1
                yield line, values
        except UnicodeDecodeError:
            raise InputError(f"{name}: not UTF-8 text") from None
        except csv.Error as error:
            raise InputError(f"{name} line {reader.line_num}: {error}") from None
    if not seen and not allow_empty:
        raise InputError(f"{name} has a header but no rows")


class _Index:
    """Names → 0, 1, 2, … in order of first appearance."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def __call__(self, name: str) -> int:
        found = self.ids.get(name)
        if found is None:
            found = self.ids[name] = len(self.ids)
        return found

    def names(self) -> list[str]:
        return list(self.ids)


def _score(text: str, name: str, line: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{name} line {line}: score {text!r} is not a number") from None
    if not math.isfinite(value):
        raise InputError(f"{name} line {line}: score {text!r} is not a finite number")
    return value


_QUOTA = re.compile(r"^([^=]+)=(.+):(\d+)$")


def parse_quota(text: str) -> tuple[str, str, int]:
    match = _QUOTA.match(text.strip())
    if not match:
        raise InputError(f"--quota {text!r}: expected ATTRIBUTE=VALUE:N, e.g. region=HK:1")
    attribute, value, count = match.group(1).strip(), match.group(2).strip(), int(match.group(3))
    if not attribute or not value:
        raise InputError(f"--quota {text!r}: expected ATTRIBUTE=VALUE:N, e.g. region=HK:1")
    return attribute, value, count


def load(args: argparse.Namespace) -> Problem:
    """The problem from the files and options; InputError when malformed."""
    if args.per_bid < 1:
        raise InputError("--per-bid must be at least 1")
    if args.max_load < 0 or args.min_load < 0:
        raise InputError("--max-load and --min-load must not be negative")
    if args.min_load > args.max_load:
        raise InputError(f"--min-load {args.min_load} is above --max-load {args.max_load}")
    if args.quota and args.attributes is None:
        raise InputError("--quota needs --attributes X.csv")
    if args.soft_quotas is not None and not (math.isfinite(args.soft_quotas) and args.soft_quotas >= 0):
        raise InputError("--soft-quotas must be a non-negative number")
    if args.time_limit is not None and not args.time_limit > 0:
        raise InputError("--time-limit must be positive")
    quotas = [parse_quota(text) for text in args.quota]
    seen: set[tuple[str, str]] = set()
    for attribute, value, _count in quotas:
        if (attribute, value) in seen:
            raise InputError(f"--quota {attribute}={value} is given twice")
        seen.add((attribute, value))

    bids, experts = _Index(), _Index()
    pair_bid: list[int] = []
    pair_expert: list[int] = []
    scores: list[float] = []
    lines: list[int] = []
    name = args.affinity.name
    for line, (bid, expert, score) in _rows(args.affinity, ("bid", "expert", "score"), allow_empty=True):
        pair_bid.append(bids(bid))
        pair_expert.append(experts(expert))
        scores.append(_score(score, name, line))
        lines.append(line)
    conflict_bid: list[int] = []
    conflict_expert: list[int] = []
    for _line, (bid, expert) in _rows(args.conflicts, ("bid", "expert"), allow_empty=True):
        conflict_bid.append(bids(bid))
        conflict_expert.append(experts(expert))
    attributes: list[tuple[int, str, str]] = []
    if args.attributes is not None:
        for _line, (expert, attribute, value) in _rows(args.attributes, ("expert", "attribute", "value"),
                                                       allow_empty=False):
            attributes.append((experts(expert), attribute, value))
    if not bids.ids:
        raise InputError(f"no bids: {name} and {args.conflicts.name} have no rows")

    n_experts = len(experts.ids)
    pb = np.asarray(pair_bid, np.int64)
    pe = np.asarray(pair_expert, np.int64)
    keys = pb * n_experts + pe
    order = np.argsort(keys, kind="stable")
    twice = np.flatnonzero(keys[order][1:] == keys[order][:-1])
    if twice.size:
        first, again = order[twice[0]], order[twice[0] + 1]
        raise InputError(f"{name} line {lines[again]}: pair ({bids.names()[pb[again]]}, "
                         f"{experts.names()[pe[again]]}) repeats line {lines[first]}")
    quota_list = []
    for attribute, value, count in quotas:
        members = np.zeros(n_experts, bool)
        for index, a, v in attributes:
            if a == attribute and v == value:
                members[index] = True
        quota_list.append(Quota(attribute=attribute, value=value, count=count, members=members))
    return Problem(n_bids=len(bids.ids), n_experts=n_experts, per_bid=args.per_bid, max_load=args.max_load,
                   min_load=args.min_load, pair_bid=pb, pair_expert=pe, pair_score=np.asarray(scores, np.float64),
                   conflict_bid=np.asarray(conflict_bid, np.int64),
                   conflict_expert=np.asarray(conflict_expert, np.int64), quotas=quota_list,
                   quota_penalty=args.soft_quotas, bid_names=bids.names(), expert_names=experts.names())


def write(path: Path, problem: Problem, bid: np.ndarray, expert: np.ndarray) -> None:
    """OUT.csv, replaced atomically (a temporary file in the same folder, then renamed)."""
    descriptor, temporary = tempfile.mkstemp(dir=path.resolve().parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["bid", "expert"])
            names_b, names_e = problem.bid_names or [], problem.expert_names or []
            writer.writerows((names_b[b], names_e[e]) for b, e in zip(bid.tolist(), expert.tolist(), strict=True))
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)  # mkstemp makes it private; give OUT.csv the usual mode
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        problem = load(args)
        result = solve(problem, time_limit=args.time_limit, seed=args.seed)
        write(args.out, problem, result.bid, result.expert)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INPUT
    except ValueError as error:  # the engine's own checks (a malformed problem)
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INPUT
    except OSError as error:
        print(f"error: cannot write {args.out}: {error.strerror or error}", file=sys.stderr)
        return EXIT_INPUT
    except Infeasible as error:
        print(f"infeasible: {error}", file=sys.stderr)
        return EXIT_INFEASIBLE
    except NoSolution as error:
        print(f"no assignment: {error} ({args.time_limit:g} s)", file=sys.stderr)
        return EXIT_NO_SOLUTION
    load_per_expert = np.bincount(result.expert, minlength=problem.n_experts)
    print(f"wrote {args.out}: {result.bid.size} reviews for {problem.n_bids} bids by "
          f"{int((load_per_expert > 0).sum())} of {problem.n_experts} experts (load {load_per_expert.min()}–"
          f"{load_per_expert.max()})")
    proof = "optimal" if result.optimal else "NOT proven optimal (time limit)"
    line = f"total affinity {result.total:.10g}; {proof} ({result.method})"
    if result.bound is not None:
        check = "an independent LP dual bound" if result.certified else "the solver's bound"
        line += f"; upper bound {result.bound:.10g} ({check}), gap {result.gap:.6g}"
    print(line)
    if result.rounding:
        print(f"scores rounded to 1/{result.scale:g} for the solver: the total is within {result.rounding:.3g} of "
              "the exact optimum")
    if problem.quotas:
        if problem.quota_penalty is None:
            print("quotas: all met")
        else:
            print(f"quotas: {result.shortfall} missing expert(s), penalty {result.penalty:.10g}")
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
