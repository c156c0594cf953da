"""Objects the repository's nets (the permission matrix, the query counts) act on for challenges, bids, the panel
and reviews, built straight with the ORM (tests/challenges/builders.py) so that each row meets its state directly.

Matrix setups take the matrix's actors (`users`: "owner" is the object's owner — the bid's lead, the expert, the
rapporteur — and "research_officer" the officer of research management) and return the row's context.
Growers take the query counts' people and add `n` rows the list shows."""

import datetime
from decimal import Decimal
from itertools import count as counter
from typing import Any

from django.utils import timezone

from hetao.challenges.models import (
    Assignment,
    Award,
    Bid,
    BidMember,
    BidStatus,
    Challenge,
    ChallengeQuestion,
    ChallengeStatus,
    Clarification,
    Consensus,
    ConsensusScore,
    ConsensusStatus,
    Declaration,
    Expert,
    ExpertStatus,
    MemberStatus,
    Review,
    ReviewStatus,
    Score,
)
from tests import factories
from tests.challenges import builders

serial = counter(1)

# ── Building blocks ────────────────────────────────────────────────────────────────────────────────────────


def stranger(prefix: str = "lead") -> Any:
    """A signed-in person who is none of the matrix's actors (another team's lead, another expert)."""
    return factories.make_user(f"{prefix}{next(serial)}")


def _code() -> str:
    return f"HT-2099-{next(serial):02d}"


def closed_challenge(officer: Any, *, status: str = ChallengeStatus.REVIEW, **extra: Any) -> Challenge:
    """A challenge whose deadline has passed, in `status` (review by default)."""
    return builders.close(builders.challenge(officer, code=_code(), **extra), status=status)


def expert_for(user: Any, **extra: Any) -> Expert:
    """The user's expert of the pool (made active once)."""
    found = Expert.objects.filter(user=user).first()
    return found or builders.pool_expert("", user=user, **extra)


def deploy(item: Challenge, bid: Bid, expert: Expert, declaration: str = Declaration.NO_CONFLICT) -> Assignment:
    """Assign `expert` to `bid` in the challenge's deployed run (made once: one deployed run per challenge)."""
    from hetao.challenges.models import AssignmentRun, RunStatus

    run = AssignmentRun.objects.filter(challenge=item, status=RunStatus.DEPLOYED).first()
    if run is None:
        return builders.deployed_run(item, [(bid, expert)], declaration=declaration).assignments.get()
    return Assignment.objects.create(run=run, bid=bid, expert=expert, affinity=0.5, declaration=declaration,
                                     declared_at=None if declaration == Declaration.PENDING else timezone.now())


def submit_review(assignment: Assignment, score: Decimal = Decimal("8")) -> Review:
    """The assignment's expert's submitted review, every criterion scored `score`."""
    review = Review.objects.create(assignment=assignment, bid=assignment.bid, expert=assignment.expert,
                                   status=ReviewStatus.SUBMITTED, comments_to_team="Clear plan.",
                                   comments_to_panel="Solid.", weighted_score=score, submitted_at=timezone.now())
    for criterion in assignment.bid.challenge.criteria.all():
        Score.objects.create(review=review, criterion=criterion, score=score)
    return review


def open_consensus(bid: Bid, rapporteur: Any, *, scored: bool = False, final: bool = False) -> Consensus:
    consensus = Consensus.objects.create(
        bid=bid, rapporteur=rapporteur, status=ConsensusStatus.FINAL if final else ConsensusStatus.DRAFT,
        report_to_team="The panel's report.", total=Decimal("8") if final else None, passed_thresholds=final,
        finalised_at=timezone.now() if final else None)
    if scored or final:
        for criterion in bid.challenge.criteria.all():
            ConsensusScore.objects.create(consensus=consensus, criterion=criterion, score=Decimal("8"))
    return consensus


def reviewed(officer: Any, expert_user: Any, *, status: str = ChallengeStatus.REVIEW,
             lead: Any = None) -> tuple[Challenge, Bid, Assignment]:
    """A closed challenge with a submitted bid (by `lead`), reviewed by `expert_user` (deployed, no conflict,
    submitted)."""
    challenge = closed_challenge(officer, status=status)
    bid = builders.bid(challenge, lead or stranger())
    expert = expert_for(expert_user)
    run = builders.deployed_run(challenge, [(bid, expert)], declaration=Declaration.NO_CONFLICT)
    assignment = run.assignments.get()
    submit_review(assignment)
    return challenge, bid, assignment


# ── Matrix setups (users → the row's context) ──────────────────────────────────────────────────────────────


