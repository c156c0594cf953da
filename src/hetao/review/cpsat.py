"""Quotas on overlapping groups of experts (a Hong Kong expert from industry counts for two): CP-SAT.

Same data as the flow: a 0/1 variable per explicit pair (scored pairs, or every allowed pair of a materialised bid);
the zero-affinity pairs are pooled by expert *type* (which quotas the expert counts for): y[b, t] units of bid b
taken by type t (at most the free experts of that type), z[e] units taken by expert e, Σ_b y[b, t] = Σ_{e∈t} z[e];
then paired as in flow.py (bids that cannot be paired are materialised and the model solved again).

    max Σ round(a·scale)·x − P·Σ slack
    Σ_e x[b,e] + Σ_t y[b,t] = K;   min_e ≤ Σ_b x[b,e] + z[e] ≤ max_e;
    Σ_{e∈q} x[b,e] + Σ_{t∋q} y[b,t] (+ slack[b,q], soft) ≥ n_q
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from .flow import explicit_arcs, free_counts, pair_pool
from .model import Infeasible, NoSolution, Prepared, sorted_unique


@dataclass
class SatResult:
    bid: np.ndarray
    expert: np.ndarray
    score: np.ndarray
    optimal: bool
    bound: float  # upper bound on the objective, in affinity units
    stats: dict = field(default_factory=dict)


def _groups(keys: np.ndarray, n: int) -> list[np.ndarray]:
    order = np.argsort(keys, kind="stable")
    return np.split(order, np.searchsorted(keys[order], np.arange(1, n)))


def solve_sat(prep: Prepared, materialised: np.ndarray, *, rng: np.random.Generator, hint: set[int] | None = None,
              time_limit: float | None = None, workers: int = 1, seed: int = 0) -> SatResult:
    materialised = materialised.copy()
    rounds = 0
    started = time.perf_counter()
    while True:
        rounds += 1
        outcome = _solve_once(prep, materialised, rng=rng, hint=hint, time_limit=time_limit, workers=workers,
                              seed=seed)
        if isinstance(outcome, SatResult):
            outcome.stats.update(rounds=rounds, materialised=int(materialised.sum()),
                                 cpsat_seconds=time.perf_counter() - started)
            return outcome
        materialised[outcome] = True


def _solve_once(prep: Prepared, materialised: np.ndarray, *, rng: np.random.Generator, hint: set[int] | None,
                time_limit: float | None, workers: int, seed: int) -> SatResult | np.ndarray:
    B, E, K = prep.B, prep.E, prep.K
    model = cp_model.CpModel()
    ab, ae, ascore = explicit_arcs(prep, materialised)
    cost = prep.int_costs(ascore)
    x = [model.new_bool_var(f"x{i}") for i in range(ab.size)]
    if hint is not None:
        chosen = np.isin(ab * E + ae, np.fromiter(hint, np.int64, len(hint)))
        for var, on in zip(x, chosen, strict=True):
            model.add_hint(var, bool(on))

    # Pool by type: the set of quotas an expert counts for, as a bit mask.
    able = prep.max_load > 0
    types, expert_type = np.unique(prep.member_bits, return_inverse=True)
    expert_type = expert_type.reshape(-1)
    free = np.minimum(free_counts(prep, expert_type, types.size), K)
    free[materialised] = 0
    yb, yt = np.nonzero(free > 0)
    y = [model.new_int_var(0, int(free[b, t]), f"y{b}_{t}") for b, t in zip(yb, yt, strict=True)]
    z: dict[int, cp_model.IntVar] = {}
    if y:
        for able_expert in np.flatnonzero(able).tolist():
            z[able_expert] = model.new_int_var(0, int(prep.max_load[able_expert]), f"z{able_expert}")
        for t in range(types.size):
            ys = [y[i] for i in np.flatnonzero(yt == t)]
            zs = [z[j] for j in np.flatnonzero(able & (expert_type == t)).tolist()]
            if ys or zs:
                model.add(cp_model.LinearExpr.sum(ys) == cp_model.LinearExpr.sum(zs))

    x_by_bid = _groups(ab, B)
    y_by_bid = _groups(yb, B)
    for b in range(B):
        model.add(cp_model.LinearExpr.sum([x[i] for i in x_by_bid[b]] + [y[i] for i in y_by_bid[b]]) == K)
    for e, arcs in enumerate(_groups(ae, E)):
        load = cp_model.LinearExpr.sum([x[i] for i in arcs] + ([z[e]] if e in z else []))
        model.add_linear_constraint(load, int(prep.min_load[e]), int(prep.max_load[e]))

    slacks = []
    for qi, quota in enumerate(prep.quotas):
        member_x = quota.members[ae]
        counts_type = (types >> qi) & 1
        for b in range(B):
            terms = [x[i] for i in x_by_bid[b] if member_x[i]] + [y[i] for i in y_by_bid[b] if counts_type[yt[i]]]
            if prep.penalty is None:
                model.add(cp_model.LinearExpr.sum(terms) >= quota.count)
            else:
                slack = model.new_int_var(0, quota.count, f"s{b}_{qi}")
                slacks.append(slack)
                model.add(cp_model.LinearExpr.sum([*terms, slack]) >= quota.count)
    model.maximize(cp_model.LinearExpr.weighted_sum(x, cost.tolist())
                   - prep.penalty_int * cp_model.LinearExpr.sum(slacks))

    solver = cp_model.CpSolver()
    # Measured on the quota cases (docs/review-assignment.md): one worker with the full LP relaxation proves
    # optimality in seconds where two default workers stall for minutes.
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.linearization_level = 2
    solver.parameters.random_seed = seed
    if time_limit is not None:
        solver.parameters.max_time_in_seconds = float(time_limit)
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        raise Infeasible("no assignment meets all the constraints together")
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if status == cp_model.UNKNOWN:
            raise NoSolution("the solver found no assignment within the time limit")
        raise RuntimeError(f"CP-SAT failed: {solver.status_name(status)}")

    picked = np.array([solver.boolean_value(v) for v in x], bool)
    out_b, out_e, out_s = [ab[picked]], [ae[picked]], [ascore[picked]]
    leftover = []
    if y:
        y_val = np.array([solver.value(v) for v in y], np.int64)
        z_val = np.zeros(E, np.int64)
        for j, var in z.items():
            z_val[j] = solver.value(var)
        for t in range(types.size):
            mine = (yt == t) & (y_val > 0)
            if not mine.any():
                continue
            takers = np.flatnonzero(able & (expert_type == t) & (z_val > 0))
            got_b, got_e, unmatched = pair_pool(yb[mine], y_val[mine], takers, z_val[takers], prep.excluded_keys, E,
                                                rng)
            leftover.append(unmatched)
            out_b.append(got_b)
            out_e.append(got_e)
            out_s.append(np.zeros(got_b.size))
    if leftover and np.concatenate(leftover).size:
        return sorted_unique(np.concatenate(leftover))
    return SatResult(bid=np.concatenate(out_b), expert=np.concatenate(out_e), score=np.concatenate(out_s),
                     optimal=status == cp_model.OPTIMAL, bound=solver.best_objective_bound / prep.scale,
                     stats={"variables": len(x) + len(y) + len(z) + len(slacks),
                            "explicit_arcs": int(ab.size), "cpsat_status": solver.status_name(status)})
