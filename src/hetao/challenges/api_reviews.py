"""The challenges API: reviews. Experts: their assignments, the blind view of a bid with their own review, save
and submit. Officers: the ranking, consensus (open, save, finalise), defences and the award. Teams: the result
of their bid after the award. The same services and rules as the pages; no answer names a reviewer to a team or
to another reviewer, and no answer to a reviewer in phase 1 names the team."""

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status

from hetao.accounts.models import User
from hetao.api.schemas import ErrorOut, Id, Key, PathId
from hetao.core.api_auth import PermissionSessionAuth, call_or_409
from hetao.core.permissions import require
from hetao.core.trilingual import localised

from . import blind
from . import selectors_reviews as selectors
from .models import Assignment, Bid, Challenge, Consensus, ConsensusStatus, Declaration, Review, ReviewStatus
from .services import reviews as services

router = Router(tags=["challenges"])

reviewer_auth = PermissionSessionAuth("challenges.reviewer", _("Only experts of the pool and research officers "
                                                               "review bids."))
decide_auth = PermissionSessionAuth("challenges.decide", _("Only research management officers do this."))
result_auth = PermissionSessionAuth("challenges.result", _("Sign in to do this."))

Score = Decimal  # a score: 0..the criterion's highest score, at most two decimals (checked by the service)


class AssignmentOut(Schema):
    id: int
    bid: str  # the bid's reference: never the team
    challenge: str
    challenge_status: str
    declaration: str
    review_status: str | None
    url: str


class ScoreOut(Schema):
    criterion: int
    score: str | None
    not_applicable: bool


class ReviewOut(Schema):
    status: str
    scores: list[ScoreOut]
    comments_to_team: str
    comments_to_panel: str
    weighted_score: str | None
    submitted_at: datetime.datetime | None


class CriterionOut(Schema):
    id: int
    name: str
    description: str
    weight: int
    max_score: int
    threshold: str


class ReviewPage(Schema):
    assignment: int
    bid: dict[str, Any]  # blind.reviewer_view: phase 1 without the team
    criteria: list[CriterionOut]
    review: ReviewOut | None


class ScoreIn(Schema):
    criterion: Id
    score: Decimal | None = Field(None, ge=0, le=1000, max_digits=5, decimal_places=2)
    not_applicable: bool = False


class ReviewIn(Schema):
    scores: list[ScoreIn] = Field(default_factory=list, max_length=100)
    comments_to_team: str = Field("", max_length=10000)
    comments_to_panel: str = Field("", max_length=10000)


class RankedOut(Schema):
    rank: int
    bid: int
    reference: str
    team_name: str | None  # phase 1: None
    total: str
    scores: dict[str, str]
    mean: str | None
    spread: str
    flagged: bool
    passed: bool


class RankingOut(Schema):
    tie_breaks: list[str]
    items: list[RankedOut]


class ConsensusOpenIn(Schema):
    rapporteur: Id


class ConsensusScoreIn(Schema):
    criterion: Id
    score: Decimal = Field(..., ge=0, le=1000, max_digits=5, decimal_places=2)


class ConsensusIn(Schema):
    scores: list[ConsensusScoreIn] = Field(default_factory=list, max_length=100)
    report_to_team: str = Field("", max_length=20000)
    notes_to_panel: str = Field("", max_length=20000)


class ConsensusOut(Schema):
    bid: int
    reference: str
    status: str
    spread_flagged: bool
    scores: dict[str, str]
    report_to_team: str
    notes_to_panel: str
    total: str | None
    passed_thresholds: bool
    finalised_at: datetime.datetime | None


class DefenceIn(Schema):
    scheduled_at: datetime.datetime
    mode: Literal["online", "on_site"]
    place: str = Field(..., min_length=1, max_length=500)


class DefenceOut(Schema):
    bid: int
    scheduled_at: datetime.datetime
    mode: str
    place: str


class WinnerIn(Schema):
    bid: Id
    amount: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)


class AwardIn(Schema):
    winners: list[WinnerIn] = Field(..., max_length=100)
    minutes: str = Field(..., max_length=20000)


