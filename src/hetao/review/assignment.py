"""Optimal assignment of experts to bids: `solve(problem)`.

Maximise the total affinity with exactly K experts per bid, each expert between min and max load, no pair in
conflict, and quotas ("at least n experts with region=HK per bid") hard or soft. Infeasible problems are explained
before any solver runs (OpenReview's "demand 150 reviews, but experts can give between 34 and 100", a bid with too few
experts free of conflict, a quota nobody can meet, …) or, when only the solver finds out, by a max-flow cut.

Which solver: no quotas, or quotas on disjoint groups of experts → min-cost flow (flow.py), exact. Overlapping quotas
(region and sector) → first the flow with the largest disjoint subset of them, an upper bound; if its optimum already
meets every quota it is optimal, otherwise CP-SAT (cpsat.py) with that flow as a hint and as a bound.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np
from ortools.graph.python import max_flow

from . import certificate, flow
from .model import (
    Assignment,
    Infeasible,
    NoSolution,
    Prepared,
    Problem,
    Quota,
    choose_scale,
    isin_sorted,
    sorted_unique,
)

__all__ = ["Assignment", "Infeasible", "NoSolution", "Problem", "Quota", "solve", "prepare", "MATERIALISE_LIMIT"]

MATERIALISE_LIMIT = 5_000_000  # B·E up to this: every allowed pair is an arc (no pool)
MAX_QUOTAS = 62


def _per_expert(value: np.ndarray | int, n: int, what: str) -> np.ndarray:
    array = np.asarray(value)
    if array.ndim == 0:
        array = np.full(n, int(array), np.int64)
    if array.shape != (n,) or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{what} must be an integer or one integer per expert")
    array = array.astype(np.int64)
    if (array < 0).any():
        raise ValueError(f"{what} must not be negative")
    return array


def _indices(values: np.ndarray, n: int, what: str) -> np.ndarray:
    array = np.asarray(values)
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{what} must be integer indices")
    array = array.astype(np.int64, copy=False).reshape(-1)
    if array.size and (array.min() < 0 or array.max() >= n):
        raise ValueError(f"{what} out of range")
    return array


def prepare(problem: Problem) -> Prepared:
    """Check the problem's shape (ValueError for a malformed one) and index it."""
    B, E, K = int(problem.n_bids), int(problem.n_experts), int(problem.per_bid)
    if B < 1 or E < 1:
        raise ValueError("there must be at least one bid and one expert")
    if K < 1:
        raise ValueError("each bid needs at least one expert (per_bid ≥ 1)")
    max_load = _per_expert(problem.max_load, E, "max_load")
    min_load = _per_expert(problem.min_load, E, "min_load")
    if (min_load > max_load).any():
        j = int(np.flatnonzero(min_load > max_load)[0])
        raise ValueError(f"expert {problem.expert_name(j)}: min load {min_load[j]} is above max load {max_load[j]}")
    pb = _indices(problem.pair_bid, B, "pair_bid")
    pe = _indices(problem.pair_expert, E, "pair_expert")
    ps = np.asarray(problem.pair_score, np.float64).reshape(-1)
    if not (pb.size == pe.size == ps.size):
        raise ValueError("pair_bid, pair_expert and pair_score differ in length")
    if not np.isfinite(ps).all():
        raise ValueError("every score must be a finite number")
    cb = _indices(problem.conflict_bid, B, "conflict_bid")
    ce = _indices(problem.conflict_expert, E, "conflict_expert")
    if cb.size != ce.size:
        raise ValueError("conflict_bid and conflict_expert differ in length")
    quotas = list(problem.quotas)
    if len(quotas) > MAX_QUOTAS:
        raise ValueError(f"at most {MAX_QUOTAS} quotas")
    bits = np.zeros(E, np.int64)
    for q, quota in enumerate(quotas):
        members = np.asarray(quota.members)
        if members.shape != (E,) or members.dtype != bool:
            raise ValueError(f"quota {quota.label}: members must be one bool per expert")
        if quota.count < 0:
            raise ValueError(f"quota {quota.label}: the count must not be negative")
        bits[members] |= np.int64(1) << q
    penalty = problem.quota_penalty
    if penalty is not None and (not math.isfinite(penalty) or penalty < 0):
        raise ValueError("the quota penalty must be a non-negative number")

    keys = pb * E + pe
    order = np.argsort(keys, kind="stable")
    keys, pb, pe, ps = keys[order], pb[order], pe[order], ps[order]
    repeated = np.flatnonzero(keys[1:] == keys[:-1])
    if repeated.size:
        i = int(repeated[0])
        raise ValueError(f"pair ({problem.bid_name(int(pb[i]))}, {problem.expert_name(int(pe[i]))}) is scored twice")
    conflict_keys = sorted_unique(cb * E + ce)
    keep = ~isin_sorted(keys, conflict_keys) & (max_load[pe] > 0)
    scale, exact = choose_scale(ps)
    if penalty is not None and penalty * scale > 1e15:
        raise ValueError("the quota penalty is too large for the score scale")
    return Prepared(problem=problem, B=B, E=E, K=K, max_load=max_load, min_load=min_load,
                    conflict_keys=conflict_keys, excluded_keys=sorted_unique(np.concatenate([keys, conflict_keys])),
                    s_bid=pb[keep], s_exp=pe[keep], s_score=ps[keep], s_keys=keys[keep], scale=scale,
                    exact_scale=exact, quotas=quotas, penalty=penalty, member_bits=bits)


