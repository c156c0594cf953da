"""Challenges on the API: public list, detail, results and answered questions; ask a question (signed in);
officers create, edit, set the rubric and eligibility, publish, start the review, cancel and answer. The same
services and rules as the pages."""

import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from hetao.api.schemas import Id, Key, Pagination, PathId
from hetao.core.api_auth import PermissionSessionAuth, conflicts_as_409
from hetao.core.permissions import can
from hetao.core.trilingual import localised
from hetao.registry.models import KeyDirection

from . import selectors_calls as selectors
from .models import Challenge, ChallengeQuestion, ChallengeStatus, EligibilityKind
from .services import calls as services
from .services import reviews as review_services
from .workflow import CHALLENGE

router = Router(tags=["challenges"])

SIGNED_IN = _("Sign in to do this.")
ask_auth = PermissionSessionAuth("challenges.ask", SIGNED_IN)
manage_auth = PermissionSessionAuth("challenges.manage_calls",
                                    _("Only research management officers manage challenges."))

Amount = Decimal
PublicStatus = Literal["open", "review", "defence", "awarded"]


class CriterionOut(Schema):
    id: int
    name: str
    name_en: str
    name_zh_hans: str
    name_zh_hant: str
    description: str
    weight: int
    max_score: int
    threshold: str

    @staticmethod
    def resolve_name(obj):
        return localised(obj, "name")

    @staticmethod
    def resolve_threshold(obj):
        return str(obj.threshold)


class RuleOut(Schema):
    kind: str
    label: str
    text: str

    @staticmethod
    def resolve_label(obj):
        return str(obj.get_kind_display())


class AttachmentOut(Schema):
    id: int
    title: str
    content_type: str
    size: int
    url: str

    @staticmethod
    def resolve_url(obj):
        from django.urls import reverse

        return reverse("challenges:attachment", kwargs={"code": obj.challenge.code, "pk": obj.pk})


class TopicRef(Schema):
    id: int
    title: str
    url: str

    @staticmethod
    def resolve_title(obj):
        return localised(obj, "title")

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class ChallengeOut(Schema):
    code: str
    title: str
    title_en: str
    title_zh_hans: str
    title_zh_hant: str
    key_direction: str
    status: str
    budget_ceiling: str
    currency: str
    duration_months: int
    opens_at: datetime.datetime | None
    closes_at: datetime.datetime
    published_at: datetime.datetime | None
    accepting_bids: bool
    url: str

    @staticmethod
    def resolve_title(obj):
        return localised(obj, "title")

    @staticmethod
    def resolve_key_direction(obj):
        return obj.key_direction.code

    @staticmethod
    def resolve_budget_ceiling(obj):
        return str(obj.budget_ceiling)

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class ChallengeDetail(ChallengeOut):
    description: str
    description_en: str
    description_zh_hans: str
    description_zh_hant: str
    problem: str
    deliverables: str
    indicators: str
    review_ends_on: datetime.date | None
    defence_on: datetime.date | None
    award_on: datetime.date | None
    criteria: list[CriterionOut]
    eligibility: list[RuleOut]
    attachments: list[AttachmentOut]
    topics: list[TopicRef]
    # Officers only: how many bids were submitted (the bids themselves stay sealed until the deadline).
    bid_count: int | None
    actions: list[str]

    @staticmethod
    def resolve_description(obj):
        return localised(obj, "description")

    @staticmethod
    def resolve_criteria(obj):
        return list(obj.criteria.all())

    @staticmethod
    def resolve_eligibility(obj):
        return list(obj.eligibility_rules.all())

    @staticmethod
    def resolve_attachments(obj):
        return list(obj.attachments.all())

    @staticmethod
    def resolve_topics(obj):
        return list(obj.topics.all())

    @staticmethod
    def resolve_bid_count(obj, context):
        user = context["request"].user
        return selectors.bid_count(obj) if can(user, "challenges.manage_calls", obj) else None

    @staticmethod
    def resolve_actions(obj, context):
        return [t.action for t in CHALLENGE.available(context["request"].user, obj)]


class WinnerOut(Schema):
    team_name: str
    amount: str
    currency: str


class ResultsOut(Schema):
    code: str
    title: str
    awarded_at: datetime.datetime | None
    winners: list[WinnerOut]


class QuestionOut(Schema):
    id: int
    question: str
    answer: str
    answered_at: datetime.datetime | None


