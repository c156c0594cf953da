"""The panel on the API: officers manage the pool, conflicts and the assignment (propose → inspect and swap →
deploy); an expert keeps their profile, lists their assignments and declares. The same services and rules as the
pages. Responses to experts name a bid only by its reference (phase 1 is blind)."""

import datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status

from hetao.accounts.models import User
from hetao.api.schemas import Id, PathId
from hetao.core.api_auth import PermissionSessionAuth, call_or_409
from hetao.core.permissions import require
from hetao.registry.models import Region

from . import selectors_panel as selectors
from .models import Assignment, AssignmentRun, Bid, Expert, Sector
from .services import panel as panel_services
from .views import _signed_in

router = Router(tags=["challenges"])

OFFICERS_ONLY = _("Only research management officers do this.")
experts_auth = PermissionSessionAuth("challenges.manage_experts", OFFICERS_ONLY)
assign_auth = PermissionSessionAuth("challenges.assign", OFFICERS_ONLY)
signed_in = PermissionSessionAuth("challenges.propose", _("Sign in to do this."))



class ExpertOut(Schema):
    id: int
    name: str
    user: int
    person: int
    disciplines: str
    keywords: str
    languages: str
    region: str
    sector: str
    available: bool
    max_load: int
    status: str

    @staticmethod
    def resolve_name(obj: Expert) -> str:
        return str(obj.person)

    @staticmethod
    def resolve_user(obj: Expert) -> int:
        return obj.user_id

    @staticmethod
    def resolve_person(obj: Expert) -> int:
        return obj.person_id


class InviteIn(Schema):
    user: Id
    disciplines: str = Field(..., max_length=500)
    keywords: str = Field("", max_length=2000)
    languages: str = Field("zh-hans,en", max_length=60)
    region: Literal[tuple(Region.values)]  # type: ignore[valid-type]
    sector: Literal[tuple(Sector.values)]  # type: ignore[valid-type]
    max_load: int = Field(4, ge=1, le=panel_services.MAX_LOAD)


class ProfileIn(Schema):
    disciplines: str | None = Field(None, max_length=500)
    keywords: str | None = Field(None, max_length=2000)
    languages: str | None = Field(None, max_length=60)
    region: Literal[tuple(Region.values)] | None = None  # type: ignore[valid-type]
    sector: Literal[tuple(Sector.values)] | None = None  # type: ignore[valid-type]
    available: bool | None = None
    max_load: int | None = Field(None, ge=1, le=panel_services.MAX_LOAD)
    respond: Literal["accept", "decline"] | None = None


class ReasonOut(Schema):
    code: str
    text: str


class ConflictPairOut(Schema):
    bid: int
    reference: str
    expert: int
    expert_name: str
    reasons: list[ReasonOut]


class ConflictIn(Schema):
    bid: Id
    expert: Id
    effect: Literal["add", "lift"]
    reason: str = Field(..., max_length=2000)


class ConflictDecisionOut(Schema):
    id: int
    bid: int
    expert: int
    effect: str
    reason: str
    decided_at: datetime.datetime

    @staticmethod
    def resolve_bid(obj: Any) -> int:
        return obj.bid_id

    @staticmethod
    def resolve_expert(obj: Any) -> int:
        return obj.expert_id


class PairOut(Schema):
    id: int
    bid: int
    reference: str
    expert: int
    expert_name: str
    affinity: float
    by_hand: bool
    declaration: str


class CoverageOut(Schema):
    bid: int
    quota: str
    needed: int
    have: int
    met: bool


class LoadOut(Schema):
    expert: int
    load: int
    most: int


class RunOut(Schema):
    id: int
    challenge: str
    status: str
    total_affinity: float
    upper_bound: float | None
    gap: float | None
    solver: str
    seconds: float
    quota_shortfalls: list[dict]
    deployed_at: datetime.datetime | None
    assignments: list[PairOut]
    coverage: list[CoverageOut]
    loads: list[LoadOut]