class AwardOut(Schema):
    code: str
    status: str
    awarded_at: datetime.datetime | None
    winners: list[dict[str, str]]


class ResultOut(Schema):
    bid: int
    reference: str
    status: str
    award_amount: str | None
    award_currency: str | None
    scores: list[dict[str, str]]
    total: str | None
    report_to_team: str
    comments_to_team: list[str]  # the reviewers' comments, without their names


# ── Helpers ──────────────────────────────────────────────────────────────────────────────────────────────────





def _assignment(request: Any, pk: int) -> Assignment:
    try:
        assignment = selectors.assignment_for(pk)
    except Assignment.DoesNotExist:
        raise Http404 from None
    if assignment.expert.user_id != request.user.pk:
        raise Http404  # do not reveal other experts' assignments
    require(request.user, "challenges.review", assignment)
    if assignment.bid.challenge.is_sealed:
        raise PermissionDenied("challenges.review")
    return assignment


def _review_out(review: Review | None) -> dict[str, Any] | None:
    if review is None:
        return None
    return {"status": review.status, "comments_to_team": review.comments_to_team,
            "comments_to_panel": review.comments_to_panel,
            "weighted_score": str(review.weighted_score) if review.weighted_score is not None else None,
            "submitted_at": review.submitted_at,
            "scores": [{"criterion": s.criterion_id, "score": str(s.score) if s.score is not None else None,
                        "not_applicable": s.not_applicable} for s in review.scores.all()]}


def _page(assignment: Assignment) -> dict[str, Any]:
    bid = selectors.bid_for_review(assignment.bid_id)
    view = blind.reviewer_view(bid, bid.challenge.blind, assignment_pk=assignment.pk)
    if view.get("defence"):
        view["defence"]["scheduled_at"] = view["defence"]["scheduled_at"].isoformat()
    criteria = selectors.criteria_of(bid.challenge)
    return {"assignment": assignment.pk, "bid": view, "review": _review_out(selectors.review_of(assignment)),
            "criteria": [{"id": c.pk, "name": localised(c, "name"), "description": c.description,
                          "weight": c.weight, "max_score": c.max_score, "threshold": str(c.threshold)}
                         for c in criteria]}


def _officer_bid(request: Any, pk: int) -> Bid:
    bid = get_object_or_404(Bid.objects.select_related("challenge"), pk=pk)
    require(request.user, "challenges.panel_view", bid.challenge)
    if bid.challenge.is_sealed:
        raise PermissionDenied("challenges.panel_view")
    return bid


def _consensus_out(consensus: Consensus) -> dict[str, Any]:
    return {"bid": consensus.bid_id, "reference": consensus.bid.reference, "status": consensus.status,
            "spread_flagged": consensus.spread_flagged,
            "scores": {str(s.criterion_id): str(s.score) for s in consensus.scores.all()},
            "report_to_team": consensus.report_to_team, "notes_to_panel": consensus.notes_to_panel,
            "total": str(consensus.total) if consensus.total is not None else None,
            "passed_thresholds": consensus.passed_thresholds, "finalised_at": consensus.finalised_at}


def _consensus_for(request: Any, pk: int) -> Consensus:
    bid = get_object_or_404(Bid.objects.select_related("challenge"), pk=pk)
    require(request.user, "challenges.consensus", bid)
    consensus = Consensus.objects.filter(bid=bid).select_related("bid__challenge").first()
    if consensus is None or bid.challenge.is_sealed:
        raise Http404
    return consensus


# ── Experts ────────────────────────────────────────────────────────────────────────────────────────────────


@router.get("/me/reviews", response=list[AssignmentOut], auth=reviewer_auth)
def my_reviews(request):
    """Your deployed assignments with the review status: bids by reference only."""
    rows = []
    for assignment in selectors.my_assignments(request.user)[:500]:
        try:
            status: str | None = assignment.review.status
        except Review.DoesNotExist:
            status = None
        rows.append({"id": assignment.pk, "bid": assignment.bid.reference,
                     "challenge": assignment.bid.challenge.code,
                     "challenge_status": assignment.bid.challenge.status, "declaration": assignment.declaration,
                     "review_status": status,
                     "url": reverse("challenges:review", kwargs={"pk": assignment.pk})
                     if assignment.declaration == Declaration.NO_CONFLICT else ""})
    return rows


