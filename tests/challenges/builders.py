"""Test data for challenges, bids, the panel and reviews, built straight with the ORM so that each part's tests
stand on their own (the services of each part are tested in its own files).

    challenge = open_challenge(officer)              # open, deadline tomorrow, a 3-criterion rubric
    bid = submitted_bid(challenge, lead)             # a submitted bid with a confirmed lead and budget lines
    close(challenge)                                 # the deadline has passed (review may start)
    expert = pool_expert("hk1", region="hong_kong")  # an active expert with a registry person
    run = deployed_run(challenge, [(bid, expert)])   # a deployed assignment run
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from hetao.challenges.models import (
    Assignment,
    AssignmentRun,
    Bid,
    BidMember,
    BidStatus,
    BudgetLine,
    Challenge,
    ChallengeStatus,
    Criterion,
    Declaration,
    EligibilityKind,
    EligibilityRule,
    Expert,
    ExpertStatus,
    MemberStatus,
    RunStatus,
)
from hetao.registry.models import KeyDirection
from tests import factories

RUBRIC = (
    ("Technical merit", "技术水平", "技術水平", 40, Decimal("6")),
    ("Feasibility of the plan", "方案可行性", "方案可行性", 35, Decimal("5")),
    ("Value for money", "经费合理性", "經費合理性", 25, Decimal("0")),
)


def challenge(officer, *, code: str = "HT-2024-01", status: str = ChallengeStatus.OPEN,
              closes_in: datetime.timedelta = datetime.timedelta(days=1), ceiling: Decimal = Decimal("5000000"),
              currency: str = "CNY", **extra) -> Challenge:
    now = timezone.now()
    fields = {
        "code": code, "title_en": "Fault-tolerant logical qubits", "title_zh_hans": "容错逻辑量子比特",
        "title_zh_hant": "容錯邏輯量子位元", "description_en": "Build a logical qubit.",
        "problem": "Physical qubits decohere.", "deliverables": "A logical qubit.", "indicators": "Error rate < 1e-3.",
        "budget_ceiling": ceiling, "currency": currency, "duration_months": 24,
        "key_direction": KeyDirection.objects.get(code="quantum"), "status": status,
        "opens_at": now - datetime.timedelta(days=30), "closes_at": now + closes_in, "created_by": officer,
        "published_at": None if status in (ChallengeStatus.DRAFT, ChallengeStatus.CANCELLED) else now,
        **extra,
    }
    item = Challenge.objects.create(**fields)
    for order, (en, hans, hant, weight, threshold) in enumerate(RUBRIC):
        Criterion.objects.create(challenge=item, name_en=en, name_zh_hans=hans, name_zh_hant=hant,
                                 description=f"How well the bid does on {en.lower()}.", weight=weight,
                                 threshold=threshold, order=order)
    EligibilityRule.objects.create(challenge=item, kind=EligibilityKind.REGISTERED_ENTITY)
    EligibilityRule.objects.create(challenge=item, kind=EligibilityKind.BUDGET_WITHIN_CEILING)
    return item


def open_challenge(officer, **extra) -> Challenge:
    return challenge(officer, **extra)


def close(item: Challenge, *, status: str = ChallengeStatus.OPEN) -> Challenge:
    """Move the deadline into the past (and optionally the status on)."""
    Challenge.objects.filter(pk=item.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1),
                                                opens_at=timezone.now() - datetime.timedelta(days=30),
                                                status=status)
    item.refresh_from_db()
    return item


def bid(item: Challenge, lead, *, status: str = BidStatus.SUBMITTED, organisation=None, team_name: str = "",
        members: tuple = (), amounts: tuple = (Decimal("1200000"), Decimal("800000"))) -> Bid:
    organisation = organisation or factories.OrganisationFactory()
    made = Bid.objects.create(
        challenge=item, lead=lead, organisation=organisation, team_name=team_name or f"Team of {lead.username}",
        summary="A surface-code logical qubit on a superconducting chip.",
        approach="Surface code distance 5 with real-time decoding.", work_plan="Month 1-6 fabrication; 7-24 tests.",
        currency=item.currency, budget_total=sum(amounts, Decimal(0)), declares_no_other_conflicts=True,
        declares_truthful=True, status=status,
        submitted_at=None if status == BidStatus.DRAFT else timezone.now())
    BidMember.objects.create(bid=made, user=lead, email=lead.email, name=lead.get_full_name() or lead.username,
                             is_lead=True, status=MemberStatus.CONFIRMED, responded_at=timezone.now())
    for member in members:
        BidMember.objects.create(bid=made, user=member, email=member.email,
                                 name=member.get_full_name() or member.username, status=MemberStatus.CONFIRMED,
                                 responded_at=timezone.now())
    for order, amount in enumerate(amounts):
        BudgetLine.objects.create(bid=made, category="personnel" if order == 0 else "equipment",
                                  description=f"Line {order + 1}", amount=amount, order=order)
    return made


submitted_bid = bid


def pool_expert(username: str, *, region: str = "mainland", sector: str = "academia",
                disciplines: str = "quantum computing, physics", keywords: str = "qubit, error correction",
                max_load: int = 4, user=None, person=None) -> Expert:
    person = person or factories.PersonFactory(region=region)
    user = user or factories.make_user(username, person=person)
    if user.person_id is None:
        user.person = person
        user.save(update_fields=["person"])
    return Expert.objects.create(user=user, person=person, disciplines=disciplines, keywords=keywords,
                                 region=region, sector=sector, max_load=max_load, status=ExpertStatus.ACTIVE,
                                 accepted_at=timezone.now())


def deployed_run(item: Challenge, pairs, *, by=None, declaration: str = Declaration.PENDING) -> AssignmentRun:
    """A deployed run with the given (bid, expert) pairs; `declaration` for each assignment."""
    run = AssignmentRun.objects.create(challenge=item, status=RunStatus.DEPLOYED, created_by=by or item.created_by,
                                       deployed_by=by or item.created_by, deployed_at=timezone.now())
    for made_bid, expert in pairs:
        Assignment.objects.create(run=run, bid=made_bid, expert=expert, affinity=0.5, declaration=declaration,
                                  declared_at=None if declaration == Declaration.PENDING else timezone.now())
    return run
