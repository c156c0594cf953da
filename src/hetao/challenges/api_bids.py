"""Bids on the API: my bids; start, edit, members, budget, milestones, submit and withdraw (the team lead);
clarification answers (the team); the officers' list of a challenge's bids (only the count while sealed), the
emergency opening and clarification questions. The same services, rules and sealing as the pages: a bid the
caller may not open is a 404."""

import datetime
from decimal import Decimal
from typing import Literal

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status

from hetao.api.schemas import Key, PathId
from hetao.core.api_auth import PermissionSessionAuth, conflicts_as_409
from hetao.registry.models import Organisation

from . import selectors_bids
from .models import Bid, BidMember, BidStatus, Challenge, Clarification
from .services import bids as bid_services

router = Router(tags=["challenges"])

SIGNED_IN = _("Sign in to do this.")
# Signed in; the services check the bid itself (the lead, the team, the state, the deadline).
team_auth = PermissionSessionAuth("challenges.bid", SIGNED_IN)
OFFICERS = _("Only research management officers do this.")
unseal_auth = PermissionSessionAuth("challenges.unseal", OFFICERS)
clarify_auth = PermissionSessionAuth("challenges.clarify", OFFICERS)
panel_auth = PermissionSessionAuth("challenges.panel_view", OFFICERS)

Code = Key


class BidOut(Schema):
    id: int
    reference: str
    challenge: str
    team_name: str
    status: str
    currency: str
    budget_total: str
    submitted_at: datetime.datetime | None
    withdrawn_at: datetime.datetime | None
    url: str

    @staticmethod
    def resolve_challenge(obj: Bid) -> str:
        return obj.challenge.code

    @staticmethod
    def resolve_budget_total(obj: Bid) -> str:
        return str(obj.budget_total)

    @staticmethod
    def resolve_url(obj: Bid) -> str:
        return obj.get_absolute_url()


class MemberOut(Schema):
    id: int
    name: str
    email: str
    role: str
    is_lead: bool
    status: str


class LineOut(Schema):
    id: int
    category: str
    description: str
    amount: str

    @staticmethod
    def resolve_amount(obj) -> str:
        return str(obj.amount)


class MilestoneOut(Schema):
    id: int
    title: str
    month: int
    deliverable: str


class DocumentOut(Schema):
    id: int
    title: str
    size: int
    sha256: str
    metadata_warning: str


class ClarificationOut(Schema):
    id: int
    question: str
    answer: str
    asked_at: datetime.datetime
    answered_at: datetime.datetime | None


class BidDetail(BidOut):
    organisation: str | None
    entity_to_register: str
    summary: str
    approach: str
    work_plan: str
    declares_no_other_conflicts: bool
    declared_conflicts: str
    declares_truthful: bool
    unsealed_at: datetime.datetime | None
    unseal_reason: str
    members: list[MemberOut]
    budget_lines: list[LineOut]
    milestones: list[MilestoneOut]
    documents: list[DocumentOut]
    clarifications: list[ClarificationOut]
    actions: list[str]

    @staticmethod
    def resolve_organisation(obj: Bid) -> str | None:
        return obj.organisation.slug if obj.organisation is not None else None

    @staticmethod
    def resolve_members(obj: Bid) -> list:
        return list(BidMember.objects.filter(bid=obj).order_by("-is_lead", "id"))

    @staticmethod
    def resolve_budget_lines(obj: Bid) -> list:
        return list(obj.budget_lines.order_by("order", "id"))

    @staticmethod
    def resolve_milestones(obj: Bid) -> list:
        return list(obj.milestones.order_by("month", "order", "id"))

    @staticmethod
    def resolve_documents(obj: Bid) -> list:
        return list(obj.documents.order_by("id"))

    @staticmethod
    def resolve_clarifications(obj: Bid) -> list:
        return list(Clarification.objects.filter(bid=obj).order_by("asked_at", "id"))

    @staticmethod
    def resolve_actions(obj: Bid, context) -> list[str]:
        return list(selectors_bids.offered(context["request"].user, obj))


