"""An independent upper bound on the total affinity (no quotas): the LP dual, evaluated on the problem's own data.

The LP relaxation  max Σ a·x  s.t.  Σ_e x_be = K,  min_e ≤ Σ_b x_be ≤ max_e,  0 ≤ x ≤ 1,  x = 0 in conflict
has, for ANY numbers u_b and v_e, the upper bound

    D(u, v) = K·Σ_b u_b + Σ_e (max_e·v_e if v_e ≥ 0 else min_e·v_e) + Σ_{allowed (b,e)} max(0, a_be − u_b − v_e)

(multiply each constraint by its dual and add). The sum runs over every allowed pair, the B × E − conflicts of them,
and pairs missing from the scores have a = 0: their part is computed per bid from the experts' v sorted once
(prefix sums), minus the scored and conflicting pairs. u and v come from the final flow: node potentials by
Bellman–Ford on its residual graph (NumPy sweeps), which exist only when the flow is optimal. If they are the exact
duals, D equals the total found and the gap is 0: optimality checked without trusting the flow solver.
"""

from __future__ import annotations

import numpy as np

from .flow import Network
from .model import Prepared


def potentials(net: Network, max_sweeps: int = 1000) -> np.ndarray | None:
    """Shortest-path distances from a virtual root in the residual graph (integer costs); None when they do not
    settle (a negative cycle: the flow would not be optimal)."""
    forward = net.flows < net.caps
    backward = net.flows > 0
    tails = np.concatenate([net.tails[forward], net.heads[backward]])
    heads = np.concatenate([net.heads[forward], net.tails[backward]])
    costs = np.concatenate([net.costs[forward], -net.costs[backward]])
    order = np.argsort(heads, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    if heads.size == 0:
        return np.zeros(net.n_nodes, np.int64)
    starts = np.flatnonzero(np.r_[True, heads[1:] != heads[:-1]])
    nodes = heads[starts]
    d = np.zeros(net.n_nodes, np.int64)
    for _ in range(max_sweeps):
        best = np.minimum.reduceat(d[tails] + costs, starts)
        better = best < d[nodes]
        if not better.any():
            return d
        d[nodes[better]] = best[better]
    return None


def duals(prep: Prepared, net: Network) -> tuple[np.ndarray, np.ndarray] | None:
    d = potentials(net)
    if d is None:
        return None
    u = (d[net.bid_nodes] - d[net.sink]) / prep.scale
    v = (d[net.sink] - d[net.expert_nodes]) / prep.scale
    # Experts who cannot review (max 0): any v costs nothing, a large one clears their pairs.
    unable = prep.max_load == 0
    if unable.any():
        top = max(float(prep.s_score.max(initial=0.0)), 0.0)
        v[unable] = top - float(u.min(initial=0.0)) + 1.0
    return u, v


def lp_bound(prep: Prepared, u: np.ndarray, v: np.ndarray) -> float:
    """D(u, v) above: an upper bound on the total affinity of every assignment (with no quotas)."""
    bound = prep.K * float(u.sum())
    bound += float(np.where(v >= 0, prep.max_load * v, prep.min_load * v).sum())
    scored = prep.s_score - u[prep.s_bid] - v[prep.s_exp]
    bound += float(np.maximum(scored, 0.0).sum())
    # Zero-affinity pairs: Σ_e max(0, −u_b − v_e) over all experts, minus the scored and the conflicting ones.
    w = -u
    order = np.sort(v)
    prefix = np.r_[0.0, np.cumsum(order)]
    below = np.searchsorted(order, w, side="left")
    bound += float((below * w - prefix[below]).sum())
    b, e = np.divmod(prep.excluded_keys, prep.E)
    bound -= float(np.maximum(w[b] - v[e], 0.0).sum())
    return bound


def certify(prep: Prepared, net: Network) -> float | None:
    found = duals(prep, net)
    return None if found is None else lp_bound(prep, *found)