class SwapIn(Schema):
    bid: Id
    remove: Id
    add: Id


class MyAssignmentOut(Schema):
    id: int
    reference: str
    challenge: str
    declaration: str
    summary: str | None


class DeclareIn(Schema):
    conflict: bool
    reason: str = Field("", max_length=2000)


def _run_out(run: AssignmentRun) -> dict[str, Any]:
    table = selectors.run_table(run)
    pairs: list[dict[str, Any]] = []
    coverage: list[dict[str, Any]] = []
    for row in table.rows:
        for a in row.assignments:
            pairs.append({"id": a.pk, "bid": a.bid_id, "reference": row.bid.reference, "expert": a.expert_id,
                          "expert_name": str(a.expert.person), "affinity": a.affinity, "by_hand": a.by_hand,
                          "declaration": a.declaration})
        coverage.extend({"bid": row.bid.pk, "quota": q["quota"], "needed": q["needed"], "have": q["have"],
                         "met": q["met"]} for q in row.coverage)
    return {"id": run.pk, "challenge": run.challenge.code, "status": run.status,
            "total_affinity": run.total_affinity, "upper_bound": run.upper_bound, "gap": table.gap,
            "solver": run.solver, "seconds": run.seconds, "quota_shortfalls": run.quota_shortfalls,
            "deployed_at": run.deployed_at, "assignments": pairs, "coverage": coverage,
            "loads": [{"expert": e.pk, "load": load, "most": most} for e, load, most in table.loads]}


def _run(pk: int) -> AssignmentRun:
    return get_object_or_404(AssignmentRun.objects.select_related("challenge"), pk=pk)


def _my_expert(request: HttpRequest) -> Expert:
    expert = selectors.expert_of(request.user)
    if expert is None:
        raise Http404
    return expert


# ── Officers ─────────────────────────────────────────────────────────────────────────────────────────────────

@router.get("/experts", response=list[ExpertOut], auth=experts_auth)
def list_experts(request: HttpRequest, region: str = "", sector: str = "", availability: str = "",
                 status: str = "") -> Any:
    """The pool (at most 500), filtered by region, sector, availability (available / unavailable) and status."""
    return list(selectors.pool(region=region, sector=sector, availability=availability, status=status)[:500])


@router.post("/experts", response={201: ExpertOut}, auth=experts_auth)
def invite_expert(request: HttpRequest, payload: InviteIn) -> Any:
    """Invite a registry person with an account (`user`: the account's id) to the pool."""
    data = payload.dict()
    user = get_object_or_404(User, pk=data.pop("user"))
    return Status(201, panel_services.expert_invite(actor=_signed_in(request), user=user, **data))


@router.get("/challenges/{code}/conflicts", response=list[ConflictPairOut], auth=experts_auth)
def list_conflicts(request: HttpRequest, code: str) -> Any:
    """The computed conflicts of the challenge's bids with the pool, with reasons (after the deadline)."""
    challenge = selectors.challenge_by_code(code)
    if challenge.is_sealed:
        return []
    return [{"bid": row.bid.pk, "reference": row.bid.reference, "expert": expert.pk, "expert_name": str(expert.person),
             "reasons": [{"code": r.code, "text": str(r.text)} for r in reasons]}
            for row in selectors.conflict_table(challenge) for expert, reasons in row.pairs]


@router.post("/challenges/{code}/conflicts", response=ConflictDecisionOut, auth=experts_auth)
def decide_conflict(request: HttpRequest, code: str, payload: ConflictIn) -> Any:
    """Add or lift the conflict of a pair, with a reason (one decision per pair: a second replaces it)."""
    challenge = selectors.challenge_by_code(code)
    bid = get_object_or_404(Bid, pk=payload.bid, challenge=challenge)
    expert = get_object_or_404(Expert, pk=payload.expert)
    service = panel_services.conflict_add if payload.effect == "add" else panel_services.conflict_lift
    return service(actor=_signed_in(request), bid=bid, expert=expert, reason=payload.reason)