def _names(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"


def _count(n: int | np.integer, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _are(n: int | np.integer) -> str:
    return f"{n} is" if n == 1 else f"{n} are"


def _others(count: int, noun: str) -> str:
    return "" if count <= 1 else f" (and {count - 1} other {noun if count == 2 else noun + 's'} likewise)"


def check(prep: Prepared) -> None:
    """Raise Infeasible with the reason when a counting argument already shows there is no assignment."""
    problem, B, E, K = prep.problem, prep.B, prep.E, prep.K
    demand, low, high = K * B, int(prep.min_load.sum()), int(prep.max_load.sum())
    if not low <= demand <= high:
        raise Infeasible(f"demand {demand} reviews, but experts can give between {low} and {high}", "demand",
                         demand=demand, low=low, high=high)
    able = prep.max_load > 0
    cb, ce = np.divmod(prep.conflict_keys, E)
    free_per_bid = int(able.sum()) - np.bincount(cb[able[ce]], minlength=B)
    short = np.flatnonzero(free_per_bid < K)
    if short.size:
        b = int(short[0])
        raise Infeasible(f"bid {problem.bid_name(b)} needs {_count(K, 'expert')}, but only {_are(free_per_bid[b])} "
                         f"free of conflict{_others(short.size, 'bid')}", "bid_short", bid=problem.bid_name(b),
                         needed=K, free=int(free_per_bid[b]), others=int(short.size) - 1)
    free_per_expert = B - np.bincount(ce, minlength=E)
    short = np.flatnonzero(prep.min_load > free_per_expert)
    if short.size:
        e = int(short[0])
        raise Infeasible(f"expert {problem.expert_name(e)} must give at least {_count(prep.min_load[e], 'review')}, "
                         f"but only {_count(free_per_expert[e], 'bid')} {'is' if free_per_expert[e] == 1 else 'are'} "
                         f"free of conflict with them{_others(short.size, 'expert')}", "expert_short",
                         expert=problem.expert_name(e), needed=int(prep.min_load[e]), free=int(free_per_expert[e]),
                         others=int(short.size) - 1)
    if prep.penalty is not None:
        return
    for quota in prep.quotas:
        if quota.count > K:
            raise Infeasible(f"quota {quota.label} asks for {_count(quota.count, 'expert')} per bid, but each bid "
                             f"gets {K}", "quota_above_k", quota=quota.label, count=quota.count, per_bid=K)
    by_attribute: dict[str, list[Quota]] = {}
    for quota in prep.quotas:
        by_attribute.setdefault(quota.attribute, []).append(quota)
    for group in by_attribute.values():
        if len(group) > 1 and int(sum(q.count for q in group)) > K:
            overlap = np.sum([q.members for q in group], axis=0)
            if overlap.max() <= 1:
                raise Infeasible(f"quotas {', '.join(q.label for q in group)} ask for "
                                 f"{sum(q.count for q in group)} experts per bid, but each bid gets {K}",
                                 "quotas_above_k", quotas=[q.label for q in group],
                                 count=int(sum(q.count for q in group)), per_bid=K)
    for quota in prep.quotas:
        if quota.count == 0:
            continue
        tag = f"{quota.attribute}={quota.value}"
        members = quota.members & able
        if not quota.members.any():
            raise Infeasible(f"quota {quota.label}: no expert has {tag}", "quota_nobody", quota=quota.label)
        if not members.any():
            raise Infeasible(f"quota {quota.label}: no expert with {tag} can take a review", "quota_unavailable",
                             quota=quota.label)
        capacity = int(prep.max_load[members].sum())
        if capacity < quota.count * B:
            raise Infeasible(f"quota {quota.label} needs {quota.count * B} reviews from experts with {tag}, but they "
                             f"can give at most {capacity}", "quota_capacity", quota=quota.label,
                             needed=quota.count * B, capacity=capacity)
        free = int(members.sum()) - np.bincount(cb[members[ce]], minlength=B)
        short = np.flatnonzero(free < quota.count)
        if short.size:
            b = int(short[0])
            raise Infeasible(f"bid {problem.bid_name(b)}: quota {quota.label} needs {_count(quota.count, 'expert')} "
                             f"with {tag}, but only {_are(free[b])} free of conflict{_others(short.size, 'bid')}",
                             "quota_bid_short", bid=problem.bid_name(b), quota=quota.label, needed=quota.count,
                             free=int(free[b]), others=int(short.size) - 1)


def _allowed_pairs(prep: Prepared) -> tuple[np.ndarray, np.ndarray]:
    able = np.flatnonzero(prep.max_load > 0)
    b = np.repeat(np.arange(prep.B), able.size)
    e = np.tile(able, prep.B)
    ok = ~isin_sorted(b * prep.E + e, prep.conflict_keys)
    return b[ok], e[ok]


def _hall(n_left: int, n_right: int, left_cap: np.ndarray, right_cap: np.ndarray, left: np.ndarray,
          right: np.ndarray) -> tuple[np.ndarray, int] | None:
    """Max flow left → right; None when every left unit is placed, else (the left side of a min cut, what it can
    place at most)."""
    solver = max_flow.SimpleMaxFlow()
    source, sink = n_left + n_right, n_left + n_right + 1
    tails = np.concatenate([np.full(n_left, source), left, n_left + np.arange(n_right)]).astype(np.int32)
    heads = np.concatenate([np.arange(n_left), n_left + right, np.full(n_right, sink)]).astype(np.int32)
    caps = np.concatenate([left_cap, np.ones(left.size, np.int64), right_cap]).astype(np.int64)
    solver.add_arcs_with_capacity(tails, heads, caps)
    solver.solve(source, sink)
    if solver.optimal_flow() >= int(left_cap.sum()):
        return None
    side = np.asarray(solver.get_source_side_min_cut(), np.int64)
    cut = side[side < n_left]
    cut = cut[left_cap[cut] > 0]
    outside = int(left_cap.sum() - left_cap[cut].sum())
    return cut, int(solver.optimal_flow()) - outside


def diagnose(prep: Prepared, materialise_limit: int = MATERIALISE_LIMIT) -> Infeasible:
    """Why the solver found no assignment, from a max-flow cut when the problem is small enough to list its pairs."""
    problem = prep.problem
    n_pairs = prep.B * prep.E
    if n_pairs <= materialise_limit:
        b, e = _allowed_pairs(prep)
        found = _hall(prep.B, prep.E, np.full(prep.B, prep.K), prep.max_load, b, e)
        if found is not None:
            cut, most = found
            names = _names([problem.bid_name(int(i)) for i in cut])
            one = cut.size == 1
            return Infeasible(f"bid{'' if one else 's'} {names} {'needs' if one else 'need'} "
                              f"{_count(prep.K * cut.size, 'review')}, but the experts free of conflict with "
                              f"{'it' if one else 'them'} can give at most {most}", "bids_cut",
                              bids=[problem.bid_name(int(i)) for i in cut], needed=prep.K * int(cut.size), most=most)
        if prep.min_load.any():
            found = _hall(prep.E, prep.B, prep.min_load, np.full(prep.B, prep.K), e, b)
            if found is not None:
                cut, most = found
                names = _names([problem.expert_name(int(i)) for i in cut])
                needed = int(prep.min_load[cut].sum())
                return Infeasible(f"expert{'s' if cut.size != 1 else ''} {names} must give at least "
                                  f"{_count(needed, 'review')}, but the bids free of conflict with them can take at "
                                  f"most {most}", "experts_cut", experts=[problem.expert_name(int(i)) for i in cut],
                                  needed=needed, most=most)
    quotas = ", the quotas" if prep.quotas and prep.penalty is None else ""
    return Infeasible(f"no assignment meets all the constraints together ({_count(prep.K, 'expert')} per bid, the "
                      f"loads, the conflicts{quotas})", "together", per_bid=prep.K)


def _disjoint(quotas: Sequence[Quota]) -> list[int]:
    """A greedy family of pairwise disjoint quotas (indices), in the given order."""
    chosen: list[int] = []
    taken: np.ndarray | None = None
    for q, quota in enumerate(quotas):
        if taken is None or not (taken & quota.members).any():
            chosen.append(q)
            taken = quota.members.copy() if taken is None else taken | quota.members
    return chosen


def shortfalls(prep: Prepared, bid: np.ndarray, expert: np.ndarray, which: Sequence[int] | None = None) -> int:
    """Missing experts summed over bids and quotas (all, or those listed)."""
    missing = 0
    for q, quota in enumerate(prep.quotas):
        if which is not None and q not in which:
            continue
        have = np.bincount(bid[quota.members[expert]], minlength=prep.B)
        missing += int(np.maximum(quota.count - have, 0).sum())
    return missing


def verify(prep: Prepared, bid: np.ndarray, expert: np.ndarray) -> None:
    """Guard against a solver or pairing bug: every rule, checked on the result."""
    keys = bid * prep.E + expert
    if sorted_unique(keys).size != keys.size:
        raise RuntimeError("an expert was assigned twice to the same bid")
    if isin_sorted(keys, prep.conflict_keys).any():
        raise RuntimeError("a pair in conflict was assigned")
    if (np.bincount(bid, minlength=prep.B) != prep.K).any():
        raise RuntimeError("a bid did not get exactly K experts")
    load = np.bincount(expert, minlength=prep.E)
    if ((load < prep.min_load) | (load > prep.max_load)).any():
        raise RuntimeError("an expert's load is out of range")
    if prep.penalty is None and shortfalls(prep, bid, expert):
        raise RuntimeError("a hard quota was not met")


def _solve_overlapping(prep: Prepared, materialised: np.ndarray, *, rng: np.random.Generator, relax: bool,
                       time_limit: float | None, workers: int, seed: int,
                       stats: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray, str, bool, float]:
    """Overlapping quotas: the flow with a disjoint subset of them first (an upper bound, optimal when it meets
    every quota), then CP-SAT hinted by it."""
    hint, relaxed_value = None, math.inf
    if relax:
        relaxed = flow.solve_flow(prep, _disjoint(prep.quotas), materialised, rng=rng)
        stats.update({f"relaxation_{k}": v for k, v in relaxed.stats.items()})
        relaxed_value = -relaxed.cost / prep.scale
        kept = set(_disjoint(prep.quotas))
        dropped = [q for q in range(len(prep.quotas)) if q not in kept]
        if shortfalls(prep, relaxed.bid, relaxed.expert, dropped) == 0:
            return (relaxed.bid, relaxed.expert, relaxed.score, "min-cost flow (its optimum met every quota)", True,
                    relaxed_value)
        hint = set((relaxed.bid * prep.E + relaxed.expert).tolist())
    from . import cpsat  # imports pandas through OR-Tools' CP-SAT API: only when quotas need it

    sat = cpsat.solve_sat(prep, materialised, rng=rng, hint=hint, time_limit=time_limit, workers=workers, seed=seed)
    stats.update(sat.stats)
    return sat.bid, sat.expert, sat.score, "CP-SAT", sat.optimal, min(sat.bound, relaxed_value)


def solve(problem: Problem, *, method: str = "auto", time_limit: float | None = None, workers: int = 1,
          seed: int = 0, materialise_limit: int = MATERIALISE_LIMIT, certify: bool = True) -> Assignment:
    """The optimal assignment (or, CP-SAT stopped by `time_limit`, the best found with its gap).

    method: "auto"; "flow" (quotas must be disjoint); "cp-sat" (always CP-SAT, for checks). workers: CP-SAT's
    threads. Raises Infeasible, NoSolution (time limit without any assignment), ValueError (malformed problem)."""
    if method not in ("auto", "flow", "cp-sat"):
        raise ValueError(f"unknown method {method!r}")
    started = time.perf_counter()
    prep = prepare(problem)
    check(prep)
    rng = np.random.default_rng(seed)
    n_pairs = prep.B * prep.E
    materialised = np.full(prep.B, n_pairs <= materialise_limit)
    disjoint = len(_disjoint(prep.quotas)) == len(prep.quotas)
    if method == "flow" and not disjoint:
        raise ValueError("the min-cost flow needs quotas on disjoint groups of experts")
    stats: dict = {}
    net = None
    try:
        if method == "cp-sat" or (method == "auto" and not disjoint):
            bid, expert, score, method_used, optimal, bound = _solve_overlapping(
                prep, materialised, rng=rng, relax=method == "auto", time_limit=time_limit, workers=workers,
                seed=seed, stats=stats)
        else:
            flowed = flow.solve_flow(prep, list(range(len(prep.quotas))), materialised, rng=rng,
                                     keep_network=certify and not prep.quotas)
            stats.update(flowed.stats)
            bid, expert, score, net = flowed.bid, flowed.expert, flowed.score, flowed.network
            method_used, optimal, bound = "min-cost flow", True, -flowed.cost / prep.scale
    except Infeasible:
        raise diagnose(prep, materialise_limit) from None
    verify(prep, bid, expert)
    order = np.lexsort((-score, bid))
    bid, expert, score = bid[order], expert[order], score[order]
    missing = shortfalls(prep, bid, expert)
    result = Assignment(bid=bid, expert=expert, score=score, total=float(score.sum()),
                        penalty=(prep.penalty or 0.0) * missing, shortfall=missing, method=method_used,
                        optimal=optimal, bound=bound, certified=False, scale=prep.scale,
                        rounding=0.0 if prep.exact_scale else prep.K * prep.B / prep.scale, stats=stats)
    stats["seconds"] = time.perf_counter() - started
    if net is not None:
        checked = time.perf_counter()
        lp = certificate.certify(prep, net)
        stats["certificate_seconds"] = time.perf_counter() - checked
        if lp is not None:
            result.bound, result.certified = lp, True
    return result
