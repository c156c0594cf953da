"""The demo's six challenges of 2024: one or more in every phase, loaded through the services of each part, fast,
once, and removed by the reset."""

import time

import pytest

from hetao.accounts.models import User
from hetao.challenges.demo import clear_demo_challenges, load_demo_challenges
from hetao.challenges.demo_challenges import CODES, EXPERTS, clear_demo_challenge_calls, load_demo_challenge_calls
from hetao.challenges.models import (
    Assignment,
    AssignmentRun,
    Award,
    Bid,
    BidMember,
    BidStatus,
    Challenge,
    ChallengeStatus,
    Consensus,
    ConsensusStatus,
    Declaration,
    Defence,
    Expert,
    ExpertStatus,
    Review,
    ReviewStatus,
    RunStatus,
    Topic,
)
from tests.conftest import ensure_departments

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    from hetao.accounts.demo import load_demo_accounts

    ensure_departments()
    load_demo_accounts()
    load_demo_challenges()  # the topics, then the challenges (demo_challenges.load_demo_challenge_calls)


def _challenge(code: str) -> Challenge:
    return Challenge.objects.get(code=code)


def test_six_challenges_in_every_phase_with_the_counts_described(loaded):
    """One test for every phase (each test loads the demo, about 10 s on SQLite)."""
    statuses = dict(Challenge.objects.filter(code__in=CODES).values_list("code", "status"))
    assert statuses == {"HT-2024-01": ChallengeStatus.AWARDED, "HT-2024-02": ChallengeStatus.DEFENCE,
                        "HT-2024-03": ChallengeStatus.REVIEW, "HT-2024-04": ChallengeStatus.OPEN,
                        "HT-2024-05": ChallengeStatus.OPEN, "HT-2024-06": ChallengeStatus.DRAFT}
    for code in CODES:
        item = _challenge(code)
        assert item.criteria.count() == 4 and sum(item.criteria.values_list("weight", flat=True)) == 100
    # Challenges grown from the demo topics keep their provenance.
    assert Challenge.objects.filter(code__in=CODES, topics__isnull=False).distinct().count() == 4
    assert _challenge("HT-2024-04").topics.count() == 1
    assert _challenge("HT-2024-03").topics.get().title_zh_hant == "跨境臨床樣本的合規快速通關"

    # The pool: 12 experts from Hong Kong, Macao, the Mainland and abroad, academia and industry.
    pool = Expert.objects.filter(status=ExpertStatus.ACTIVE)
    assert pool.count() == len(EXPERTS) == 12
    assert set(pool.values_list("region", flat=True)) == {"hong_kong", "macao", "mainland", "abroad"}
    assert set(pool.values_list("sector", flat=True)) == {"academia", "industry"}
    assert all(expert.user.person_id == expert.person_id for expert in pool.select_related("user"))
    assert pool.filter(user__email="reviewer@example.org").exists()

    # Open: sealed, two bids submitted and one draft each; an invitation pending; the public Q&A.
    for code in ("HT-2024-04", "HT-2024-05"):
        item = _challenge(code)
        assert item.is_sealed and item.accepting_bids
        assert item.bids.filter(status=BidStatus.SUBMITTED).count() == 2
        assert item.bids.filter(status=BidStatus.DRAFT).count() == 1
        assert not AssignmentRun.objects.filter(challenge=item).exists()
    assert BidMember.objects.filter(bid__challenge__code="HT-2024-05", status="invited").count() == 1
    assert _challenge("HT-2024-04").questions.exclude(answer="").count() == 1

    # Review (blind): the assignment deployed; 4 reviews submitted, some drafted, some not yet declared; one
    # expert declared a conflict.
    item = _challenge("HT-2024-03")
    assert item.blind and not item.is_sealed
    run = AssignmentRun.objects.get(challenge=item, status=RunStatus.DEPLOYED)
    assignments = Assignment.objects.filter(run=run)
    assert assignments.count() == 4 * item.experts_per_bid
    assert assignments.filter(declaration=Declaration.CONFLICT).count() == 1
    assert assignments.filter(declaration=Declaration.PENDING).count() == 4
    reviews = Review.objects.filter(bid__challenge=item)
    assert reviews.filter(status=ReviewStatus.SUBMITTED).count() == 4
    assert reviews.filter(status=ReviewStatus.DRAFT).count() == 3
    assert not Consensus.objects.filter(bid__challenge=item).exists()

    # Defence: consensus final for two bids, the third flagged (its reviews spread) and still a draft.
    item = _challenge("HT-2024-02")
    assert not item.blind
    consensus = Consensus.objects.filter(bid__challenge=item)
    assert consensus.filter(status=ConsensusStatus.FINAL).count() == 2
    assert consensus.get(spread_flagged=True).status == ConsensusStatus.DRAFT
    assert Defence.objects.filter(bid__challenge=item).count() == 3
    assert not Award.objects.filter(challenge=item).exists()

    # Awarded: two winners with Award rows, one bid out below a threshold, every consensus final with a report.
    item = _challenge("HT-2024-01")
    assert item.awarded_at is not None and item.decision_minutes
    awards = Award.objects.filter(challenge=item)
    assert awards.count() == 2
    assert {a.currency for a in awards} == {"CNY"} and all(a.amount <= item.budget_ceiling for a in awards)
    assert sorted(item.bids.values_list("status", flat=True)) == sorted(
        [BidStatus.AWARDED, BidStatus.AWARDED, BidStatus.OUT])
    finals = Consensus.objects.filter(bid__challenge=item, status=ConsensusStatus.FINAL)
    assert finals.count() == 3 and all(c.report_to_team for c in finals)
    assert Bid.objects.get(challenge=item, lead__email="applicant@example.org").status == BidStatus.AWARDED


