"""The min-cost flow: exact for no quotas, or for quotas on pairwise disjoint groups of experts (one "class" each).

Network (supplies in brackets), costs are −round(score × scale):

    bid b [K − Σn_c] ──(K − Σn_c)──▶ bid class (b, c) [n_c]        for each quota class c (soft: back arcs, cost P)
    bid b or (b, c) ──(1)──▶ expert e                                 one arc per scored pair, e in class c (0: none)
    bid b or (b, c) ──(free)──▶ pool Z_c ──(max_e)──▶ expert e in c   the zero-affinity pairs, never materialised
    expert e [−min_e] ──(max_e − min_e)──▶ sink t [−(K·B − Σmin)]     lower bounds as supplies

The B × E zero-affinity pairs (396 million in the 20,000 × 20,000 bench) are one arc per bid into its pool and one
per expert out of it, with `free` = how many experts of the class are neither scored nor in conflict for that bid.
Every true assignment is a flow of this network with the same cost, so its optimum is an upper bound. The flow says
only how many pooled units each bid sends (p_b) and each expert takes (q_e); `pair_pool` then pairs them with a
max flow over pairs that are neither scored nor in conflict. When that succeeds, the assignment has the network's
optimal value and is therefore optimal. When it fails for some bids, those bids are "materialised" (explicit arcs to
every allowed expert, no pool) and the network is solved again: still exact, and it ends because each round
materialises new bids. Small problems (B·E under a limit) are materialised from the start.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

from .model import Infeasible, Prepared, isin_sorted, sorted_unique

PAIR_FULL_LIMIT = 4_000_000  # candidate pairs for an exact pairing in one go
PAIR_SAMPLE_LIMIT = 20_000_000  # beyond this many sampled candidates, materialise the bids left over instead


@dataclass
class Network:
    """The arcs of the last solve, for certificate.py."""

    tails: np.ndarray
    heads: np.ndarray
    caps: np.ndarray
    costs: np.ndarray
    flows: np.ndarray
    n_nodes: int
    bid_nodes: np.ndarray
    expert_nodes: np.ndarray
    sink: int


@dataclass
class FlowResult:
    bid: np.ndarray
    expert: np.ndarray
    score: np.ndarray
    cost: int  # the network's optimal cost (integer units): −(scaled affinity) + scaled penalties
    network: Network | None
    stats: dict = field(default_factory=dict)


def explicit_arcs(prep: Prepared, materialised: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scored pairs of pooled bids, and every allowed pair (score or 0) of materialised bids."""
    keep = ~materialised[prep.s_bid]
    bids, experts, scores = [prep.s_bid[keep]], [prep.s_exp[keep]], [prep.s_score[keep]]
    rows = np.flatnonzero(materialised)
    if rows.size:
        able = np.flatnonzero(prep.max_load > 0)
        for chunk in np.array_split(rows, max(1, rows.size * able.size // 5_000_000 + 1)):
            gb = np.repeat(chunk, able.size)
            ge = np.tile(able, chunk.size)
            keys = gb * prep.E + ge
            ok = ~isin_sorted(keys, prep.conflict_keys)
            gb, ge, keys = gb[ok], ge[ok], keys[ok]
            score = np.zeros(keys.size)
            if prep.s_keys.size:
                idx = np.searchsorted(prep.s_keys, keys)
                idx[idx == prep.s_keys.size] = 0
                hit = prep.s_keys[idx] == keys
                score[hit] = prep.s_score[idx[hit]]
            bids.append(gb)
            experts.append(ge)
            scores.append(score)
    return np.concatenate(bids), np.concatenate(experts), np.concatenate(scores)


def free_counts(prep: Prepared, expert_class: np.ndarray, n_classes: int) -> np.ndarray:
    """(B, n_classes): per bid and class, experts who can review and are neither scored nor in conflict for it."""
    able = prep.max_load > 0
    per_class = np.bincount(expert_class[able], minlength=n_classes)
    b, e = np.divmod(prep.excluded_keys, prep.E)
    ok = able[e]
    taken = np.bincount(b[ok] * n_classes + expert_class[e[ok]], minlength=prep.B * n_classes)
    return per_class[None, :] - taken.reshape(prep.B, n_classes)


def solve_flow(prep: Prepared, classes: list[int], materialised: np.ndarray, *, rng: np.random.Generator,
               keep_network: bool = False) -> FlowResult:
    """Optimal assignment honouring the quotas listed in `classes` (indices into prep.quotas, pairwise disjoint).
    Raises Infeasible (generic message) when the network has no feasible flow."""
    materialised = materialised.copy()
    started = time.perf_counter()
    rounds = 0
    while True:
        rounds += 1
        outcome = _solve_once(prep, classes, materialised, rng=rng, keep_network=keep_network)
        if isinstance(outcome, FlowResult):
            outcome.stats.update(rounds=rounds, materialised=int(materialised.sum()),
                                 flow_seconds=time.perf_counter() - started)
            return outcome
        materialised[outcome] = True


def _solve_once(prep: Prepared, classes: list[int], materialised: np.ndarray, *, rng: np.random.Generator,
                keep_network: bool) -> FlowResult | np.ndarray:
    B, E, K = prep.B, prep.E, prep.K
    Q = len(classes)
    counts = np.array([prep.quotas[q].count for q in classes], np.int64)
    soft = prep.penalty is not None
    expert_class = np.zeros(E, np.int64)
    for c, q in enumerate(classes, start=1):
        expert_class[prep.quotas[q].members] = c
    expert_base = (Q + 1) * B
    pool_base = expert_base + E
    sink = pool_base + Q + 1
    n_nodes = sink + 1

    tails, heads, caps, costs = [], [], [], []

    def arcs(t, h, cap, cost):
        tails.append(np.asarray(t, np.int64))
        heads.append(np.asarray(h, np.int64))
        caps.append(np.broadcast_to(np.asarray(cap, np.int64), np.shape(t)))
        costs.append(np.broadcast_to(np.asarray(cost, np.int64), np.shape(t)))

    bid_range = np.arange(B)
    for c in range(1, Q + 1):  # bid → its class nodes (more of class c than the quota asks)
        arcs(bid_range, c * B + bid_range, K if soft else K - counts.sum(), 0)
        if soft:
            arcs(c * B + bid_range, bid_range, counts[c - 1], prep.penalty_int)
    ab, ae, ascore = explicit_arcs(prep, materialised)
    n_explicit_before = sum(t.size for t in tails)
    arcs(expert_class[ae] * B + ab, expert_base + ae, 1, -prep.int_costs(ascore))
    explicit = slice(n_explicit_before, n_explicit_before + ab.size)

    pooled = ~materialised
    free = np.minimum(free_counts(prep, expert_class, Q + 1), K)
    free[~pooled] = 0
    pb, pc = np.nonzero(free > 0)
    pool_first = sum(t.size for t in tails)
    arcs(pc * B + pb, pool_base + pc, free[pb, pc], 0)
    able = np.flatnonzero(prep.max_load > 0)
    arcs(pool_base + expert_class[able], expert_base + able, prep.max_load[able], 0)
    pool_in = slice(pool_first, pool_first + pb.size)
    pool_out = slice(pool_in.stop, pool_in.stop + able.size)
    experts = np.arange(E)
    arcs(expert_base + experts, np.full(E, sink), prep.max_load - prep.min_load, 0)

    tail = np.concatenate(tails)
    head = np.concatenate(heads)
    cap = np.concatenate(caps)
    cost = np.concatenate(costs)
    supply = np.zeros(n_nodes, np.int64)
    supply[:B] = K - counts.sum()
    for c in range(1, Q + 1):
        supply[c * B:(c + 1) * B] = counts[c - 1]
    supply[expert_base:pool_base] = -prep.min_load
    supply[sink] = -(K * B - int(prep.min_load.sum()))

    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(tail.astype(np.int32), head.astype(np.int32), cap, cost)
    solver.set_nodes_supplies(np.arange(n_nodes, dtype=np.int32), supply)
    solved = time.perf_counter()
    status = solver.solve()
    solve_seconds = time.perf_counter() - solved
    if status == solver.INFEASIBLE or status == solver.UNBALANCED:
        raise Infeasible("no assignment meets all the constraints together")
    if status != solver.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: {status}")
    flows = np.asarray(solver.flows(np.arange(tail.size, dtype=np.int32)), np.int64)

    used = flows[explicit] > 0
    out_b, out_e, out_s = [ab[used]], [ae[used]], [ascore[used]]
    p_flow = flows[pool_in]
    q_flow = flows[pool_out]
    leftover: list[np.ndarray] = []
    pooled_units = int(p_flow.sum())
    for c in range(Q + 1):
        mine = (pc == c) & (p_flow > 0)
        takers = (expert_class[able] == c) & (q_flow > 0)
        if not mine.any():
            continue
        got_b, got_e, unmatched = pair_pool(pb[mine], p_flow[mine], able[takers], q_flow[takers],
                                            prep.excluded_keys, E, rng)
        leftover.append(unmatched)
        out_b.append(got_b)
        out_e.append(got_e)
        out_s.append(np.zeros(got_b.size))
    if leftover and np.concatenate(leftover).size:
        return sorted_unique(np.concatenate(leftover))
    network = None
    if keep_network:
        network = Network(tails=tail, heads=head, caps=cap, costs=cost, flows=flows, n_nodes=n_nodes,
                          bid_nodes=bid_range, expert_nodes=expert_base + experts, sink=sink)
    return FlowResult(bid=np.concatenate(out_b), expert=np.concatenate(out_e), score=np.concatenate(out_s),
                      cost=int(solver.optimal_cost()), network=network,
                      stats={"nodes": n_nodes, "arcs": int(tail.size), "explicit_arcs": int(ab.size),
                             "pooled_units": pooled_units, "min_cost_flow_seconds": solve_seconds})


def pair_pool(bids: np.ndarray, p: np.ndarray, experts: np.ndarray, q: np.ndarray, excluded_keys: np.ndarray,
              n_experts: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pair pooled units: bid bids[i] takes p[i] distinct experts, expert experts[j] takes q[j] distinct bids, no pair
    in `excluded_keys` (bid × n_experts + expert). A max flow over all candidate pairs when they are few, otherwise
    over a sample (q-weighted, growing ×4 until it saturates). Returns (bids, experts, bids left unmatched)."""
    nb, ne = bids.size, experts.size
    total = int(p.sum())
    per_bid = 16
    while True:
        full = nb * ne <= PAIR_FULL_LIMIT or per_bid >= ne
        if full:
            ib = np.repeat(np.arange(nb), ne)
            ie = np.tile(np.arange(ne), nb)
        else:
            ib = np.repeat(np.arange(nb), per_bid)
            ie = rng.choice(ne, size=ib.size, p=q / q.sum())
            k = sorted_unique(ib * ne + ie)
            ib, ie = np.divmod(k, ne)
        ok = ~isin_sorted(bids[ib] * n_experts + experts[ie], excluded_keys)
        ib, ie = ib[ok], ie[ok]
        solver = max_flow.SimpleMaxFlow()
        source, sink = nb + ne, nb + ne + 1
        tails = np.concatenate([np.full(nb, source), ib, nb + np.arange(ne)]).astype(np.int32)
        heads = np.concatenate([np.arange(nb), nb + ie, np.full(ne, sink)]).astype(np.int32)
        caps = np.concatenate([p, np.ones(ib.size, np.int64), q]).astype(np.int64)
        solver.add_arcs_with_capacity(tails, heads, caps)
        if solver.solve(source, sink) != solver.OPTIMAL:
            raise RuntimeError("max flow failed while pairing the pool")
        flows = np.asarray(solver.flows(np.arange(tails.size, dtype=np.int32)), np.int64)
        if solver.optimal_flow() == total:
            chosen = flows[nb:nb + ib.size] > 0
            return bids[ib[chosen]], experts[ie[chosen]], np.zeros(0, np.int64)
        if full or nb * per_bid * 4 > PAIR_SAMPLE_LIMIT:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), bids[flows[:nb] < p]
        per_bid *= 4
