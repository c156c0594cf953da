"""The assignment engine (hetao.review.assignment): optimal against brute force, every rule kept, the infeasible
messages word for word, the pooled zero-affinity pairs and the LP certificate."""

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hetao.review.assignment import Infeasible, Problem, Quota, solve


def dense(scores, conflicts=None, *, per_bid, max_load, min_load=0, quotas=(), penalty=None, scored=None,
          names=True) -> Problem:
    """A problem from a B × E score matrix (0 where not scored) and a bool conflict matrix."""
    scores = np.asarray(scores, float)
    B, E = scores.shape
    scored = np.ones_like(scores, bool) if scored is None else np.asarray(scored, bool)
    conflicts = np.zeros_like(scores, bool) if conflicts is None else np.asarray(conflicts, bool)
    pb, pe = np.nonzero(scored)
    cb, ce = np.nonzero(conflicts)
    return Problem(n_bids=B, n_experts=E, per_bid=per_bid, max_load=max_load, min_load=min_load, pair_bid=pb,
                   pair_expert=pe, pair_score=scores[pb, pe], conflict_bid=cb, conflict_expert=ce,
                   quotas=list(quotas), quota_penalty=penalty,
                   bid_names=[f"b{i}" for i in range(B)] if names else None,
                   expert_names=[f"e{j}" for j in range(E)] if names else None)


def brute_force(problem: Problem) -> float | None:
    """The best objective over every assignment, or None when there is none."""
    B, E, K = problem.n_bids, problem.n_experts, problem.per_bid
    scores = np.zeros((B, E))
    scores[problem.pair_bid, problem.pair_expert] = problem.pair_score
    conflict = np.zeros((B, E), bool)
    conflict[problem.conflict_bid, problem.conflict_expert] = True
    max_load = np.broadcast_to(problem.max_load, (E,))
    min_load = np.broadcast_to(problem.min_load, (E,))
    options = [[c for c in itertools.combinations(range(E), K) if not conflict[b, list(c)].any()] for b in range(B)]
    best = None
    for choice in itertools.product(*options):
        load = np.bincount([e for c in choice for e in c], minlength=E)
        if (load < min_load).any() or (load > max_load).any():
            continue
        missing = sum(max(0, q.count - int(q.members[list(c)].sum())) for q in problem.quotas for c in choice)
        if missing and problem.quota_penalty is None:
            continue
        value = sum(scores[b, list(c)].sum() for b, c in enumerate(choice)) - (problem.quota_penalty or 0) * missing
        best = value if best is None else max(best, value)
    return best


def assert_valid(problem: Problem, result) -> None:
    """Every rule, checked here without the engine's own verify()."""
    B, E, K = problem.n_bids, problem.n_experts, problem.per_bid
    pairs = set(zip(result.bid.tolist(), result.expert.tolist(), strict=True))
    assert len(pairs) == result.bid.size, "an expert twice on a bid"
    assert (np.bincount(result.bid, minlength=B) == K).all()
    conflicts = set(zip(problem.conflict_bid.tolist(), problem.conflict_expert.tolist(), strict=True))
    assert not pairs & conflicts
    load = np.bincount(result.expert, minlength=E)
    assert (load <= np.broadcast_to(problem.max_load, (E,))).all()
    assert (load >= np.broadcast_to(problem.min_load, (E,))).all()
    scores = dict(zip(zip(problem.pair_bid.tolist(), problem.pair_expert.tolist(), strict=True),
                      problem.pair_score.tolist(), strict=True))
    assert result.total == pytest.approx(sum(scores.get(p, 0.0) for p in pairs), abs=1e-9)
    if problem.quota_penalty is None:
        for quota in problem.quotas:
            have = np.bincount(result.bid[quota.members[result.expert]], minlength=B)
            assert (have >= quota.count).all(), quota.label