@router.post("/challenges/{code}/assignment-runs", response={201: RunOut}, auth=assign_auth)
def propose(request: HttpRequest, code: str) -> Any:
    """Propose an assignment (infeasible input: 422 with the reason, nothing stored)."""
    challenge = selectors.challenge_by_code(code)
    run = call_or_409(panel_services.assignment_propose, actor=request.user, challenge=challenge)
    return Status(201, _run_out(_run(run.pk)))


@router.get("/assignment-runs/{int:pk}", response=RunOut, auth=assign_auth)
def get_run(request: HttpRequest, pk: PathId) -> Any:
    return _run_out(_run(pk))


@router.post("/assignment-runs/{int:pk}/swap", response=RunOut, auth=assign_auth)
def swap(request: HttpRequest, pk: PathId, payload: SwapIn) -> Any:
    """Replace `remove` by `add` on `bid` (refused: a conflict, already on the bid, over the load, a hard quota)."""
    run = _run(pk)
    bid = get_object_or_404(Bid, pk=payload.bid, challenge=run.challenge)
    remove, add = get_object_or_404(Expert, pk=payload.remove), get_object_or_404(Expert, pk=payload.add)
    call_or_409(panel_services.assignment_swap, actor=request.user, run=run, bid=bid, remove=remove, add=add)
    return _run_out(_run(pk))


@router.post("/assignment-runs/{int:pk}/deploy", response=RunOut, auth=assign_auth)
def deploy(request: HttpRequest, pk: PathId) -> Any:
    """Deploy a proposed run (409 when the challenge already has a deployed run)."""
    call_or_409(panel_services.assignment_deploy, actor=request.user, run=_run(pk))
    return _run_out(_run(pk))


# ── The expert ───────────────────────────────────────────────────────────────────────────────────────────────

@router.get("/me/expert", response=ExpertOut, auth=signed_in)
def my_profile(request: HttpRequest) -> Any:
    return _my_expert(request)


@router.patch("/me/expert", response=ExpertOut, auth=signed_in)
def save_profile(request: HttpRequest, payload: ProfileIn) -> Any:
    """Change your profile; `respond` accepts or declines the invitation."""
    expert = _my_expert(request)
    data = payload.dict(exclude_unset=True)
    respond = data.pop("respond", None)
    fields = {k: v for k, v in data.items() if v is not None}
    if respond:
        expert = call_or_409(panel_services.expert_respond, actor=request.user, expert=expert,
                             accept=respond == "accept")
    if fields:
        expert = call_or_409(panel_services.expert_profile_save, actor=request.user, expert=expert, **fields)
    return expert


@router.get("/me/assignments", response=list[MyAssignmentOut], auth=signed_in)
def my_assignments(request: HttpRequest) -> Any:
    """Your deployed assignments: the bid's reference and, once you declared no conflict, its summary."""
    expert = _my_expert(request)
    return [{"id": a.pk, "reference": a.bid.reference, "challenge": a.bid.challenge.code,
             "declaration": a.declaration, "summary": a.bid.summary}
            for a in selectors.my_assignments(expert)[:500]]


@router.post("/assignments/{int:pk}/declare", response=MyAssignmentOut, auth=signed_in)
def declare(request: HttpRequest, pk: PathId, payload: DeclareIn) -> Any:
    """Declare "no conflict" (the review opens) or a conflict with its reason."""
    assignment = get_object_or_404(Assignment.objects.select_related("run", "expert", "bid__challenge"), pk=pk)
    if assignment.expert.user_id != request.user.pk:
        raise Http404
    require(request.user, "challenges.declare", assignment)
    made = call_or_409(panel_services.assignment_declare, actor=request.user, assignment=assignment,
                  conflict=payload.conflict, reason=payload.reason)
    return {"id": made.pk, "reference": made.bid.reference, "challenge": made.bid.challenge.code,
            "declaration": made.declaration, "summary": made.bid.summary}

