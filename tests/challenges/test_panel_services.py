"""The panel's services: the pool, officers' conflict decisions, propose with quotas (hard and soft) on small
instances checked by hand, the infeasible message, swap refusals, deploy once, declare. Every refusal changes
nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hetao.audit.models import AuditEvent
from hetao.challenges.models import (
    Assignment,
    AssignmentRun,
    ChallengeStatus,
    ConflictOverride,
    Declaration,
    Expert,
    ExpertStatus,
    RunStatus,
)
from hetao.challenges.services import panel
from hetao.community.models import Notification
from hetao.core.workflow import InvalidTransition
from tests import factories

from . import builders

pytestmark = pytest.mark.django_db

QUANTUM = "量子纠错与超导量子比特的实时解码 surface code qubit decoding"
MEDICINE = "肿瘤免疫治疗的临床试验 clinical trial oncology immunotherapy"


@pytest.fixture
def officer(db):
    from tests.conftest import staff_in

    return staff_in("paneloff", "research_management")


def snapshot():
    return (list(Expert.objects.order_by("pk").values_list()),
            list(ConflictOverride.objects.order_by("pk").values_list()),
            list(AssignmentRun.objects.order_by("pk").values_list()),
            list(Assignment.objects.order_by("pk").values_list()), AuditEvent.objects.count(),
            Notification.objects.count())


def in_review(officer, **fields):
    return builders.challenge(officer, status=ChallengeStatus.REVIEW, closes_in=-datetime.timedelta(hours=1),
                              **fields)


def a_bid(challenge, name, summary):
    made = builders.bid(challenge, factories.make_user(name))
    made.summary = made.approach = made.work_plan = summary
    made.save()
    return made


def an_expert(name, region, topic, **extra):
    return builders.pool_expert(name, region=region, disciplines=topic, keywords=topic, **extra)


# ── The pool ─────────────────────────────────────────────────────────────────────────────────────────────────

def test_invite_respond_and_profile(officer):
    nobody = factories.make_user("noperson")
    before = snapshot()
    with pytest.raises(ValidationError, match="not linked to a registry person"):
        panel.expert_invite(actor=officer, user=nobody, disciplines="physics", region="hong_kong", sector="academia")
    assert snapshot() == before
    user = factories.make_user("invitee", person=factories.PersonFactory())
    with pytest.raises(PermissionDenied):
        panel.expert_invite(actor=nobody, user=user, disciplines="physics", region="hong_kong", sector="academia")
    expert = panel.expert_invite(actor=officer, user=user, disciplines="physics，量子", region="hong_kong",
                                 sector="industry", max_load=5)
    assert expert.status == ExpertStatus.INVITED and expert.person_id == user.person_id
    assert expert.disciplines == "physics, 量子"
    assert Notification.objects.filter(user=user).count() == 1
    assert AuditEvent.objects.filter(action="challenges.expert.invite").count() == 1
    with pytest.raises(ValidationError, match="already invited"):
        panel.expert_invite(actor=officer, user=user, disciplines="x", region="hong_kong", sector="academia")
    with pytest.raises(PermissionDenied):
        panel.expert_respond(actor=officer, expert=expert, accept=True)
    expert = panel.expert_respond(actor=user, expert=expert, accept=True)
    assert expert.status == ExpertStatus.ACTIVE and expert.accepted_at
    with pytest.raises(InvalidTransition):
        panel.expert_respond(actor=user, expert=expert, accept=False)
    before = snapshot()
    for bad in ({"max_load": 0}, {"max_load": 21}, {"region": "mars"}, {"sector": "army"}, {"disciplines": " "},
                {"languages": "fr"}):
        with pytest.raises(ValidationError):
            panel.expert_profile_save(actor=user, expert=expert, **bad)
    with pytest.raises(ValidationError):
        panel.expert_profile_save(actor=user, expert=expert, status="active")
    with pytest.raises(PermissionDenied):
        panel.expert_profile_save(actor=officer, expert=expert, max_load=3)
    assert snapshot() == before
    expert = panel.expert_profile_save(actor=user, expert=expert, max_load=20, available=False)
    assert Expert.objects.get(pk=expert.pk).max_load == 20


# ── Conflicts decided by officers ────────────────────────────────────────────────────────────────────────────

def test_conflict_add_and_lift_one_decision_per_pair(officer):
    challenge = in_review(officer)
    bid = a_bid(challenge, "lead1", QUANTUM)
    expert = an_expert("hk1", "hong_kong", "qubit")
    before = snapshot()
    with pytest.raises(ValidationError, match="reason"):
        panel.conflict_add(actor=officer, bid=bid, expert=expert, reason="  ")
    with pytest.raises(PermissionDenied):
        panel.conflict_add(actor=expert.user, bid=bid, expert=expert, reason="x")
    assert snapshot() == before
    added = panel.conflict_add(actor=officer, bid=bid, expert=expert, reason="Co-authors in 2024")
    lifted = panel.conflict_lift(actor=officer, bid=bid, expert=expert, reason="A namesake after all")
    assert added.pk == lifted.pk and ConflictOverride.objects.get().effect == "lift"
    assert list(AuditEvent.objects.filter(action__startswith="challenges.conflict.").values_list("action", flat=True)
                .order_by("pk")) == ["challenges.conflict.add", "challenges.conflict.lift"]


# ── Propose ──────────────────────────────────────────────────────────────────────────────────────────────────

def pairs(run):
    return {(a.bid_id, a.expert_id) for a in run.assignments.all()}


def test_propose_with_hard_quotas_on_a_small_instance(officer):
    """2 bids × 2 experts, 4 experts with one bid each. The best without quotas gives the quantum bid three quantum
    experts to choose from; with one Hong Kong and one Mainland expert per bid, the quantum bid must take hk1
    (the only quantum expert of Hong Kong) and one Mainland quantum expert; the medicine bid gets hk2 and the other."""
    challenge = in_review(officer, experts_per_bid=2, max_load=1, min_hk_macao_experts=1, min_mainland_experts=1,
                          min_industry_experts=0, quotas_hard=True)
    quantum, medicine = a_bid(challenge, "lq", QUANTUM), a_bid(challenge, "lm", MEDICINE)
    hk1 = an_expert("hk1", "hong_kong", QUANTUM)
    hk2 = an_expert("hk2", "hong_kong", MEDICINE)
    ml1 = an_expert("ml1", "mainland", QUANTUM)
    ml2 = an_expert("ml2", "mainland", QUANTUM)
    with pytest.raises(PermissionDenied):
        panel.assignment_propose(actor=hk1.user, challenge=challenge)
    run = panel.assignment_propose(actor=officer, challenge=challenge)
    chosen = pairs(run)
    assert (quantum.pk, hk1.pk) in chosen and (medicine.pk, hk2.pk) in chosen
    assert len({e for b, e in chosen if b == quantum.pk} & {ml1.pk, ml2.pk}) == 1
    assert len({e for b, e in chosen if b == medicine.pk} & {ml1.pk, ml2.pk}) == 1
    assert run.status == RunStatus.PROPOSED and run.quota_shortfalls == []
    assert run.upper_bound is not None and run.upper_bound >= run.total_affinity - 1e-6
    assert abs(run.total_affinity - sum(a.affinity for a in run.assignments.all())) < 1e-6
    assert AuditEvent.objects.filter(action="challenges.assignment.propose").count() == 1


def test_soft_quotas_are_reported_and_hard_ones_refused(officer):
    challenge = in_review(officer, experts_per_bid=2, max_load=2, min_hk_macao_experts=1, min_mainland_experts=1,
                          quotas_hard=True)
    first, second = a_bid(challenge, "l1", QUANTUM), a_bid(challenge, "l2", MEDICINE)
    for i in range(3):
        an_expert(f"ml{i}", "mainland", QUANTUM)
    before = snapshot()
    with pytest.raises(ValidationError, match="hk_macao") as refused:
        panel.assignment_propose(actor=officer, challenge=challenge)
    assert "No assignment meets the constraints" in refused.value.messages[0]
    assert snapshot() == before
    challenge.quotas_hard = False
    challenge.save(update_fields=["quotas_hard"])
    run = panel.assignment_propose(actor=officer, challenge=challenge)
    assert sorted((s["bid"], s["quota"], s["missing"]) for s in run.quota_shortfalls) == [
        (first.pk, "hk_macao", 1), (second.pk, "hk_macao", 1)]
    assert run.assignments.count() == 4


def test_infeasible_demand_is_explained_and_nothing_is_stored(officer):
    challenge = in_review(officer, experts_per_bid=3, max_load=1, min_hk_macao_experts=0, min_mainland_experts=0)
    for i in range(3):
        a_bid(challenge, f"lead{i}", QUANTUM)
    for i in range(4):
        an_expert(f"e{i}", "mainland", QUANTUM)
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        panel.assignment_propose(actor=officer, challenge=challenge)
    assert refused.value.messages == ["Demand 9 reviews, but experts can give between 0 and 4."]
    assert snapshot() == before


def test_propose_needs_the_review_phase(officer):
    challenge = builders.challenge(officer)  # open, deadline tomorrow
    a_bid(challenge, "early", QUANTUM)
    an_expert("e1", "mainland", QUANTUM)
    with pytest.raises(InvalidTransition):
        panel.assignment_propose(actor=officer, challenge=challenge)
    assert not AssignmentRun.objects.exists()


def test_conflicts_are_never_assigned(officer):
    challenge = in_review(officer, experts_per_bid=1, max_load=2, min_hk_macao_experts=0, min_mainland_experts=0)
    bid = a_bid(challenge, "lc", QUANTUM)
    best, other = an_expert("best", "mainland", QUANTUM), an_expert("other", "mainland", MEDICINE)
    ConflictOverride.objects.create(bid=bid, expert=best, effect="add", reason="Supervisor", decided_by=officer)
    assert pairs(panel.assignment_propose(actor=officer, challenge=challenge)) == {(bid.pk, other.pk)}


# ── Swap ─────────────────────────────────────────────────────────────────────────────────────────────────────

@pytest.fixture
def proposed(officer):
    """A proposed run by hand: bid A ← hk1, ml1; bid B ← hk2, ml2. Spare: ml3 (free), hk3 (max load 1, on B? no:
    free). Quotas hard: one Hong Kong and one Mainland expert per bid; at most 2 bids per expert."""
    challenge = in_review(officer, experts_per_bid=2, max_load=2, min_hk_macao_experts=1, min_mainland_experts=1)
    bid_a, bid_b = a_bid(challenge, "la", QUANTUM), a_bid(challenge, "lb", MEDICINE)
    experts = {name: an_expert(name, "hong_kong" if name.startswith("hk") else "mainland", QUANTUM,
                               max_load=1 if name == "ml2" else 4)
               for name in ("hk1", "hk2", "ml1", "ml2", "ml3")}
    run = AssignmentRun.objects.create(challenge=challenge, created_by=officer, total_affinity=2.0)
    for bid, name in ((bid_a, "hk1"), (bid_a, "ml1"), (bid_b, "hk2"), (bid_b, "ml2")):
        Assignment.objects.create(run=run, bid=bid, expert=experts[name], affinity=0.5)
    return run, bid_a, bid_b, experts


def test_swap_refusals_change_nothing(officer, proposed):
    run, bid_a, bid_b, e = proposed
    ConflictOverride.objects.create(bid=bid_a, expert=e["ml3"], effect="add", reason="Family", decided_by=officer)
    before = snapshot()
    cases = [
        (dict(bid=bid_a, remove=e["ml1"], add=e["ml3"]), "in conflict"),
        (dict(bid=bid_a, remove=e["ml1"], add=e["hk1"]), "already assigned"),
        (dict(bid=bid_a, remove=e["ml1"], add=e["ml2"]), "more than 1"),
        (dict(bid=bid_a, remove=e["hk1"], add=e["ml2"]), "more than 1"),
        (dict(bid=bid_b, remove=e["hk2"], add=e["ml1"]), "hard quota"),
        (dict(bid=bid_a, remove=e["hk2"], add=e["ml1"]), "not assigned"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValidationError, match=message):
            panel.assignment_swap(actor=officer, run=run, **kwargs)
    with pytest.raises(PermissionDenied):
        panel.assignment_swap(actor=e["hk1"].user, run=run, bid=bid_b, remove=e["ml2"], add=e["ml1"])
    assert snapshot() == before


def test_swap_by_hand_then_deploy_once(officer, proposed):
    run, bid_a, bid_b, e = proposed
    run = panel.assignment_swap(actor=officer, run=run, bid=bid_b, remove=e["ml2"], add=e["ml1"])
    swapped = Assignment.objects.get(run=run, bid=bid_b, expert=e["ml1"])
    assert swapped.by_hand and not Assignment.objects.filter(run=run, expert=e["ml2"]).exists()
    other = AssignmentRun.objects.create(challenge=run.challenge, created_by=officer)
    deployed = panel.assignment_deploy(actor=officer, run=run)
    assert deployed.status == RunStatus.DEPLOYED and deployed.deployed_by == officer
    assert AssignmentRun.objects.get(pk=other.pk).status == RunStatus.DISCARDED
    notes = Notification.objects.filter(user=e["ml1"].user)
    assert notes.count() == 2 and all("/declare/" in n.url for n in notes)
    assert AuditEvent.objects.filter(action="challenges.assignment.deploy").count() == 1
    before = snapshot()
    with pytest.raises(InvalidTransition):
        panel.assignment_deploy(actor=officer, run=run)
    with pytest.raises(InvalidTransition):
        panel.assignment_deploy(actor=officer, run=other)
    with pytest.raises(InvalidTransition):
        panel.assignment_swap(actor=officer, run=run, bid=bid_a, remove=e["ml1"], add=e["ml3"])
    with pytest.raises(InvalidTransition, match="already deployed"):
        panel.assignment_propose(actor=officer, challenge=run.challenge)
    assert snapshot() == before
    assert AssignmentRun.objects.filter(challenge=run.challenge, status=RunStatus.DEPLOYED).count() == 1


# ── Declare ──────────────────────────────────────────────────────────────────────────────────────────────────

def test_declare_conflict_or_none(officer):
    challenge = in_review(officer)
    bid = a_bid(challenge, "ld", QUANTUM)
    yes, no = an_expert("yes", "mainland", QUANTUM), an_expert("no", "mainland", QUANTUM)
    run = builders.deployed_run(challenge, [(bid, yes), (bid, no)])
    first, second = run.assignments.get(expert=yes), run.assignments.get(expert=no)
    before = snapshot()
    with pytest.raises(ValidationError, match="Say what the conflict is"):
        panel.assignment_declare(actor=no.user, assignment=second, conflict=True, reason="")
    with pytest.raises(PermissionDenied):
        panel.assignment_declare(actor=yes.user, assignment=second, conflict=False)
    assert snapshot() == before
    made = panel.assignment_declare(actor=yes.user, assignment=first, conflict=False)
    assert made.declaration == Declaration.NO_CONFLICT and made.declared_at
    from hetao.core.permissions import can

    assert can(yes.user, "challenges.review", made)
    made = panel.assignment_declare(actor=no.user, assignment=second, conflict=True, reason="My former student")
    assert made.declaration == Declaration.CONFLICT and made.conflict_reason == "My former student"
    assert Notification.objects.filter(user=officer, body__contains="My former student").exists()
    assert AuditEvent.objects.filter(action="challenges.assignment.declare").count() == 2
    with pytest.raises(InvalidTransition):
        panel.assignment_declare(actor=no.user, assignment=second, conflict=False)