@router.get("/reviews/{int:assignment_id}", response=ReviewPage, auth=reviewer_auth)
def get_review(request, assignment_id: PathId):
    """The bid as you may see it now (blind in phase 1) and your own review."""
    return _page(_assignment(request, assignment_id))


def _scores_in(payload: ReviewIn) -> tuple[dict[int, Decimal | None], set[int]]:
    scores: dict[int, Decimal | None] = {}
    na: set[int] = set()
    for item in payload.scores:
        if item.not_applicable:
            if item.score is not None:
                scores[item.criterion] = item.score  # the service refuses a score marked not applicable
            na.add(item.criterion)
        else:
            scores[item.criterion] = item.score
    return scores, na


@router.put("/reviews/{int:assignment_id}", response={200: ReviewPage, 409: ErrorOut}, auth=reviewer_auth)
def save_review(request, assignment_id: PathId, payload: ReviewIn):
    """Save your draft: a score per criterion (0..highest, two decimals) or not applicable; both comments."""
    assignment = _assignment(request, assignment_id)
    scores, na = _scores_in(payload)
    call_or_409(services.review_save, actor=request.user, assignment=assignment, scores=scores, not_applicable=na,
                         comments_to_team=payload.comments_to_team, comments_to_panel=payload.comments_to_panel)
    return _page(assignment)


@router.post("/reviews/{int:assignment_id}/submit", response={200: ReviewPage, 409: ErrorOut}, auth=reviewer_auth)
def submit_review(request, assignment_id: PathId):
    """Submit your review: every criterion scored or not applicable (409 once submitted)."""
    assignment = _assignment(request, assignment_id)
    review = selectors.review_of(assignment)
    if review is None:
        raise ValidationError(_("Save your scores before submitting."))
    call_or_409(services.review_submit, actor=request.user, review=review)
    return _page(assignment)


# ── Officers ───────────────────────────────────────────────────────────────────────────────────────────────


@router.get("/challenges/{code}/ranking", response=RankingOut, auth=decide_auth)
def get_ranking(request, code: Key):
    """Bids with a final consensus in the panel's order, with the tie-breaks stated."""
    challenge = get_object_or_404(Challenge, code=code)
    require(request.user, "challenges.panel_view", challenge)
    if challenge.is_sealed:
        raise PermissionDenied("challenges.panel_view")
    items = [{"rank": r.rank, "bid": r.bid.pk, "reference": r.bid.reference,
              "team_name": None if challenge.blind else r.bid.team_name, "total": str(r.total),
              "scores": {str(k): str(v) for k, v in r.scores.items()},
              "mean": str(r.mean) if r.mean is not None else None, "spread": str(r.spread), "flagged": r.flagged,
              "passed": r.passed} for r in selectors.ranking(challenge)]
    return {"tie_breaks": [str(t) for t in selectors.TIE_BREAKS], "items": items}


@router.post("/bids/{int:pk}/consensus", response={201: ConsensusOut, 409: ErrorOut}, auth=decide_auth)
def open_consensus(request, pk: PathId, payload: ConsensusOpenIn):
    """Open the consensus on a bid and name its rapporteur (an officer or one of its experts, no conflict)."""
    bid = _officer_bid(request, pk)
    rapporteur = get_object_or_404(User, pk=payload.rapporteur)
    consensus = call_or_409(services.consensus_open, actor=request.user, bid=bid, rapporteur=rapporteur)
    return Status(201, _consensus_out(consensus))


