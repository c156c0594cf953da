"""Topic solicitation on the API: published topics (public); propose, submit and support (signed in); screen and
publish (research management officers). The same services and rules as the pages."""

import datetime
from decimal import Decimal
from typing import Literal

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from hetao.api.schemas import Id, Pagination, PathId
from hetao.core.api_auth import PermissionSessionAuth
from hetao.core.trilingual import localised
from hetao.registry.models import KeyDirection, Organisation

from . import selectors, services
from .models import Topic
from .workflow import TOPIC

router = Router(tags=["challenges"])

SIGNED_IN = _("Sign in to do this.")
propose_auth = PermissionSessionAuth("challenges.propose", SIGNED_IN)
support_auth = PermissionSessionAuth("challenges.support", SIGNED_IN)
screen_auth = PermissionSessionAuth("challenges.screen", _("Only research management officers screen topics."))


class TopicOut(Schema):
    id: int
    title: str
    title_en: str
    title_zh_hans: str
    title_zh_hant: str
    key_direction: str
    organisation: str | None
    status: str
    tags: list[str]
    support_count: int
    support_threshold: int
    merged_into: int | None
    published_at: datetime.datetime | None
    url: str

    @staticmethod
    def resolve_title(obj):
        return localised(obj, "title")

    @staticmethod
    def resolve_key_direction(obj):
        return obj.key_direction.code

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.slug if obj.organisation_id else None

    @staticmethod
    def resolve_tags(obj):
        return obj.tag_list

    @staticmethod
    def resolve_merged_into(obj):
        return obj.merged_into_id

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class TopicDetail(TopicOut):
    problem: str
    importance: str
    outcome: str
    budget_amount: str | None
    budget_currency: str
    decline_reason: str
    # What the caller may do with it now (the workflow's available transitions, topic/workflow.py).
    actions: list[str]

    @staticmethod
    def resolve_budget_amount(obj):
        return str(obj.budget_amount) if obj.budget_amount is not None else None

    @staticmethod
    def resolve_decline_reason(obj, context):
        user = context["request"].user
        return obj.decline_reason if obj.proposer_id == user.pk or TOPIC.allowed(user, obj, "edit") else ""

    @staticmethod
    def resolve_actions(obj, context):
        return [t.action for t in TOPIC.available(context["request"].user, obj)]


class TopicIn(Schema):
    title_en: str = Field("", max_length=500)
    title_zh_hans: str = Field("", max_length=500)
    title_zh_hant: str = Field("", max_length=500)
    problem: str = Field(..., max_length=5000)
    importance: str = Field(..., max_length=5000)
    outcome: str = Field(..., max_length=5000)
    key_direction: str = Field(..., max_length=48, description="A key direction's code")
    budget_amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    budget_currency: Literal["", "CNY", "HKD"] = ""
    tags: str = Field("", max_length=255)
    organisation: str | None = Field(None, max_length=100, description="An organisation's slug (yours)")


class ScreenIn(Schema):
    action: Literal["accept", "merge", "decline", "publish"]
    reason: str = Field("", max_length=2000)
    merged_into: Id | None = None


class SupportOut(Schema):
    supported: bool
    support_count: int


def _visible(request, pk: int) -> Topic:
    topic = get_object_or_404(Topic.objects.select_related("key_direction", "organisation", "merged_into"), pk=pk)
    if not selectors.visible(request.user, topic):
        raise Http404  # do not reveal that it exists
    return topic


@router.get("/topics", response=list[TopicOut])
@paginate(Pagination)
def list_topics(request, direction: str = "", status: Literal["published", "merged"] | None = None):
    """Published topics (and those merged into one), newest first."""
    return selectors.public_topics(direction=direction, status=status or "")


@router.get("/topics/{int:pk}", response=TopicDetail)
def get_topic(request, pk: PathId):
    """A published topic; your own, or (for officers) a submitted one."""
    return _visible(request, pk)


@router.post("/topics", response={201: TopicDetail}, auth=propose_auth)
def propose_topic(request, payload: TopicIn):
    """Propose a topic (a draft): a title in at least one language; the budget in CNY or HKD, or none."""
    data = payload.dict()
    direction = get_object_or_404(KeyDirection, code=data.pop("key_direction"))
    slug = data.pop("organisation")
    organisation = get_object_or_404(Organisation, slug=slug) if slug else None
    made = services.topic_propose(actor=request.user, key_direction=direction, organisation=organisation, **data)
    return Status(201, made)


@router.post("/topics/{int:pk}/submit", response=TopicDetail, auth=propose_auth)
def submit_topic(request, pk: PathId):
    return services.topic_submit(actor=request.user, topic=_visible(request, pk))


@router.post("/topics/{int:pk}/support", response=SupportOut, auth=support_auth)
def support_topic(request, pk: PathId):
    """Support a published topic (once per person: a second support is a 422)."""
    topic = _visible(request, pk)
    services.topic_support(actor=request.user, topic=topic)
    topic.refresh_from_db(fields=["support_count"])
    return {"supported": True, "support_count": topic.support_count}


@router.delete("/topics/{int:pk}/support", response=SupportOut, auth=support_auth)
def withdraw_support(request, pk: PathId):
    topic = _visible(request, pk)
    services.topic_support_withdraw(actor=request.user, topic=topic)
    topic.refresh_from_db(fields=["support_count"])
    return {"supported": False, "support_count": topic.support_count}


@router.post("/topics/{int:pk}/screen", response=TopicDetail, auth=screen_auth)
def screen_topic(request, pk: PathId, payload: ScreenIn):
    """Accept, merge (into `merged_into`) or decline (with a `reason` shown to the proposer) a submitted topic, or
    publish an accepted one."""
    topic = _visible(request, pk)
    if payload.action == "publish":
        return services.topic_publish(actor=request.user, topic=topic)
    target = get_object_or_404(Topic, pk=payload.merged_into) if payload.merged_into is not None else None
    return services.topic_screen(actor=request.user, topic=topic, action=payload.action, reason=payload.reason,
                                 merged_into=target)



# The other parts of the app answer under the same prefix (/api/v1/…), each from its own module.
def _mount_parts() -> None:
    from . import api_bids, api_calls, api_panel, api_reviews

    for part in (api_calls, api_bids, api_panel, api_reviews):
        router.add_router("", part.router)


_mount_parts()