class BidFields(Schema):
    organisation: str | None = Field(None, max_length=100, description="An organisation's slug (yours)")
    entity_to_register: str = Field("", max_length=255)
    summary: str = Field("", max_length=3000)
    approach: str = Field("", max_length=20000)
    work_plan: str = Field("", max_length=20000)
    declares_no_other_conflicts: bool = False
    declared_conflicts: str = Field("", max_length=3000)
    declares_truthful: bool = False


class BidIn(BidFields):
    team_name: str = Field(..., min_length=1, max_length=255)


class BidPatch(BidFields):
    team_name: str = Field("", max_length=255)


class MemberIn(Schema):
    email: str = Field(..., max_length=254)
    name: str = Field(..., max_length=255)
    role: str = Field("", max_length=120)


class LineIn(Schema):
    category: str = Field(..., max_length=12)
    description: str = Field(..., max_length=500)
    amount: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)


class BudgetIn(Schema):
    lines: list[LineIn] = Field(..., max_length=100)


class MilestoneIn(Schema):
    title: str = Field(..., max_length=300)
    month: int = Field(..., ge=1, le=600)
    deliverable: str = Field(..., max_length=3000)


class MilestonesIn(Schema):
    milestones: list[MilestoneIn] = Field(..., max_length=100)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=2000)


class QuestionIn(Schema):
    question: str = Field(..., max_length=3000)


class AnswerIn(Schema):
    answer: str = Field(..., max_length=5000)


class ChallengeBidsOut(Schema):
    count: int
    sealed: bool
    items: list[BidOut] | None = None



def _bid(request, pk: int) -> Bid:
    return selectors_bids.bid_for(request.user, pk)


def _organisation(data: dict) -> None:
    if "organisation" in data:
        slug = data.pop("organisation")
        data["organisation"] = get_object_or_404(Organisation, slug=slug) if slug else None


@router.get("/bids", response=list[BidOut], auth=team_auth)
def list_my_bids(request):
    """The bids you lead or are a confirmed member of."""
    return list(selectors_bids.my_bids(request.user)[:200])


@router.post("/challenges/{code}/bids", response={201: BidDetail}, auth=team_auth)
@conflicts_as_409
def start_bid(request, code: Code, payload: BidIn):
    """Start a draft bid for an open challenge (you become its lead). One live bid per lead and challenge."""
    challenge = get_object_or_404(Challenge, code=code[:32])
    if not challenge.is_public:
        raise Http404
    data = payload.dict()
    _organisation(data)
    if data.get("organisation") is None:
        data.pop("organisation", None)
    made = bid_services.bid_start(actor=request.user, challenge=challenge, **data)
    return Status(201, selectors_bids.bid_for(request.user, made.pk))


@router.get("/bids/{int:pk}", response=BidDetail, auth=team_auth)
def get_bid(request, pk: PathId):
    """A bid: for its team, and for officers once the deadline has passed (or after the emergency opening)."""
    return _bid(request, pk)


@router.patch("/bids/{int:pk}", response=BidDetail, auth=team_auth)
@conflicts_as_409
def patch_bid(request, pk: PathId, payload: BidPatch):
    """Change the draft's fields (the lead)."""
    data = payload.dict(exclude_unset=True)
    _organisation(data)
    bid_services.bid_save(actor=request.user, bid=_bid(request, pk), **data)
    return _bid(request, pk)


@router.post("/bids/{int:pk}/members", response={201: MemberOut}, auth=team_auth)
@conflicts_as_409
def invite_member(request, pk: PathId, payload: MemberIn):
    """Invite a member by email (the lead, in a draft); the same person twice is a 422."""
    return Status(201, bid_services.member_invite(actor=request.user, bid=_bid(request, pk), **payload.dict()))


