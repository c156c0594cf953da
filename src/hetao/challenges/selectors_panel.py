"""Every read of the panel's pages and endpoints, each a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from hetao.accounts.models import User

from . import conflicts
from .models import (
    Assignment,
    AssignmentRun,
    Bid,
    BidStatus,
    Challenge,
    ConflictOverride,
    Expert,
    ExpertStatus,
    RunStatus,
)
from .services.panel import quota_coverage

__all__ = ["assignment_for_expert", "challenge_by_code", "conflict_table", "expert_of", "invitable_users",
           "latest_runs", "my_assignments", "pool", "run_table"]


def challenge_by_code(code: str) -> Challenge:
    return get_object_or_404(Challenge.objects.select_related("key_direction"), code=code)


def pool(*, region: str = "", sector: str = "", availability: str = "", status: str = "") -> QuerySet[Expert]:
    experts = Expert.objects.select_related("person", "user").order_by("person__name_en", "id")
    if region:
        experts = experts.filter(region=region)
    if sector:
        experts = experts.filter(sector=sector)
    if availability == "available":
        experts = experts.filter(available=True)
    elif availability == "unavailable":
        experts = experts.filter(available=False)
    if status:
        experts = experts.filter(status=status)
    return experts


def invitable_users() -> QuerySet[User]:
    """Accounts linked to a registry person and not already invited or in the pool."""
    taken = Q(expert__status__in=(ExpertStatus.ACTIVE, ExpertStatus.INVITED))
    return (User.objects.filter(person__isnull=False, is_active=True).exclude(taken)
            .select_related("person").order_by("person__name_en", "id"))


def expert_of(user: Any) -> Expert | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Expert.objects.select_related("person", "user").filter(user=user).first()


def my_assignments(expert: Expert) -> QuerySet[Assignment]:
    """The expert's assignments in deployed runs (the bid named by its reference only)."""
    return (Assignment.objects.filter(expert=expert, run__status=RunStatus.DEPLOYED)
            .select_related("run", "bid__challenge", "expert").order_by("-run__deployed_at", "bid_id"))


def assignment_for_expert(user: Any, pk: int) -> Assignment:
    assignment = get_object_or_404(Assignment.objects.select_related("run", "expert", "bid__challenge"), pk=pk)
    if assignment.expert.user_id != getattr(user, "pk", None) or assignment.run.status != RunStatus.DEPLOYED:
        raise PermissionDenied("challenges.declare")
    return assignment


def latest_runs(challenge: Challenge) -> dict[str, AssignmentRun | None]:
    runs: dict[str, AssignmentRun | None] = {RunStatus.PROPOSED: None, RunStatus.DEPLOYED: None}
    for run in (AssignmentRun.objects.filter(challenge=challenge, status__in=list(runs))
                .select_related("created_by", "deployed_by").order_by("-created_at", "-id")):
        if runs[run.status] is None:
            runs[run.status] = run
    return {"proposed": runs[RunStatus.PROPOSED], "deployed": runs[RunStatus.DEPLOYED]}


@dataclass
class BidRow:
    bid: Bid
    assignments: list[Assignment] = field(default_factory=list)
    coverage: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class RunTable:
    run: AssignmentRun
    rows: list[BidRow]
    loads: list[tuple[Expert, int, int]]  # expert, load, most
    gap: float | None
    experts: list[Expert]


def run_table(run: AssignmentRun) -> RunTable:
    """Per bid its experts with affinity and the quota coverage; the load per expert; the gap to the bound."""
    challenge = run.challenge
    assignments = list(run.assignments.select_related("bid__challenge", "expert__person", "expert__user")
                       .order_by("bid_id", "-affinity", "expert_id"))
    rows: dict[int, BidRow] = {}
    load: Counter[int] = Counter()
    experts: dict[int, Expert] = {}
    for a in assignments:
        rows.setdefault(a.bid_id, BidRow(bid=a.bid)).assignments.append(a)
        load[a.expert_id] += 1
        experts[a.expert_id] = a.expert
    for row in rows.values():
        row.coverage = quota_coverage(challenge, [a.expert for a in row.assignments])
    loads = [(experts[pk], count, min(challenge.max_load, experts[pk].max_load))
             for pk, count in sorted(load.items(), key=lambda item: (str(experts[item[0]].person), item[0]))]
    gap = None if run.upper_bound is None else max(0.0, run.upper_bound - run.total_affinity)
    pool_experts = list(Expert.objects.filter(status=ExpertStatus.ACTIVE, available=True)
                        .select_related("person").order_by("person__name_en", "id"))
    return RunTable(run=run, rows=list(rows.values()), loads=loads, gap=gap, experts=pool_experts)


@dataclass
class ConflictRow:
    bid: Bid
    pairs: list[tuple[Expert, list[conflicts.Reason]]]
    lifted: list[tuple[Expert, ConflictOverride]]


def conflict_table(challenge: Challenge) -> list[ConflictRow]:
    """Per submitted bid: the experts of the pool in conflict with it and why, and the pairs officers lifted."""
    bids = list(Bid.objects.filter(challenge=challenge).exclude(status__in=(BidStatus.DRAFT, BidStatus.WITHDRAWN))
                .select_related("challenge").order_by("id"))
    experts = list(Expert.objects.filter(status=ExpertStatus.ACTIVE).select_related("person").order_by("id"))
    found = conflicts.compute(bids, experts)
    lifted = list(ConflictOverride.objects.filter(bid__in=bids, effect=ConflictOverride.Effect.LIFT)
                  .select_related("expert__person"))
    by_id = {e.pk: e for e in experts}
    rows = []
    for bid in bids:
        pairs = [(by_id[e], found[(bid.pk, e)]) for e in by_id if (bid.pk, e) in found]
        rows.append(ConflictRow(bid=bid, pairs=pairs,
                                lifted=[(o.expert, o) for o in lifted if o.bid_id == bid.pk]))
    return rows