def test_computed_conflicts_appear_and_are_never_assigned(loaded):
    """A shared organisation (CityU's Futian institute), a parent organisation (HKUST and its institute), an
    organisation left less than 3 years ago (Kunyun, a team member's), a shared registry project, and one added by
    the officer."""
    from hetao.challenges import conflicts

    item = _challenge("HT-2024-03")
    bids = {bid.lead.email: bid for bid in item.bids.select_related("lead")}
    experts = {expert.user.email: expert for expert in Expert.objects.select_related("user")}
    computed = conflicts.compute(list(bids.values()), list(experts.values()))
    for lead, expert, code in (
            ("lam.wingsze@cityu-futian.example", "wang.fang@cityu-futian.example", "same_org"),
            ("applicant@example.org", "wong.siuming@hkust.example", "parent_org"),
            ("ho.chikeung@polyu-futian.example", "chen.jing@united-imaging.example", "shared_project"),
            ("ho.chikeung@polyu-futian.example", "huang.zhiqiang@gba-bigdata.example", "same_org"),
            ("tang.kawai@cuhk-sz-hk.example", "lei.chihou@biobank-macao.example", "officer")):
        codes = {reason.code for reason in computed.get((bids[lead].pk, experts[expert].pk), [])}
        assert code in codes, (lead, expert, codes)
    assert (bids["tang.kawai@cuhk-sz-hk.example"].pk, experts["zhang.hua@siqa.example"].pk) not in computed
    # The reserved example domains put nobody in conflict.
    assert not any(r.code == "email_domain" for reasons in computed.values() for r in reasons)
    # The deployed assignment avoids every conflict known before it (the expert's own declaration comes after).
    before = {pair for pair, reasons in computed.items() if any(r.code != "self_declared" for r in reasons)}
    assigned = set(Assignment.objects.filter(run__challenge=item, run__status=RunStatus.DEPLOYED)
                   .values_list("bid_id", "expert_id"))
    assert assigned and not assigned & before


def test_fast_loaded_once_and_the_reset_removes_it(loaded):
    counts = (Challenge.objects.count(), Bid.objects.count(), Review.objects.count(), Expert.objects.count())
    load_demo_challenge_calls()  # already loaded: nothing happens
    assert (Challenge.objects.count(), Bid.objects.count(), Review.objects.count(),
            Expert.objects.count()) == counts
    clear_demo_challenge_calls()
    assert not Challenge.objects.exists() and not Expert.objects.exists()
    started = time.monotonic()
    load_demo_challenge_calls()
    seconds = time.monotonic() - started
    assert seconds < 20, f"the demo challenges took {seconds:.1f} s"
    assert (Challenge.objects.count(), Bid.objects.count(), Review.objects.count(),
            Expert.objects.count()) == counts
    clear_demo_challenges()  # the whole app's reset: challenges, then topics
    assert not Challenge.objects.exists() and not Bid.objects.exists() and not Expert.objects.exists()
    assert not Topic.objects.exists()
    assert not User.objects.filter(email__endswith=".example").exists()
    assert User.objects.filter(email="reviewer@example.org", person__isnull=True).exists()