@router.delete("/bids/{int:pk}/members/{int:member_id}", response={204: None}, auth=team_auth)
@conflicts_as_409
def remove_member(request, pk: PathId, member_id: PathId):
    member = get_object_or_404(BidMember, pk=member_id, bid=_bid(request, pk))
    bid_services.member_remove(actor=request.user, member=member)
    return Status(204, None)


@router.put("/bids/{int:pk}/budget", response=BidDetail, auth=team_auth)
@conflicts_as_409
def put_budget(request, pk: PathId, payload: BudgetIn):
    """Replace the budget's lines; the total must not pass the challenge's ceiling (422 naming both)."""
    lines = [line.dict() for line in payload.lines]
    bid_services.budget_set(actor=request.user, bid=_bid(request, pk), lines=lines)
    return _bid(request, pk)


@router.put("/bids/{int:pk}/milestones", response=BidDetail, auth=team_auth)
@conflicts_as_409
def put_milestones(request, pk: PathId, payload: MilestonesIn):
    items = [item.dict() for item in payload.milestones]
    bid_services.milestones_set(actor=request.user, bid=_bid(request, pk), milestones=items)
    return _bid(request, pk)


@router.post("/bids/{int:pk}/actions/{action}", response={200: BidDetail, 204: None}, auth=team_auth)
@conflicts_as_409
def bid_action(request, pk: PathId, action: Literal["submit", "withdraw"]):
    """Submit (before the deadline, every member confirmed) or withdraw (before the deadline; a draft is
    discarded: 204)."""
    bid = _bid(request, pk)
    if action == "submit":
        bid_services.bid_submit(actor=request.user, bid=bid)
    else:
        was_draft = bid.status == BidStatus.DRAFT
        bid_services.bid_withdraw(actor=request.user, bid=bid)
        if was_draft:
            return Status(204, None)
    return _bid(request, pk)


@router.post("/bids/{int:pk}/unseal", response=BidDetail, auth=unseal_auth)
@conflicts_as_409
def unseal_bid(request, pk: PathId, payload: ReasonIn):
    """The emergency opening of a sealed bid (an officer, with a reason the team reads; audited)."""
    bid = get_object_or_404(Bid, pk=pk)
    bid_services.bid_unseal(actor=request.user, bid=bid, reason=payload.reason)
    return _bid(request, pk)


@router.get("/challenges/{code}/bids", response=ChallengeBidsOut, auth=panel_auth, exclude_none=True)
def challenge_bids(request, code: Code):
    """The officers' list of a challenge's submitted bids; while sealed only {"count": n, "sealed": true}."""
    challenge = get_object_or_404(Challenge, code=code[:32])
    if challenge.is_sealed:
        return {"count": selectors_bids.sealed_count(challenge), "sealed": True}
    items = list(selectors_bids.challenge_bids(challenge))
    return {"count": selectors_bids.sealed_count(challenge), "sealed": False, "items": items}


@router.post("/bids/{int:pk}/clarifications", response={201: ClarificationOut}, auth=clarify_auth)
@conflicts_as_409
def ask_clarification(request, pk: PathId, payload: QuestionIn):
    """Ask the team a question about a submitted bid, after the deadline (an officer)."""
    bid = _bid(request, pk)
    return Status(201, bid_services.clarification_ask(actor=request.user, bid=bid, question=payload.question))


@router.post("/clarifications/{int:pk}/answer", response=ClarificationOut, auth=team_auth)
@conflicts_as_409
def answer_clarification(request, pk: PathId, payload: AnswerIn):
    """Answer a clarification request (a team member; once)."""
    clarification = get_object_or_404(Clarification.objects.select_related("bid"), pk=pk)
    _bid(request, clarification.bid_id)
    return bid_services.clarification_answer(actor=request.user, clarification=clarification,
                                             answer=payload.answer)