class AskedOut(Schema):
    id: int
    question: str
    asked_at: datetime.datetime


class QuestionIn(Schema):
    question: str = Field(..., min_length=1, max_length=3000)


class AnswerIn(Schema):
    answer: str = Field(..., min_length=1, max_length=5000)


class ChallengeFields(Schema):
    title_en: str | None = Field(None, max_length=500)
    title_zh_hans: str | None = Field(None, max_length=500)
    title_zh_hant: str | None = Field(None, max_length=500)
    description_en: str | None = Field(None, max_length=20000)
    description_zh_hans: str | None = Field(None, max_length=20000)
    description_zh_hant: str | None = Field(None, max_length=20000)
    problem: str | None = Field(None, max_length=10000)
    deliverables: str | None = Field(None, max_length=10000)
    indicators: str | None = Field(None, max_length=10000)
    budget_ceiling: Amount | None = Field(None, gt=0, max_digits=14, decimal_places=2)
    currency: Literal["CNY", "HKD"] | None = None
    duration_months: int | None = Field(None, ge=1, le=240)
    key_direction: str | None = Field(None, max_length=48, description="A key direction's code")
    opens_at: datetime.datetime | None = None
    closes_at: datetime.datetime | None = None
    review_ends_on: datetime.date | None = None
    defence_on: datetime.date | None = None
    award_on: datetime.date | None = None
    experts_per_bid: int | None = Field(None, ge=1, le=20)
    max_load: int | None = Field(None, ge=1, le=100)
    min_load: int | None = Field(None, ge=0, le=100)
    spread_threshold: Decimal | None = Field(None, ge=0, max_digits=4, decimal_places=2)
    min_hk_macao_experts: int | None = Field(None, ge=0, le=20)
    min_mainland_experts: int | None = Field(None, ge=0, le=20)
    min_industry_experts: int | None = Field(None, ge=0, le=20)
    quotas_hard: bool | None = None


class ChallengeIn(ChallengeFields):
    topics: list[Id] = Field(default_factory=list, max_length=50, description="Accepted or published topics")
    code: str | None = Field(None, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9-]*$")


class CriterionIn(Schema):
    name_en: str = Field("", max_length=255)
    name_zh_hans: str = Field("", max_length=255)
    name_zh_hant: str = Field("", max_length=255)
    description: str = Field(..., max_length=4000)
    weight: int = Field(..., ge=-1000, le=1000)
    max_score: int = Field(10, ge=-1000, le=1000)
    threshold: Decimal = Field(Decimal(0), ge=-1000, le=1000, max_digits=7, decimal_places=2)


class RuleIn(Schema):
    kind: Literal[tuple(EligibilityKind.values)]  # type: ignore[valid-type]
    text: str = Field("", max_length=2000)


class ActionIn(Schema):
    reason: str = Field("", max_length=2000)


class Filters(Schema):
    direction: str = Field("", max_length=48)
    status: PublicStatus | None = None
    language: Literal["en", "zh-hans", "zh-hant"] | None = None
    budget_min: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    budget_max: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    currency: Literal["CNY", "HKD"] | None = None



def _visible(request, code: str) -> Challenge:
    return selectors.challenge_for(request.user, code)


def _fields(payload: ChallengeFields) -> dict:
    data = payload.dict(exclude_unset=True)
    data.pop("topics", None)
    data.pop("code", None)
    if "key_direction" in data:
        code = data.pop("key_direction")
        if code is None:
            raise ValidationError({"key_direction": _("Choose a key direction.")})
        data["key_direction"] = get_object_or_404(KeyDirection, code=code)
    for name in ("budget_ceiling", "currency", "duration_months", "closes_at"):
        if name in data and data[name] is None:
            raise ValidationError({name: _("This field cannot be empty.")})
    return data


@router.get("/challenges", response=list[ChallengeOut])
@paginate(Pagination)
def list_challenges(request, filters: Query[Filters]):
    """Public challenges (open, in review, in defence, awarded), newest first; filters by key direction, status,
    language (a title in it), budget range and currency."""
    if filters.budget_min is not None and filters.budget_max is not None and filters.budget_min > filters.budget_max:
        raise ValidationError({"budget_max": _("The upper end of the budget is below the lower end.")})
    return selectors.public_challenges(direction=filters.direction, status=filters.status or "",
                                       language=filters.language or "", budget_min=filters.budget_min,
                                       budget_max=filters.budget_max, currency=filters.currency or "")