def calls(users: Any) -> dict:
    """An open challenge with an unanswered question, a draft challenge, and the topic a new one may come from."""
    from hetao.challenges.models import Topic

    officer = users["research_officer"]
    item = builders.open_challenge(officer, code=_code())
    draft = builders.challenge(officer, code=_code(), status=ChallengeStatus.DRAFT)
    question = ChallengeQuestion.objects.create(challenge=item, asked_by=users["member"], question="Which chips?")
    topic = Topic.objects.create(proposer=users["member"], title_en="Qubits", problem="p", importance="i",
                                 outcome="o", key_direction=item.key_direction, status="accepted",
                                 submitted_at=timezone.now(), decided_at=timezone.now())
    return {"code": item.code, "draft": draft.code, "question": question.pk, "direction": item.key_direction_id,
            "topic": topic.pk}


def calls_in_review(users: Any) -> dict:
    """An open challenge whose deadline has passed (the review may start)."""
    item = builders.close(builders.open_challenge(users["research_officer"], code=_code()))
    return {"code": item.code}


def draft_bid(users: Any) -> dict:
    """The owner's draft bid on an open challenge, with an invited member to remove."""
    item = builders.open_challenge(users["research_officer"], code=_code())
    made = builders.bid(item, users["owner"], status=BidStatus.DRAFT)
    invited = BidMember.objects.create(bid=made, email="invitee@example.org", name="Invitee",
                                       status=MemberStatus.INVITED)
    return {"pk": made.pk, "code": item.code, "member": invited.pk}


def ready_bid(users: Any) -> dict:
    """The owner's complete draft bid on an open challenge (it may be submitted)."""
    item = builders.open_challenge(users["research_officer"], code=_code())
    return {"pk": builders.bid(item, users["owner"], status=BidStatus.DRAFT).pk, "code": item.code}


def pdf() -> bytes:
    """A one-page PDF without author metadata."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def sealed_bid(users: Any) -> dict:
    """The owner's submitted bid on an open challenge (sealed until tomorrow's deadline)."""
    item = builders.open_challenge(users["research_officer"], code=_code())
    made = builders.bid(item, users["owner"])
    return {"pk": made.pk, "code": item.code}


def invited_to_team(users: Any) -> dict:
    """Someone else's draft bid inviting the owner's email."""
    item = builders.open_challenge(users["research_officer"], code=_code())
    made = builders.bid(item, stranger(), status=BidStatus.DRAFT)
    member = BidMember.objects.create(bid=made, email=users["owner"].email, name="Owner",
                                      status=MemberStatus.INVITED)
    return {"token": str(member.token), "pk": made.pk}


def closed_bid(users: Any) -> dict:
    """The owner's submitted bid after the deadline (in review), with an officer's clarification question."""
    item = closed_challenge(users["research_officer"])
    made = builders.bid(item, users["owner"])
    asked = Clarification.objects.create(bid=made, asked_by=users["research_officer"], question="Which fab?")
    return {"pk": made.pk, "code": item.code, "clarification": asked.pk}


def invitable(users: Any) -> dict:
    """A registry person with an account, not in the pool (the officers invite them)."""
    person = factories.PersonFactory(region="hong_kong")
    return {"user": factories.make_user(f"invitable{next(serial)}", person=person).pk}


def invited_expert(users: Any) -> dict:
    """The owner, invited to the pool (not answered yet)."""
    expert = builders.pool_expert("", user=users["owner"])
    Expert.objects.filter(pk=expert.pk).update(status=ExpertStatus.INVITED, accepted_at=None)
    return {"pk": expert.pk}


def active_expert(users: Any) -> dict:
    return {"pk": builders.pool_expert("", user=users["owner"]).pk}


def to_assign(users: Any) -> dict:
    """A challenge in review with two submitted bids and a pool that can give three experts per bid (one from Hong
    Kong); the owner is one of the experts."""
    item = closed_challenge(users["research_officer"])
    bids = [builders.bid(item, stranger()) for _ in range(2)]
    experts = [builders.pool_expert("", user=users["owner"], region="hong_kong"),
               *[builders.pool_expert(f"pool{next(serial)}", region=region)
                 for region in ("mainland", "mainland", "hong_kong")]]
    return {"code": item.code, "bid": bids[0].pk, "expert": experts[1].pk, "bids": [b.pk for b in bids],
            "experts": [e.pk for e in experts]}


def proposed_run(users: Any) -> dict:
    """A proposed (not deployed) run of `to_assign`'s challenge: each bid with three of the four experts."""
    from hetao.challenges.models import AssignmentRun, RunStatus

    ctx = to_assign(users)
    item = Challenge.objects.get(code=ctx["code"])
    run = AssignmentRun.objects.create(challenge=item, status=RunStatus.PROPOSED,
                                       created_by=users["research_officer"])
    experts = list(Expert.objects.filter(pk__in=ctx["experts"]).order_by("pk"))
    for pk in ctx["bids"]:
        for expert in experts[:3]:
            Assignment.objects.create(run=run, bid_id=pk, expert=expert, affinity=0.5)
    return {**ctx, "run": run.pk, "remove": experts[1].pk, "add": experts[3].pk}