@router.put("/bids/{int:pk}/consensus", response={200: ConsensusOut, 409: ErrorOut}, auth=reviewer_auth)
def save_consensus(request, pk: PathId, payload: ConsensusIn):
    """The rapporteur (or an officer) saves the final score per criterion and the reports."""
    consensus = _consensus_for(request, pk)
    scores: dict[int, Decimal] = {}
    for item in payload.scores:
        scores[item.criterion] = item.score
    consensus = call_or_409(services.consensus_save, actor=request.user, consensus=consensus, scores=scores,
                                        report_to_team=payload.report_to_team, notes_to_panel=payload.notes_to_panel)
    return _consensus_out(consensus)


@router.post("/bids/{int:pk}/consensus/finalise", response={200: ConsensusOut, 409: ErrorOut}, auth=reviewer_auth)
def finalise_consensus(request, pk: PathId):
    """Finalise: every criterion scored; a score below a threshold puts the bid out."""
    consensus = call_or_409(services.consensus_finalise, actor=request.user, consensus=_consensus_for(request, pk))
    return _consensus_out(consensus)


@router.post("/bids/{int:pk}/defence", response={200: DefenceOut, 409: ErrorOut}, auth=decide_auth)
def schedule_defence(request, pk: PathId, payload: DefenceIn):
    bid = _officer_bid(request, pk)
    defence = call_or_409(services.defence_schedule, actor=request.user, bid=bid, scheduled_at=payload.scheduled_at,
                                        mode=payload.mode, place=payload.place)
    return {"bid": bid.pk, "scheduled_at": defence.scheduled_at, "mode": defence.mode, "place": defence.place}


@router.post("/challenges/{code}/award", response={200: AwardOut, 409: ErrorOut}, auth=decide_auth)
def award(request, code: Key, payload: AwardIn):
    """Confirm the winners (each with a final consensus above every threshold, an amount within the ceiling)
    with the panel's minutes; every team is told its result."""
    challenge = get_object_or_404(Challenge, code=code)
    bids = {b.pk: b for b in Bid.objects.filter(challenge=challenge, pk__in=[w.bid for w in payload.winners])}
    winners = []
    for item in payload.winners:
        if item.bid not in bids:
            raise ValidationError({"winners": [_("A winning bid must be a bid of this challenge.")]})
        winners.append((bids[item.bid], item.amount))
    challenge = call_or_409(services.challenge_award, actor=request.user, challenge=challenge, winners=winners,
                                         minutes=payload.minutes)
    return {"code": challenge.code, "status": challenge.status, "awarded_at": challenge.awarded_at,
            "winners": [{"bid": str(a.bid_id), "amount": str(a.amount), "currency": a.currency}
                        for a in challenge.awards.all()]}


# ── Teams ──────────────────────────────────────────────────────────────────────────────────────────────────


@router.get("/bids/{int:pk}/result", response=ResultOut, auth=result_auth)
def bid_result(request, pk: PathId):
    """Your bid's result after the award: outcome, consensus scores and report, the reviewers' comments to the
    team — never who the reviewers are."""
    bid = get_object_or_404(Bid.objects.select_related("challenge"), pk=pk)
    if not services.may_see_result(request.user, bid):
        raise PermissionDenied("challenges.result")
    consensus = Consensus.objects.filter(bid=bid, status=ConsensusStatus.FINAL).prefetch_related("scores").first()
    award_row = getattr(bid, "award", None) if Bid.objects.filter(pk=bid.pk, award__isnull=False).exists() else None
    criteria = selectors.criteria_of(bid.challenge)
    scores = {s.criterion_id: s.score for s in consensus.scores.all()} if consensus is not None else {}
    return {"bid": bid.pk, "reference": bid.reference, "status": bid.status,
            "award_amount": str(award_row.amount) if award_row is not None else None,
            "award_currency": award_row.currency if award_row is not None else None,
            "scores": [{"criterion": localised(c, "name"), "score": str(scores[c.pk]) if c.pk in scores else ""}
                       for c in criteria],
            "total": str(consensus.total) if consensus is not None and consensus.total is not None else None,
            "report_to_team": consensus.report_to_team if consensus is not None else "",
            "comments_to_team": [r.comments_to_team for r in Review.objects.filter(
                bid=bid, status=ReviewStatus.SUBMITTED).order_by("id") if r.comments_to_team]}
