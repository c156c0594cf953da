"""Review, consensus, ranking, defence and award services: the arithmetic, every bad input refused with nothing
written, and the database deciding a second review."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from hetao.audit.models import AuditEvent
from hetao.challenges import selectors_reviews
from hetao.challenges.models import (
    Assignment,
    AssignmentRun,
    Award,
    Bid,
    BidStatus,
    Challenge,
    ChallengeStatus,
    Consensus,
    ConsensusStatus,
    Declaration,
    Defence,
    Review,
    ReviewStatus,
    RunStatus,
    Score,
)
from hetao.challenges.services import reviews as services
from hetao.community.models import Notification
from hetao.core.workflow import InvalidTransition
from tests import factories

from . import builders

pytestmark = pytest.mark.django_db

D = Decimal


def in_review(officer, *, bids: int = 1, experts: int = 2, declaration: str = Declaration.NO_CONFLICT,
              code: str = "HT-2024-01", amounts=None):
    """A challenge in review with `bids` submitted bids, each assigned to the same `experts` (deployed)."""
    challenge = builders.challenge(officer, code=code)
    made = []
    for n in range(bids):
        lead = factories.make_user(f"{code.lower()}-lead{n}")
        kwargs = {"amounts": amounts[n]} if amounts else {}
        made.append(builders.bid(challenge, lead, **kwargs))
    challenge = builders.close(challenge, status=ChallengeStatus.REVIEW)
    pool = [builders.pool_expert(f"{code.lower()}-x{n}") for n in range(experts)]
    builders.deployed_run(challenge, [(b, e) for b in made for e in pool], declaration=declaration)
    return challenge, made, pool


def criteria(challenge: Challenge) -> list:
    return list(challenge.criteria.order_by("order", "id"))


def assignment_of(bid: Bid, expert) -> Assignment:
    return Assignment.objects.get(bid=bid, expert=expert, run__status=RunStatus.DEPLOYED)


def review(bid, expert, values, na=(), submit=True) -> Review:
    """A review with `values` (one per criterion, in rubric order; None for N/A)."""
    crits = criteria(bid.challenge)
    scores = {c.pk: (D(str(v)) if v is not None else None) for c, v in zip(crits, values, strict=True)}
    not_applicable = {c.pk for c, v in zip(crits, values, strict=True) if v is None} | set(na)
    made = services.review_save(actor=expert.user, assignment=assignment_of(bid, expert), scores=scores,
                                not_applicable=not_applicable, comments_to_team="Clear plan.",
                                comments_to_panel="Confidential: check the costs.")
    return services.review_submit(actor=expert.user, review=made) if submit else made


def final_consensus(officer, bid, values, rapporteur=None) -> Consensus:
    consensus = services.consensus_open(actor=officer, bid=bid, rapporteur=rapporteur or officer)
    crits = criteria(bid.challenge)
    services.consensus_save(actor=officer, consensus=consensus,
                            scores={c.pk: D(str(v)) for c, v in zip(crits, values, strict=True)},
                            report_to_team="A strong bid.", notes_to_panel="Unanimous.")
    return services.consensus_finalise(actor=officer, consensus=consensus)


# ── Individual reviews ─────────────────────────────────────────────────────────────────────────────────────


def test_save_then_submit_computes_the_weighted_score(officer):
    challenge, (bid,), (expert, _other) = in_review(officer)
    draft = review(bid, expert, [8, 6, 5], submit=False)
    assert draft.status == ReviewStatus.DRAFT and draft.weighted_score is None
    assert sorted(Score.objects.filter(review=draft).values_list("score", flat=True)) == [D("5"), D("6"), D("8")]
    done = services.review_submit(actor=expert.user, review=draft)
    # (40·8/10 + 35·6/10 + 25·5/10) / 100 × 100
    assert done.status == ReviewStatus.SUBMITTED and done.weighted_score == D("65.50")
    assert isinstance(done.weighted_score, Decimal)
    assert AuditEvent.objects.filter(action="challenges.review.submit", target_id=str(done.pk)).exists()


def test_not_applicable_is_left_out_of_the_mean_not_counted_as_zero(officer):
    challenge, (bid,), (expert, _other) = in_review(officer)
    done = review(bid, expert, [8, 6, None])
    # Over the scored criteria only: (32 + 21) / 75 × 100 = 70.67; as 0 it would be 53.00.
    assert done.weighted_score == D("70.67")
    row = Score.objects.get(review=done, criterion=criteria(challenge)[2])
    assert row.score is None and row.not_applicable


@pytest.mark.parametrize("value, message", [
    (D("10.5"), "between 0 and 10"), (D("-1"), "between 0 and 10"), (D("7.125"), "at most two decimals"),
    (7.5, "not a float"), ("abc", "not a number"), (D("NaN"), "not a number"),
])
def test_bad_scores_are_refused_and_nothing_is_written(officer, value, message):
    challenge, (bid,), (expert, _other) = in_review(officer)
    first = criteria(challenge)[0]
    with pytest.raises(ValidationError) as caught:
        services.review_save(actor=expert.user, assignment=assignment_of(bid, expert), scores={first.pk: value})
    assert message in " ".join(caught.value.messages)
    assert not Review.objects.exists() and not Score.objects.exists()


def test_an_unknown_criterion_is_refused(officer):
    challenge, (bid,), (expert, _other) = in_review(officer)
    other_challenge, _bids, _pool = in_review(officer, code="HT-2024-02", experts=1)
    foreign = criteria(other_challenge)[0]
    for scores in ({999999: D(5)}, {foreign.pk: D(5)}):
        with pytest.raises(ValidationError, match="not in this challenge's rubric"):
            services.review_save(actor=expert.user, assignment=assignment_of(bid, expert), scores=scores)
    with pytest.raises(ValidationError, match="not in this challenge's rubric"):
        services.review_save(actor=expert.user, assignment=assignment_of(bid, expert), scores={},
                             not_applicable={foreign.pk})
    assert not Review.objects.exists()


def test_a_score_and_not_applicable_together_are_refused(officer):
    challenge, (bid,), (expert, _other) = in_review(officer)
    first = criteria(challenge)[0]
    with pytest.raises(ValidationError, match="choose one"):
        services.review_save(actor=expert.user, assignment=assignment_of(bid, expert), scores={first.pk: D(5)},
                             not_applicable={first.pk})


def test_a_second_review_of_the_same_bid_by_the_same_expert_is_refused_by_the_database(officer):
    challenge, (bid,), (expert, _other) = in_review(officer)
    first = review(bid, expert, [8, 6, 5], submit=False)
    # The database itself refuses a second row for the pair.
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(assignment=Assignment.objects.create(
            run=AssignmentRun.objects.create(challenge=challenge, created_by=officer), bid=bid, expert=expert),
            bid=bid, expert=expert)
    # Through the service: a new deployed run assigns the same pair again; the second review is refused.
    AssignmentRun.objects.filter(status=RunStatus.DEPLOYED).update(status=RunStatus.DISCARDED)
    builders.deployed_run(challenge, [(bid, expert)], declaration=Declaration.NO_CONFLICT)
    again = Assignment.objects.get(bid=bid, expert=expert, run__status=RunStatus.DEPLOYED)
    with pytest.raises(ValidationError, match="already reviewed this bid"):
        services.review_save(actor=expert.user, assignment=again, scores={})
    assert list(Review.objects.filter(bid=bid, expert=expert)) == [first]


@pytest.mark.parametrize("declaration", [Declaration.PENDING, Declaration.CONFLICT])
def test_no_review_without_declaring_no_conflict(officer, declaration):
    challenge, (bid,), (expert, _other) = in_review(officer, declaration=declaration)
    with pytest.raises(PermissionDenied):
        services.review_save(actor=expert.user, assignment=assignment_of(bid, expert),
                             scores={criteria(challenge)[0].pk: D(5)})
    assert not Review.objects.exists()


def test_others_may_not_write_an_experts_review(officer):
    challenge, (bid,), (expert, other) = in_review(officer)
    for actor in (other.user, officer, bid.lead):
        with pytest.raises(PermissionDenied):
            services.review_save(actor=actor, assignment=assignment_of(bid, expert), scores={})
    assert not Review.objects.exists()


def test_a_submitted_review_cannot_be_changed(officer):
    challenge, (bid,), (expert, _other) = in_review(officer)
    done = review(bid, expert, [8, 6, 5])
    first = criteria(challenge)[0]
    with pytest.raises(InvalidTransition, match="already submitted"):
        services.review_save(actor=expert.user, assignment=assignment_of(bid, expert), scores={first.pk: D(1)})
    with pytest.raises(InvalidTransition, match="already submitted"):
        services.review_submit(actor=expert.user, review=done)
    assert Score.objects.get(review=done, criterion=first).score == D(8)


def test_submit_needs_every_criterion_and_one_scored(officer):
    challenge, (bid,), (expert, _other) = in_review(officer)
    first, second, third = criteria(challenge)
    draft = services.review_save(actor=expert.user, assignment=assignment_of(bid, expert),
                                 scores={first.pk: D(5)})
    with pytest.raises(ValidationError, match="Score every criterion"):
        services.review_submit(actor=expert.user, review=draft)
    draft = services.review_save(actor=expert.user, assignment=assignment_of(bid, expert), scores={},
                                 not_applicable={first.pk, second.pk, third.pk})
    with pytest.raises(ValidationError, match="Score at least one criterion"):
        services.review_submit(actor=expert.user, review=draft)
    draft.refresh_from_db()
    assert draft.status == ReviewStatus.DRAFT and draft.weighted_score is None


# ── Consensus ──────────────────────────────────────────────────────────────────────────────────────────────


def test_a_wide_spread_flags_the_bid(officer):
    challenge, (wide, narrow), (a, b) = in_review(officer, bids=2)
    review(wide, a, [9, 9, 9])   # 90
    review(wide, b, [5, 5, 5])   # 50 → spread 4.0 on 0–10 > 3
    review(narrow, a, [7, 7, 7])  # 70
    review(narrow, b, [6, 6, 6])  # 60 → spread 1.0
    assert services.consensus_open(actor=officer, bid=wide, rapporteur=officer).spread_flagged
    assert not services.consensus_open(actor=officer, bid=narrow, rapporteur=officer).spread_flagged
    assert AuditEvent.objects.filter(action="challenges.consensus.open").count() == 2


def test_one_consensus_per_bid_and_a_rapporteur_without_conflict(officer):
    challenge, (bid,), (a, b) = in_review(officer)
    review(bid, a, [7, 7, 7])
    outsider = factories.make_user("outsider")
    with pytest.raises(ValidationError, match="rapporteur must be"):
        services.consensus_open(actor=officer, bid=bid, rapporteur=outsider)
    Assignment.objects.filter(bid=bid, expert=b).update(declaration=Declaration.CONFLICT)
    with pytest.raises(ValidationError, match="rapporteur must be"):
        services.consensus_open(actor=officer, bid=bid, rapporteur=b.user)
    with pytest.raises(PermissionDenied):
        services.consensus_open(actor=a.user, bid=bid, rapporteur=a.user)
    assert not Consensus.objects.exists()
    made = services.consensus_open(actor=officer, bid=bid, rapporteur=a.user)
    assert made.rapporteur == a.user
    assert Notification.objects.filter(user=a.user).exists()
    with pytest.raises(ValidationError, match="already open"):
        services.consensus_open(actor=officer, bid=bid, rapporteur=officer)
    # The expert rapporteur writes it; the other expert may not.
    first = criteria(challenge)[0]
    services.consensus_save(actor=a.user, consensus=made, scores={first.pk: D("7.5")})
    with pytest.raises(PermissionDenied):
        services.consensus_save(actor=b.user, consensus=made, scores={first.pk: D(1)})


def test_consensus_scores_are_checked(officer):
    challenge, (bid,), (a, _b) = in_review(officer)
    review(bid, a, [7, 7, 7])
    made = services.consensus_open(actor=officer, bid=bid, rapporteur=officer)
    first = criteria(challenge)[0]
    for bad in ({first.pk: D(11)}, {first.pk: D("1.001")}, {424242: D(1)}):
        with pytest.raises(ValidationError):
            services.consensus_save(actor=officer, consensus=made, scores=bad)
    with pytest.raises(ValidationError, match="final score of every criterion"):
        services.consensus_finalise(actor=officer, consensus=made)
    made.refresh_from_db()
    assert made.status == ConsensusStatus.DRAFT and not made.scores.exists()


def test_below_a_threshold_the_bid_is_out(officer):
    challenge, (good, weak), (a, _b) = in_review(officer, bids=2)
    review(good, a, [8, 8, 8])
    review(weak, a, [8, 8, 8])
    passed = final_consensus(officer, good, [6, 5, 0])  # exactly the thresholds (6, 5, 0): passes
    assert passed.passed_thresholds and passed.total == D("41.50")  # 24 + 17.5 + 0
    failed = final_consensus(officer, weak, [10, "4.99", 10])  # feasibility below 5
    assert not failed.passed_thresholds and failed.status == ConsensusStatus.FINAL
    weak.refresh_from_db()
    good.refresh_from_db()
    assert weak.status == BidStatus.OUT and good.status == BidStatus.SUBMITTED
    assert AuditEvent.objects.filter(action="challenges.bid.mark_out", target_id=str(weak.pk)).exists()
    with pytest.raises(InvalidTransition, match="final"):
        services.consensus_save(actor=officer, consensus=failed, scores={})


# ── Ranking ────────────────────────────────────────────────────────────────────────────────────────────────


def test_ranking_tie_breaks(officer):
    """Passed first (even below a higher total), then total, then the highest-weighted criterion (technical
    merit, 40%), then the lower budget, then the earlier submission."""
    amounts = [(D(500),), (D(400),), (D(400),), (D(400),), (D(100),)]
    challenge, bids, (a, _b) = in_review(officer, bids=5, amounts=amounts)
    for bid in bids:
        review(bid, a, [7, 7, 7])
    by_merit, by_budget, by_time_late, by_time_early, out = bids
    now = timezone.now()
    Bid.objects.filter(pk=by_time_late.pk).update(submitted_at=now - datetime.timedelta(hours=1))
    Bid.objects.filter(pk=by_time_early.pk).update(submitted_at=now - datetime.timedelta(hours=2))
    Bid.objects.filter(pk=by_budget.pk).update(submitted_at=now, budget_total=D(300))
    assert final_consensus(officer, by_merit, [D("7.5"), 5, 5]).total == D("60.00")  # 30 + 17.5 + 12.5
    for bid in (by_budget, by_time_late, by_time_early):
        assert final_consensus(officer, bid, [6, 6, 6]).total == D("60.00")
    assert final_consensus(officer, out, [10, 1, 10]).total == D("68.50")  # higher, but below a threshold
    rows = selectors_reviews.ranking(challenge)
    assert [r.bid.pk for r in rows] == [by_merit.pk, by_budget.pk, by_time_early.pk, by_time_late.pk, out.pk]
    assert [r.rank for r in rows] == [1, 2, 3, 4, 5] and [r.passed for r in rows] == [True] * 4 + [False]
    assert rows[0].mean == D("70.00") and rows[0].scores[criteria(challenge)[0].pk] == D("7.50")


def test_ranking_query_count_does_not_grow(officer, django_assert_max_num_queries):
    challenge, bids, (a, b) = in_review(officer, bids=3)
    for bid in bids:
        review(bid, a, [7, 7, 7])
        review(bid, b, [6, 6, 6])
        final_consensus(officer, bid, [7, 7, 7])
    with django_assert_max_num_queries(5):
        assert len(selectors_reviews.ranking(challenge)) == 3
    with django_assert_max_num_queries(8):
        criteria_, rows = selectors_reviews.panel_rows(challenge)
        assert len(rows) == 3 and all(row.means[criteria_[0].pk] == D("6.50") for row in rows)


# ── Defence and award ──────────────────────────────────────────────────────────────────────────────────────


def ready_for_award(officer):
    challenge, (winner, runner), (a, b) = in_review(officer, bids=2)
    for bid in (winner, runner):
        review(bid, a, [8, 8, 8])
        review(bid, b, [7, 7, 7])
    final_consensus(officer, winner, [9, 9, 9])
    draft = services.consensus_open(actor=officer, bid=runner, rapporteur=officer)
    services.defence_schedule(actor=officer, bid=winner, scheduled_at=timezone.now() + datetime.timedelta(days=3),
                              mode="online", place="https://meet.example.org/x")
    challenge = services.challenge_start_defence(actor=officer, challenge=challenge)
    return challenge, winner, runner, draft


def test_award_refusals_change_nothing(officer):
    challenge, winner, runner, draft = ready_for_award(officer)
    assert challenge.status == ChallengeStatus.DEFENCE
    cases = [
        ([(runner, D(1000))], "Minutes.", "no final consensus"),
        ([(winner, challenge.budget_ceiling + 1)], "Minutes.", "over the budget ceiling"),
        ([(winner, D(1000))], "  ", "minutes"),
        ([], "Minutes.", "at least one winning bid"),
        ([(winner, D("0"))], "Minutes.", "must be positive"),
        ([(winner, 1000.0)], "Minutes.", "decimal number"),
    ]
    for winners, minutes, message in cases:
        with pytest.raises(ValidationError) as caught:
            services.challenge_award(actor=officer, challenge=challenge, winners=winners, minutes=minutes)
        assert message in " ".join(caught.value.messages), message
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.DEFENCE and challenge.awarded_at is None
    assert not Award.objects.exists()
    assert set(Bid.objects.values_list("status", flat=True)) == {BidStatus.SUBMITTED}
    with pytest.raises(PermissionDenied):
        services.challenge_award(actor=winner.lead, challenge=challenge, winners=[(winner, D(1))], minutes="M")


def test_award_marks_the_bids_and_tells_every_team(officer):
    challenge, winner, runner, draft = ready_for_award(officer)
    awarded = services.challenge_award(actor=officer, challenge=challenge, winners=[(winner, D("1500000.00"))],
                                       minutes="The panel chose bid 1 unanimously.")
    assert awarded.status == ChallengeStatus.AWARDED and awarded.awarded_at is not None
    assert awarded.decision_minutes == "The panel chose bid 1 unanimously."
    award = Award.objects.get()
    assert (award.bid, award.amount, award.currency) == (winner, D("1500000.00"), challenge.currency)
    winner.refresh_from_db()
    runner.refresh_from_db()
    assert winner.status == BidStatus.AWARDED and winner.rank == 1 and runner.status == BidStatus.NOT_AWARDED
    note = Notification.objects.get(user=winner.lead, url__contains=f"/bids/{winner.pk}/result/")
    assert "awarded" in note.title
    assert Notification.objects.filter(user=runner.lead, url__contains=f"/bids/{runner.pk}/result/").exists()
    assert AuditEvent.objects.filter(action="challenges.award", target_id=str(challenge.pk)).exists()
    with pytest.raises(InvalidTransition):
        services.challenge_award(actor=officer, challenge=challenge, winners=[(winner, D(1))], minutes="Again.")


def test_defence_scheduling_is_checked(officer):
    challenge, (bid,), (a, _b) = in_review(officer)
    with pytest.raises(ValidationError):
        services.defence_schedule(actor=officer, bid=bid, scheduled_at=timezone.now(), mode="by pigeon", place="x")
    with pytest.raises(PermissionDenied):
        services.defence_schedule(actor=a.user, bid=bid, scheduled_at=timezone.now(), mode="online", place="x")
    Bid.objects.filter(pk=bid.pk).update(status=BidStatus.OUT)
    with pytest.raises(InvalidTransition):
        services.defence_schedule(actor=officer, bid=bid, scheduled_at=timezone.now(), mode="online", place="x")
    assert not Defence.objects.exists()
    scheduled = Bid.objects.get(pk=bid.pk)
    Bid.objects.filter(pk=bid.pk).update(status=BidStatus.SUBMITTED)
    scheduled.refresh_from_db()
    services.defence_schedule(actor=officer, bid=scheduled, scheduled_at=timezone.now(), mode="on_site",
                              place="Hetao, Building 1")
    assert Notification.objects.filter(user=bid.lead, title__contains="defence").exists()