def assigned(declaration: str = Declaration.PENDING, *, status: str = ChallengeStatus.REVIEW, sealed: bool = False):
    """The owner, an expert deployed on someone else's bid after the deadline (sealed: in review, but before the
    deadline, which no service allows: the pages must still refuse), with `declaration`."""
    def make(users: Any) -> dict:
        item = closed_challenge(users["research_officer"], status=status)
        if sealed:
            Challenge.objects.filter(pk=item.pk).update(closes_at=timezone.now() + datetime.timedelta(days=1))
        made = builders.bid(item, stranger())
        expert = expert_for(users["owner"])
        run = builders.deployed_run(item, [(made, expert)], declaration=declaration)
        assignment = run.assignments.get()
        return {"pk": assignment.pk, "bid": made.pk, "code": item.code,
                "criteria": list(item.criteria.order_by("order").values_list("pk", flat=True))}
    return make


def drafted_review(users: Any) -> dict:
    """`assigned(no_conflict)` with the owner's draft review scoring every criterion."""
    ctx = assigned(Declaration.NO_CONFLICT)(users)
    assignment = Assignment.objects.select_related("bid", "expert").get(pk=ctx["pk"])
    review = Review.objects.create(assignment=assignment, bid=assignment.bid, expert=assignment.expert)
    for pk in ctx["criteria"]:
        Score.objects.create(review=review, criterion_id=pk, score=Decimal("7"))
    return ctx


def for_consensus(users: Any) -> dict:
    """A bid in review with the owner's submitted review and no consensus yet (officers open one)."""
    item, made, _assignment = reviewed(users["research_officer"], users["owner"])
    return {"bid": made.pk, "code": item.code, "rapporteur": users["owner"].pk,
            "criteria": list(item.criteria.order_by("order").values_list("pk", flat=True))}


def consensus(*, scored: bool = False):
    """`for_consensus` with the consensus open and the owner as its rapporteur (scored: every final score)."""
    def make(users: Any) -> dict:
        ctx = for_consensus(users)
        open_consensus(Bid.objects.get(pk=ctx["bid"]), users["owner"], scored=scored)
        return ctx
    return make


def to_award(users: Any) -> dict:
    """A challenge in defence with a bid whose consensus is final and above every threshold."""
    item, made, _assignment = reviewed(users["research_officer"], users["owner"], status=ChallengeStatus.DEFENCE)
    open_consensus(made, users["owner"], final=True)
    return {"bid": made.pk, "code": item.code}


def scores(ctx: dict, value: str = "8") -> dict:
    return {f"score_{pk}": value for pk in ctx["criteria"]}


# ── Query-count growers (people, n) ────────────────────────────────────────────────────────────────────────


def officer_of(people: Any) -> Any:
    return people["research"]


def _public_challenge(people: Any, **extra: Any) -> Challenge:
    return builders.challenge(officer_of(people), code=_code(), **extra)


def public_challenges(people: Any, n: int) -> None:
    """Open challenges, each with a question, an attachment-free rubric and a submitted bid; and an awarded one."""
    for i in range(n):
        item = _public_challenge(people, status=ChallengeStatus.OPEN if i % 2 else ChallengeStatus.AWARDED)
        ChallengeQuestion.objects.create(challenge=item, asked_by=stranger("asker"), question="Q?", answer="A.",
                                         answered_at=timezone.now())
        builders.bid(item, stranger())


def officer_challenges(people: Any, n: int) -> None:
    """Public and draft challenges, each with bids."""
    public_challenges(people, n)
    for _ in range(n):
        builders.bid(_public_challenge(people, status=ChallengeStatus.DRAFT), stranger())


def ensure(people: Any, code: str, status: str = ChallengeStatus.OPEN) -> Challenge:
    """The challenge `code` of a list's path, made once (open; or closed in `status`)."""
    found = Challenge.objects.filter(code=code).first()
    if found is not None:
        return found
    made = builders.challenge(officer_of(people), code=code)
    return made if status == ChallengeStatus.OPEN else builders.close(made, status=status)


