"""The assignment problem and its result, as NumPy arrays of indices (bids 0…B-1, experts 0…E-1).

Pairs missing from the scored pairs have affinity 0 and may be used unless in conflict: the engine never builds the
B × E pairs (400 million at 20,000 × 20,000), see flow.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

# Integer costs: the solvers work on round(score × scale) with scale a power of ten. The largest cost stays under
# this bound (OR-Tools' min-cost flow multiplies costs by the number of nodes and must not overflow int64).
MAX_INT_COST = 10**9


class Infeasible(Exception):
    """No assignment meets the constraints; the message says why, in OpenReview's words where it can.

    `code` and `params` carry the same facts for a caller that words them itself (the Django app, translated):
    demand (demand, low, high); bid_short (bid, needed, free, others); expert_short (expert, needed, free,
    others); quota_above_k, quotas_above_k (quota or quotas, count, per_bid); quota_nobody, quota_unavailable
    (quota); quota_capacity (quota, needed, capacity); quota_bid_short (bid, quota, needed, free, others);
    bids_cut (bids, needed, most); experts_cut (experts, needed, most); together (per_bid)."""

    def __init__(self, message: str, code: str = "together", **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


class NoSolution(Exception):
    """The solver stopped (time limit) before finding any assignment."""


@dataclass(frozen=True)
class Quota:
    """At least `count` experts per bid among `members` (a bool per expert), e.g. attribute "region", value "HK"."""

    attribute: str
    value: str
    count: int
    members: np.ndarray

    @property
    def label(self) -> str:
        return f"{self.attribute}={self.value}:{self.count}"


@dataclass
class Problem:
    """`per_bid` experts for each bid; each expert reviews between min_load and max_load bids (int or one per
    expert); scored pairs (pair_bid, pair_expert, pair_score); conflicts (conflict_bid, conflict_expert) are never
    assigned; quotas are hard, or soft with `quota_penalty` (affinity lost per missing expert)."""

    n_bids: int
    n_experts: int
    per_bid: int
    max_load: np.ndarray | int
    min_load: np.ndarray | int = 0
    pair_bid: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    pair_expert: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    pair_score: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float64))
    conflict_bid: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    conflict_expert: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    quotas: Sequence[Quota] = ()
    quota_penalty: float | None = None
    bid_names: Sequence[str] | None = None
    expert_names: Sequence[str] | None = None

    def bid_name(self, i: int) -> str:
        return str(self.bid_names[i]) if self.bid_names is not None else str(i)

    def expert_name(self, j: int) -> str:
        return str(self.expert_names[j]) if self.expert_names is not None else str(j)


@dataclass
class Assignment:
    """The chosen pairs (sorted by bid, then by affinity, best first) and how good they are.

    `bound` is an upper bound on the objective (total affinity minus quota penalties) of any assignment; `gap` =
    bound − objective. `optimal` is the solver's proof (min-cost flow: always; CP-SAT: when it proved it).
    `certified` says the bound comes from an independent check (LP duals evaluated on the problem's own data, see
    certificate.py), not from the solver's word. `rounding`: the solvers use integer costs; when the scores are not
    exact multiples of 1/scale, the total may fall short of the true optimum by at most this much."""

    bid: np.ndarray
    expert: np.ndarray
    score: np.ndarray
    total: float
    penalty: float
    shortfall: int
    method: str
    optimal: bool
    bound: float | None
    certified: bool
    scale: float
    rounding: float
    stats: dict = field(default_factory=dict)

    @property
    def objective(self) -> float:
        return self.total - self.penalty

    @property
    def gap(self) -> float | None:
        """bound − objective; float noise (summing millions of terms) below 1e-9 relative counts as 0."""
        if self.bound is None:
            return None
        gap = self.bound - self.objective
        return 0.0 if gap <= 1e-9 * max(1.0, abs(self.bound)) else gap


@dataclass
class Prepared:
    """The problem checked and indexed once: sorted int64 pair keys (bid × E + expert)."""

    problem: Problem
    B: int
    E: int
    K: int
    max_load: np.ndarray
    min_load: np.ndarray
    conflict_keys: np.ndarray  # sorted, unique
    excluded_keys: np.ndarray  # scored or in conflict: never a pooled (zero-affinity) pair; sorted, unique
    s_bid: np.ndarray  # scored pairs not in conflict, expert able to review (max_load > 0); sorted by key
    s_exp: np.ndarray
    s_score: np.ndarray
    s_keys: np.ndarray  # sorted
    scale: float
    exact_scale: bool
    quotas: list[Quota]
    penalty: float | None
    member_bits: np.ndarray  # int64 per expert: bit q set when the expert counts for quota q

    def int_costs(self, scores: np.ndarray) -> np.ndarray:
        return np.rint(np.asarray(scores, np.float64) * self.scale).astype(np.int64)

    @property
    def penalty_int(self) -> int:
        return int(round((self.penalty or 0.0) * self.scale))


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """np.unique by sorting (NumPy 2's hash-based unique is several times slower on millions of int64 keys)."""
    values = np.sort(np.asarray(values).reshape(-1))
    if values.size == 0:
        return values
    return values[np.r_[True, values[1:] != values[:-1]]]


def isin_sorted(values: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """Vectorised membership of `values` in a sorted array."""
    if sorted_keys.size == 0:
        return np.zeros(values.shape, bool)
    idx = np.searchsorted(sorted_keys, values)
    idx[idx == sorted_keys.size] = 0
    return sorted_keys[idx] == values


def choose_scale(scores: np.ndarray) -> tuple[float, bool]:
    """The power of ten that turns every score into an integer (fewest digits), within MAX_INT_COST; otherwise the
    finest one within it (then the rounding is reported)."""
    if scores.size == 0:
        return 1.0, True
    largest = float(np.max(np.abs(scores)))
    if largest == 0.0:
        return 1.0, True
    top = int(np.floor(np.log10(MAX_INT_COST / largest)))
    for k in range(min(0, top), top + 1):
        scaled = scores * (10.0**k)
        if np.all(np.abs(scaled - np.rint(scaled)) <= 1e-6):
            return 10.0**k, True
    return 10.0**top, False