@st.composite
def tiny(draw):
    B = draw(st.integers(1, 3))
    K = draw(st.integers(1, 3))
    E = draw(st.integers(max(2, K), 6))
    base = max(1, -(-K * B // E) - 1)  # most draws can just about meet the demand K·B; a few experts take none
    max_load = np.array(draw(st.lists(st.sampled_from([0, base, base + 1, base + 1, base + 2, base + 2]), min_size=E,
                                      max_size=E)))
    min_load = np.minimum(np.array(draw(st.lists(st.sampled_from([0, 0, 0, 1]), min_size=E, max_size=E))), max_load)
    cells = st.lists(st.integers(-50, 150), min_size=B * E, max_size=B * E)
    scores = np.array(draw(cells), float).reshape(B, E) / 100
    scored = np.array(draw(st.lists(st.booleans(), min_size=B * E, max_size=B * E))).reshape(B, E)
    conflicts = np.array(draw(st.lists(st.integers(0, 7), min_size=B * E, max_size=B * E))).reshape(B, E) == 0
    quotas = []
    for q in range(draw(st.integers(0, 2))):
        members = np.array(draw(st.lists(st.booleans(), min_size=E, max_size=E)))
        quotas.append(Quota("tag", f"v{q}", draw(st.integers(0, 2)), members))
    penalty = draw(st.sampled_from([None, None, 0.25, 1.0]))
    return dense(np.where(scored, scores, 0), conflicts, per_bid=K, max_load=max_load, min_load=min_load,
                 quotas=quotas, penalty=penalty, scored=scored)


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(problem=tiny(), method=st.sampled_from(["auto", "cp-sat"]), pooled=st.booleans())
def test_optimal_against_brute_force(problem, method, pooled):
    """Min-cost flow, CP-SAT, and the pooled zero-affinity pairs (materialise_limit=0) all find the optimum."""
    expected = brute_force(problem)
    try:
        result = solve(problem, method=method, materialise_limit=0 if pooled else 10**9)
    except Infeasible:
        assert expected is None
        return
    assert expected is not None
    assert_valid(problem, result)
    assert result.optimal
    assert result.objective == pytest.approx(expected, abs=1e-9)
    assert result.gap == pytest.approx(0, abs=1e-9)


def test_flow_certificate_matches_the_optimum_with_pooled_pairs():
    """200 bids × 300 experts, 5 scored experts per bid: most reviews come from the pool of zero pairs; the LP dual
    bound computed from the problem's data equals the total, and the dense model gives the same total."""
    rng = np.random.default_rng(7)
    B, E = 200, 300
    scored = np.zeros((B, E), bool)
    for b in range(B):
        scored[b, rng.choice(E, 5, replace=False)] = True
    scores = np.where(scored, np.round(rng.random((B, E)) * 2 - 0.5, 3), 0)
    conflicts = rng.random((B, E)) < 0.05
    problem = dense(scores, conflicts, per_bid=3, max_load=3, min_load=1, scored=scored)
    pooled = solve(problem, materialise_limit=0)
    full = solve(problem)
    assert_valid(problem, pooled)
    assert pooled.stats["pooled_units"] > 0 and full.stats["materialised"] == B
    assert pooled.certified and full.certified
    assert pooled.total == pytest.approx(full.total, abs=1e-9)
    assert pooled.bound == pytest.approx(pooled.total, abs=1e-6)
    assert pooled.gap == 0


def test_conflicts_loads_and_negative_scores():
    scores = [[0.9, 0.8, -0.2, 0.0], [0.9, 0.1, 0.7, -0.5], [0.2, 0.9, 0.9, 0.3]]
    conflicts = [[True, False, False, False], [False, False, False, False], [False, True, False, False]]
    problem = dense(scores, conflicts, per_bid=2, max_load=2, min_load=1)
    result = solve(problem)
    assert_valid(problem, result)
    assert result.objective == pytest.approx(brute_force(problem))
    pairs = set(zip(result.bid.tolist(), result.expert.tolist(), strict=True))
    assert (0, 0) not in pairs and (2, 1) not in pairs


def test_overlapping_quotas_use_cp_sat_and_are_met():
    """Region and sector overlap (a Hong Kong expert from industry counts for both): CP-SAT, every quota met."""
    rng = np.random.default_rng(3)
    B, E = 12, 16
    region = rng.choice(["HK", "Mainland", "Macao"], E, p=[0.3, 0.5, 0.2])
    industry = rng.random(E) < 0.4
    scores = np.round(rng.random((B, E)), 2)
    # The best experts are Mainland academics, so the unconstrained optimum misses the quotas.
    scores[:, (region == "Mainland") & ~industry] += 1
    quotas = [Quota("region", "HK", 1, region == "HK"), Quota("region", "Mainland", 1, region == "Mainland"),
              Quota("sector", "industry", 1, industry)]
    problem = dense(scores, rng.random((B, E)) < 0.05, per_bid=3, max_load=3, quotas=quotas)
    result = solve(problem)
    assert_valid(problem, result)
    assert result.method == "CP-SAT" and result.optimal and result.gap == 0
    assert solve(problem, method="cp-sat").objective == pytest.approx(result.objective)


def test_flow_optimum_that_already_meets_overlapping_quotas_is_taken():
    scores = np.array([[1.0, 0.9, 0.1, 0.0], [0.9, 1.0, 0.0, 0.1]])
    hk = np.array([True, False, False, False])
    industry = np.array([False, True, False, True])
    problem = dense(scores, per_bid=2, max_load=2, quotas=[Quota("region", "HK", 1, hk),
                                                             Quota("sector", "industry", 1, industry | hk)])
    result = solve(problem)
    assert result.method.startswith("min-cost flow (its optimum met every quota)")
    assert result.total == pytest.approx(3.8)


def test_disjoint_quotas_stay_in_the_flow():
    region = np.array(["HK", "HK", "Mainland", "Mainland", "abroad"])
    scores = np.array([[0.1, 0.2, 0.9, 0.8, 1.0]] * 3)
    quotas = [Quota("region", "HK", 1, region == "HK"), Quota("region", "Mainland", 1, region == "Mainland")]
    problem = dense(scores, per_bid=3, max_load=3, quotas=quotas)
    result = solve(problem)
    assert_valid(problem, result)
    assert result.method == "min-cost flow"
    assert result.total == pytest.approx(3 * (0.2 + 0.9 + 1.0))


def test_soft_quota_pays_the_penalty_instead_of_failing():
    hk = np.array([True, False, False])
    scores = [[0.0, 0.5, 0.5]]
    hard = dense(scores, [[True, False, False]], per_bid=2, max_load=1, quotas=[Quota("region", "HK", 1, hk)])
    with pytest.raises(Infeasible, match="quota region=HK:1 needs 1 expert with region=HK, but only 0 are free"):
        solve(hard)
    soft = dense(scores, [[True, False, False]], per_bid=2, max_load=1, quotas=[Quota("region", "HK", 1, hk)],
                 penalty=0.3)
    result = solve(soft)
    assert (result.shortfall, result.penalty, result.objective) == (1, 0.3, pytest.approx(0.7))
    # Cheap enough to meet: the penalty outweighs the loss.
    cheap = dense([[0.0, 0.5, 0.5]], per_bid=2, max_load=1, quotas=[Quota("region", "HK", 1, hk)], penalty=0.8)
    assert solve(cheap).shortfall == 0


def test_scores_without_a_decimal_scale_report_the_rounding():
    scores = np.array([[1 / 3, 2 / 3, 1 / 7], [1 / 9, 5 / 7, 4 / 11]])
    result = solve(dense(scores, per_bid=1, max_load=1))
    assert result.rounding > 0 and result.rounding < 1e-6
    assert result.total == pytest.approx(1 / 3 + 5 / 7)


INFEASIBLE = [
    pytest.param(lambda: dense(np.zeros((50, 34)), per_bid=3, max_load=np.r_[[3] * 32, 2, 2], min_load=1),
                 "demand 150 reviews, but experts can give between 34 and 100", id="demand-above-supply"),
    pytest.param(lambda: dense(np.zeros((2, 10)), per_bid=1, max_load=3, min_load=1),
                 "demand 2 reviews, but experts can give between 10 and 30", id="demand-below-min-loads"),
    pytest.param(lambda: dense(np.zeros((3, 4)), [[True, True, False, False], [True, True, False, False],
                                                  [False] * 4], per_bid=3, max_load=3),
                 "bid b0 needs 3 experts, but only 2 are free of conflict (and 1 other bid likewise)",
                 id="bid-short-of-experts"),
    pytest.param(lambda: dense(np.zeros((2, 3)), [[True, False, False], [False, False, False]], per_bid=1,
                               max_load=2, min_load=np.array([2, 0, 0])),
                 "expert e0 must give at least 2 reviews, but only 1 bid is free of conflict with them",
                 id="expert-min-load"),
    pytest.param(lambda: dense(np.zeros((2, 6)), per_bid=3, max_load=3,
                               quotas=[Quota("region", "HK", 4, np.ones(6, bool))]),
                 "quota region=HK:4 asks for 4 experts per bid, but each bid gets 3", id="quota-above-k"),
    pytest.param(lambda: dense(np.zeros((2, 6)), per_bid=3, max_load=3,
                               quotas=[Quota("region", "HK", 2, np.arange(6) < 3),
                                       Quota("region", "Mainland", 2, np.arange(6) >= 3)]),
                 "quotas region=HK:2, region=Mainland:2 ask for 4 experts per bid, but each bid gets 3",
                 id="disjoint-quotas-above-k"),
    pytest.param(lambda: dense(np.zeros((2, 6)), per_bid=3, max_load=3,
                               quotas=[Quota("region", "Macao", 1, np.zeros(6, bool))]),
                 "quota region=Macao:1: no expert has region=Macao", id="quota-nobody"),
    pytest.param(lambda: dense(np.zeros((10, 8)), per_bid=2, max_load=4,
                               quotas=[Quota("region", "HK", 1, np.arange(8) == 0)]),
                 "quota region=HK:1 needs 10 reviews from experts with region=HK, but they can give at most 4",
                 id="quota-capacity"),
    pytest.param(lambda: dense(np.zeros((2, 6)), [[False] * 6, [True, False, False, False, False, False]],
                               per_bid=2, max_load=2, quotas=[Quota("region", "HK", 1, np.arange(6) == 0)]),
                 "bid b1: quota region=HK:1 needs 1 expert with region=HK, but only 0 are free of conflict",
                 id="quota-conflicted"),
    pytest.param(lambda: dense(np.zeros((3, 5)), [[False, False, True, True, True], [False, False, True, True, True],
                                                  [False] * 5], per_bid=2, max_load=np.array([1, 1, 2, 2, 2])),
                 "bids b0, b1 need 4 reviews, but the experts free of conflict with them can give at most 2",
                 id="hall-cut-bids"),
    pytest.param(lambda: dense(np.zeros((2, 3)), per_bid=1, max_load=1,
                               quotas=[Quota("region", "HK", 1, np.array([True, False, True])),
                                       Quota("sector", "industry", 1, np.array([False, True, True]))]),
                 "no assignment meets all the constraints together (1 expert per bid, the loads, the conflicts, the "
                 "quotas)",
                 id="generic"),
]


@pytest.mark.parametrize(("build", "message"), INFEASIBLE)
def test_infeasible_messages(build, message):
    with pytest.raises(Infeasible) as caught:
        solve(build())
    assert str(caught.value) == message


def test_min_load_cut_names_the_experts():
    # e0 and e1 must each review 2 bids, but only b0 and b1 are free of conflict with them... and b0, b1 take 1 each.
    conflicts = [[False, False, True, True], [False, False, True, True], [True, True, False, False]]
    problem = dense(np.zeros((3, 4)), conflicts, per_bid=1, max_load=2, min_load=np.array([2, 1, 0, 0]))
    with pytest.raises(Infeasible) as caught:
        solve(problem)
    assert str(caught.value) == ("experts e0, e1 must give at least 3 reviews, but the bids free of conflict with them "
                                 "can take at most 2")


@pytest.mark.parametrize(("change", "message"), [
    ({"pair_bid": np.array([0, 0]), "pair_expert": np.array([1, 1]), "pair_score": np.array([0.1, 0.2])},
     r"pair \(b0, e1\) is scored twice"),
    ({"pair_bid": np.array([0]), "pair_expert": np.array([1]), "pair_score": np.array([np.nan])}, "finite"),
    ({"min_load": 3}, "min load 3 is above max load 2"),
    ({"per_bid": 0}, "at least one expert"),
    ({"pair_bid": np.array([5]), "pair_expert": np.array([1]), "pair_score": np.array([0.1])}, "out of range"),
])
def test_malformed_problems_raise_value_error(change, message):
    problem = dense(np.zeros((2, 3)), per_bid=1, max_load=2, scored=np.zeros((2, 3), bool))
    for key, value in change.items():
        setattr(problem, key, value)
    with pytest.raises(ValueError, match=message):
        solve(problem)


def test_infeasible_carries_code_and_params_for_the_app():
    with pytest.raises(Infeasible) as caught:
        solve(INFEASIBLE[0].values[0]())
    assert (caught.value.code, caught.value.params) == ("demand", {"demand": 150, "low": 34, "high": 100})
    with pytest.raises(Infeasible) as caught:
        solve(INFEASIBLE[9].values[0]())
    assert caught.value.code == "bids_cut"
    assert caught.value.params == {"bids": ["b0", "b1"], "needed": 4, "most": 2}