def questions_of(code: str):
    """Answered public questions of the open challenge `code`."""
    def grow(people: Any, n: int) -> None:
        item = ensure(people, code)
        for _ in range(n):
            ChallengeQuestion.objects.create(challenge=item, asked_by=stranger("asker"), question="Q?",
                                             answer="A.", answered_by=officer_of(people),
                                             answered_at=timezone.now())
    return grow


def results_of(code: str):
    """Awarded bids (winners) of the awarded challenge `code`."""
    def grow(people: Any, n: int) -> None:
        item = ensure(people, code, ChallengeStatus.AWARDED)
        for _ in range(n):
            made = builders.bid(item, stranger(), status=BidStatus.AWARDED)
            Award.objects.create(challenge=item, bid=made, amount=Decimal("100000"), currency=item.currency,
                                 awarded_by=officer_of(people))
    return grow


def my_bids(people: Any, n: int) -> None:
    """Bids the owner leads and bids the owner is a confirmed member of, on new challenges; invitations too."""
    owner = people["owner"]
    for _ in range(n):
        item = _public_challenge(people, status=ChallengeStatus.OPEN)
        builders.bid(item, owner, status=BidStatus.DRAFT)
        builders.bid(item, stranger(), members=(owner,))
        invited = builders.bid(item, stranger(), status=BidStatus.DRAFT)
        BidMember.objects.create(bid=invited, email=owner.email, name="Owner", status=MemberStatus.INVITED)


def bids_of(code: str, status: str = ChallengeStatus.REVIEW):
    """Submitted bids (each with two members) of the challenge `code` (closed in `status`, or open: sealed)."""
    def grow(people: Any, n: int) -> None:
        item = ensure(people, code, status)
        for _ in range(n):
            builders.bid(item, stranger(), members=(stranger("member"),))
    return grow


def pool(people: Any, n: int) -> None:
    for _ in range(n):
        builders.pool_expert(f"expert{next(serial)}", region="hong_kong" if n % 2 else "mainland")


def conflicts_of(code: str):
    """Bids of the closed challenge `code` and experts of the pool, some in conflict (the same organisation)."""
    def grow(people: Any, n: int) -> None:
        from hetao.registry.models import Affiliation

        item = ensure(people, code, ChallengeStatus.REVIEW)
        for _ in range(n):
            made = builders.bid(item, stranger())
            expert = builders.pool_expert(f"expert{next(serial)}")
            Affiliation.objects.create(person=expert.person, organisation=made.organisation, role="researcher",
                                       start_date=datetime.date(2020, 1, 1))
    return grow


def assignments_of(expert_user_key: str = "owner"):
    """Deployed assignments of the expert (people[expert_user_key]) on new closed challenges, half reviewed."""
    def grow(people: Any, n: int) -> None:
        user = people[expert_user_key]
        expert = expert_for(user)
        for i in range(n):
            item = closed_challenge(officer_of(people))
            made = builders.bid(item, stranger())
            run = builders.deployed_run(item, [(made, expert)],
                                        declaration=Declaration.NO_CONFLICT if i % 2 else Declaration.PENDING)
            if i % 2:
                submit_review(run.assignments.get())
    return grow


def reviewed_bids_of(code: str):
    """Bids of the challenge `code` (in review), each reviewed by two experts, with a final consensus."""
    def grow(people: Any, n: int) -> None:
        item = ensure(people, code, ChallengeStatus.REVIEW)
        for _ in range(n):
            made = builders.bid(item, stranger())
            for _ in range(2):
                submit_review(deploy(item, made, builders.pool_expert(f"expert{next(serial)}")))
            open_consensus(made, officer_of(people), final=True)
    return grow


def consensus_reviews(people: Any, n: int) -> None:
    """More submitted reviews of the bid whose consensus the officer writes (people["consensus_bid"], made once)."""
    if "consensus_bid" not in people:
        item = closed_challenge(officer_of(people))
        made = builders.bid(item, stranger())
        open_consensus(made, officer_of(people))
        people["consensus_bid"] = made.pk
    made = Bid.objects.select_related("challenge").get(pk=people["consensus_bid"])
    for _ in range(n):
        submit_review(deploy(made.challenge, made, builders.pool_expert(f"expert{next(serial)}")))


def make_closed(people: Any, *, status: str = ChallengeStatus.REVIEW) -> Challenge:
    return closed_challenge(officer_of(people), status=status)


def make_awarded(people: Any) -> Challenge:
    return _public_challenge(people, status=ChallengeStatus.AWARDED,
                             closes_in=-datetime.timedelta(days=10))