@router.get("/challenges/{code}", response=ChallengeDetail)
def get_challenge(request, code: Key):
    """A public challenge (officers also see drafts and the number of bids received)."""
    return _visible(request, code)


@router.get("/challenges/{code}/results", response=ResultsOut)
def get_results(request, code: Key):
    """The winners of an awarded challenge: team names and amounts (404 until the result is published)."""
    challenge = _visible(request, code)
    if challenge.status != ChallengeStatus.AWARDED:
        raise Http404
    winners = [{"team_name": a.bid.team_name, "amount": str(a.amount), "currency": a.currency}
               for a in selectors.results(challenge)]
    return {"code": challenge.code, "title": challenge.title, "awarded_at": challenge.awarded_at,
            "winners": winners}


@router.get("/challenges/{code}/questions", response=list[QuestionOut])
def list_questions(request, code: Key):
    """The public Q&A: answered questions only; who asked is never shown."""
    return list(selectors.answered_questions(_visible(request, code)))


@router.post("/challenges/{code}/questions", response={201: AskedOut}, auth=ask_auth)
def ask_question(request, code: Key, payload: QuestionIn):
    """Ask a question while the challenge accepts bids; the answer is published to all bidders."""
    made = services.question_ask(actor=request.user, challenge=_visible(request, code), question=payload.question)
    return Status(201, made)


@router.post("/challenges/questions/{int:pk}/answer", response=QuestionOut, auth=manage_auth)
def answer_question(request, pk: PathId, payload: AnswerIn):
    """Answer a question publicly (once)."""
    question = get_object_or_404(ChallengeQuestion, pk=pk)
    return services.question_answer(actor=request.user, question=question, answer=payload.answer)


@router.post("/challenges", response={201: ChallengeDetail}, auth=manage_auth)
def create_challenge(request, payload: ChallengeIn):
    """A draft challenge, optionally from accepted or published topics (prefilled from the first)."""
    made = services.challenge_create(actor=request.user, topics=payload.topics, code=payload.code or "",
                                     **_fields(payload))
    return Status(201, selectors.challenge_for(request.user, made.code))


@router.patch("/challenges/{code}", response=ChallengeDetail, auth=manage_auth)
@conflicts_as_409
def update_challenge(request, code: Key, payload: ChallengeFields):
    """Change a challenge's fields; once open only its wording changes."""
    services.challenge_save(actor=request.user, challenge=_visible(request, code), **_fields(payload))
    return selectors.challenge_for(request.user, code)


@router.put("/challenges/{code}/criteria", response=list[CriterionOut], auth=manage_auth)
@conflicts_as_409
def set_criteria(request, code: Key, payload: list[CriterionIn]):
    """Replace the rubric of a draft (weights 1..100, thresholds 0..highest score, merit only)."""
    return services.criteria_set(actor=request.user, challenge=_visible(request, code),
                                 criteria=[c.dict() for c in payload])


@router.put("/challenges/{code}/eligibility", response=list[RuleOut], auth=manage_auth)
@conflicts_as_409
def set_eligibility(request, code: Key, payload: list[RuleIn]):
    """Replace the eligibility rules of a draft (merit only)."""
    return services.eligibility_set(actor=request.user, challenge=_visible(request, code),
                                    rules=[r.dict() for r in payload])


@router.post("/challenges/{code}/actions/{action}", response=ChallengeDetail, auth=manage_auth)
@conflicts_as_409
def challenge_action(request, code: Key, action: Literal["publish", "start_review", "start_defence", "cancel"],
                     payload: ActionIn | None = None):
    """Publish, start the blind review (after the deadline), start the defence (phase 2: names visible to the
    reviewers) or cancel (with a `reason`). Awarding has its own endpoint (POST /challenges/{code}/award)."""
    challenge = _visible(request, code)
    if action == "publish":
        services.challenge_publish(actor=request.user, challenge=challenge)
    elif action == "start_review":
        services.challenge_start_review(actor=request.user, challenge=challenge)
    elif action == "start_defence":
        review_services.challenge_start_defence(actor=request.user, challenge=challenge)
    else:
        services.challenge_cancel(actor=request.user, challenge=challenge,
                                  reason=payload.reason if payload else "")
    return selectors.challenge_for(request.user, code)
