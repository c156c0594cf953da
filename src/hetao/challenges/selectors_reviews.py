"""Reads for reviews, consensus and ranking, with a constant number of queries whatever the number of bids,
reviews and criteria.

The ranking's tie-breaks, in order (stated on the panel page and in the export):
  1. bids above every threshold before bids below one;
  2. the consensus total (weighted, 0–100), highest first;
  3. the consensus score on the highest-weighted criterion, highest first;
  4. the lower total budget;
  5. the earlier submission;
  6. the bid's number.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import (
    Assignment,
    Bid,
    BidStatus,
    Challenge,
    ConsensusStatus,
    Criterion,
    Declaration,
    Review,
    ReviewStatus,
    RunStatus,
)
from .services.reviews import spread_of

TIE_BREAKS = (
    _("bids above every threshold come before bids below one"),
    _("the consensus total, highest first"),
    _("the consensus score on the highest-weighted criterion, highest first"),
    _("the lower total budget"),
    _("the earlier submission"),
    _("the bid's number"),
)


@dataclass
class RankedBid:
    bid: Bid
    total: Decimal
    scores: dict[int, Decimal]  # criterion id → consensus score
    mean: Decimal | None  # mean of the individual weighted scores (submitted reports)
    spread: Decimal  # max − min of the individual weighted scores, 0–10 scale
    flagged: bool
    passed: bool
    rank: int = 0


def criteria_of(challenge: Challenge) -> list[Criterion]:
    return list(Criterion.objects.filter(challenge=challenge).order_by("order", "id"))


def top_criterion(criteria: list[Criterion]) -> Criterion | None:
    """The highest-weighted criterion (the first in the rubric's order among equals)."""
    return max(criteria, key=lambda c: (c.weight, -c.order, -c.pk)) if criteria else None


def _mean(values: list[Decimal]) -> Decimal | None:
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01")) if values else None


def ranking(challenge: Challenge) -> list[RankedBid]:
    """Bids with a final consensus, in the panel's order (see the module's docstring for the tie-breaks)."""
    criteria = criteria_of(challenge)
    top = top_criterion(criteria)
    bids = (Bid.objects.filter(challenge=challenge, consensus__status=ConsensusStatus.FINAL)
            .select_related("consensus", "challenge")
            .prefetch_related("consensus__scores",
                              Prefetch("reviews", queryset=Review.objects.filter(status=ReviewStatus.SUBMITTED),
                                       to_attr="submitted_reviews")))
    rows = []
    for bid in bids:
        consensus = bid.consensus
        scores = {s.criterion_id: s.score for s in consensus.scores.all()}
        individual = [r.weighted_score for r in bid.submitted_reviews if r.weighted_score is not None]
        spread = spread_of(individual)
        rows.append(RankedBid(bid=bid, total=consensus.total or Decimal(0), scores=scores, mean=_mean(individual),
                              spread=spread, flagged=consensus.spread_flagged or spread > challenge.spread_threshold,
                              passed=consensus.passed_thresholds))

    def key(row: RankedBid) -> tuple[Any, ...]:
        on_top = row.scores.get(top.pk, Decimal(0)) if top is not None else Decimal(0)
        return (not row.passed, -row.total, -on_top, row.bid.budget_total, row.bid.submitted_at, row.bid.pk)

    rows.sort(key=key)
    for number, row in enumerate(rows, 1):
        row.rank = number
    return rows


# ── The reviewer ───────────────────────────────────────────────────────────────────────────────────────────


def my_assignments(user: Any) -> QuerySet[Assignment]:
    """The expert's assignments in deployed runs, with the review's status (no team data: blind)."""
    return (Assignment.objects.filter(expert__user=user, run__status=RunStatus.DEPLOYED)
            .select_related("bid__challenge", "run", "review", "expert").order_by("-run__deployed_at", "bid_id"))


def assignment_for(pk: int) -> Assignment:
    return (Assignment.objects.select_related("expert__user", "run", "bid__challenge")
            .get(pk=pk))


def bid_for_review(pk: int) -> Bid:
    """A bid with everything reviewer_view reads, in a fixed number of queries."""
    return (Bid.objects.select_related("challenge", "organisation", "defence")
            .prefetch_related("members", "budget_lines", "milestones", "documents", "clarifications")
            .get(pk=pk))


def review_of(assignment: Assignment) -> Review | None:
    return Review.objects.filter(assignment=assignment).prefetch_related("scores__criterion").first()


# ── The panel (officers) ───────────────────────────────────────────────────────────────────────────────────


@dataclass
class PanelRow:
    bid: Bid
    reviews: list[Review]
    weighted: list[Decimal]
    means: dict[int, Decimal | None]  # criterion id → mean of the submitted scores, N/A left out
    mean: Decimal | None
    spread: Decimal
    flagged: bool
    experts: list[Assignment] = field(default_factory=list)  # deployed, no conflict: rapporteur candidates


def panel_rows(challenge: Challenge) -> tuple[list[Criterion], list[PanelRow]]:
    """Every bid past the draft, with its individual reports (expert names: officers only), per-criterion means
    excluding N/A, the spread and the consensus status."""
    criteria = criteria_of(challenge)
    bids = (Bid.objects.filter(challenge=challenge).exclude(status__in=[BidStatus.DRAFT, BidStatus.WITHDRAWN])
            .select_related("consensus", "defence", "award", "challenge")
            .prefetch_related(
                Prefetch("reviews", queryset=Review.objects.select_related("expert__person", "expert__user")
                         .prefetch_related("scores").order_by("id")),
                Prefetch("assignments", queryset=Assignment.objects.filter(
                    run__status=RunStatus.DEPLOYED, declaration=Declaration.NO_CONFLICT)
                    .select_related("expert__user", "expert__person"), to_attr="clear_assignments"))
            .order_by("id"))
    rows = []
    for bid in bids:
        reviews = list(bid.reviews.all())
        submitted = [r for r in reviews if r.status == ReviewStatus.SUBMITTED]
        weighted = [r.weighted_score for r in submitted if r.weighted_score is not None]
        means: dict[int, Decimal | None] = {}
        for criterion in criteria:
            values = [s.score for r in submitted for s in r.scores.all()
                      if s.criterion_id == criterion.pk and s.score is not None]
            means[criterion.pk] = _mean(values)
        spread = spread_of(weighted)
        rows.append(PanelRow(bid=bid, reviews=reviews, weighted=weighted, means=means, mean=_mean(weighted),
                             spread=spread, flagged=spread > challenge.spread_threshold,
                             experts=bid.clear_assignments))
    return criteria, rows


def consensus_page(bid: Bid) -> tuple[list[Criterion], list[Review]]:
    """The rubric and the submitted individual reports on a bid (for the rapporteur)."""
    reviews = list(Review.objects.filter(bid=bid, status=ReviewStatus.SUBMITTED)
                   .prefetch_related("scores").order_by("id"))
    return criteria_of(bid.challenge), reviews
