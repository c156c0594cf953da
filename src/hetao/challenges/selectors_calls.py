"""Every read of the challenge pages and endpoints, each a fixed number of queries whatever the number of rows."""

from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from hetao.core.permissions import can

from .models import PUBLIC_CHALLENGE_STATES, Award, Bid, BidStatus, Challenge, ChallengeQuestion, ChallengeStatus, Topic

LANGUAGES = {"en": "title_en", "zh-hans": "title_zh_hans", "zh-hant": "title_zh_hant"}
# Bids an officer counts while the call is sealed (drafts are the team's own business).
COUNTED_BIDS = (BidStatus.SUBMITTED, BidStatus.OUT, BidStatus.AWARDED, BidStatus.NOT_AWARDED)


def _listed(challenges: QuerySet[Challenge]) -> QuerySet[Challenge]:
    return challenges.select_related("key_direction")


def filter_challenges(challenges: QuerySet[Challenge], *, direction: str = "", status: str = "",
                      language: str = "", budget_min: Decimal | None = None, budget_max: Decimal | None = None,
                      currency: str = "") -> QuerySet[Challenge]:
    if direction:
        challenges = challenges.filter(key_direction__code=direction)
    if status:
        challenges = challenges.filter(status=status)
    if language in LANGUAGES:
        challenges = challenges.exclude(**{LANGUAGES[language]: ""})
    if currency:
        challenges = challenges.filter(currency=currency)
    if budget_min is not None:
        challenges = challenges.filter(budget_ceiling__gte=budget_min)
    if budget_max is not None:
        challenges = challenges.filter(budget_ceiling__lte=budget_max)
    return challenges


def public_challenges(**filters: Any) -> QuerySet[Challenge]:
    """Open, in review, in defence and awarded challenges: open ones first, then by deadline."""
    challenges = Challenge.objects.filter(status__in=PUBLIC_CHALLENGE_STATES)
    if filters.get("status") and filters["status"] not in PUBLIC_CHALLENGE_STATES:
        return Challenge.objects.none()
    return _listed(filter_challenges(challenges, **filters)).order_by("-published_at", "-id")


def officer_challenges(*, status: str = "") -> QuerySet[Challenge]:
    challenges = Challenge.objects.all()
    if status in ChallengeStatus.values:
        challenges = challenges.filter(status=status)
    return _listed(challenges).annotate(
        bid_count=Count("bids", filter=Q(bids__status__in=COUNTED_BIDS))).order_by("-updated_at", "-id")


def challenge_for(user: Any, code: str) -> Challenge:
    """The challenge `code` if `user` may see it (public, or an officer), else 404 (a draft is not revealed)."""
    challenge = (Challenge.objects.select_related("key_direction", "created_by")
                 .prefetch_related("criteria", "eligibility_rules", "attachments",
                                   Prefetch("topics", queryset=Topic.objects.order_by("id")))
                 .filter(code=code).first())
    if challenge is None or not (challenge.is_public or can(user, "challenges.view_challenge", challenge)):
        raise Http404
    return challenge


def answered_questions(challenge: Challenge) -> QuerySet[ChallengeQuestion]:
    """The public Q&A: answered questions only, without who asked or answered."""
    return (ChallengeQuestion.objects.filter(challenge=challenge, answered_at__isnull=False)
            .only("id", "challenge_id", "question", "answer", "asked_at", "answered_at").order_by("answered_at", "id"))


def open_questions(challenge: Challenge) -> QuerySet[ChallengeQuestion]:
    """Questions waiting for an officer's answer."""
    return (ChallengeQuestion.objects.filter(challenge=challenge, answered_at__isnull=True)
            .only("id", "challenge_id", "question", "asked_at").order_by("asked_at", "id"))


def bid_count(challenge: Challenge) -> int:
    """How many bids were submitted: all an officer may know while the bids are sealed."""
    return Bid.objects.filter(challenge=challenge, status__in=COUNTED_BIDS).count()


def results(challenge: Challenge) -> list[Award]:
    """The winners (team name, amount, currency) of an awarded challenge."""
    if challenge.status != ChallengeStatus.AWARDED:
        return []
    return list(Award.objects.filter(challenge=challenge).select_related("bid").order_by("-amount", "id"))


def topic_challenges(topic: Topic) -> list[Challenge]:
    """The public challenges a topic became (provenance shown on the topic)."""
    return list(topic.challenges.filter(status__in=PUBLIC_CHALLENGE_STATES).order_by("id"))


def source_topics(ids: list[int]) -> QuerySet[Topic]:
    from .models import Status

    return Topic.objects.filter(pk__in=ids, status__in=(Status.ACCEPTED, Status.PUBLISHED)).order_by("id")
