"""Every read the topic pages and endpoints need, each a fixed number of queries whatever the number of rows."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from hetao.core.permissions import can
from hetao.registry.models import KeyDirection

from .models import Status, Topic, TopicComment, TopicSupport

# The statuses the public list can filter by: published topics, and topics merged into a published one.
PUBLIC_FILTERS = (Status.PUBLISHED, Status.MERGED)
PUBLIC = Q(status=Status.PUBLISHED) | Q(status=Status.MERGED, merged_into__status=Status.PUBLISHED)


def _listed(topics: QuerySet[Topic]) -> QuerySet[Topic]:
    return topics.select_related("key_direction", "organisation", "merged_into")


def public_topics(*, direction: str = "", status: str = "") -> QuerySet[Topic]:
    """Published topics (and those merged into one), newest first; `direction` is a key direction's code."""
    topics = Topic.objects.filter(PUBLIC)
    if status in PUBLIC_FILTERS:
        topics = topics.filter(status=status)
    if direction:
        topics = topics.filter(key_direction__code=direction)
    return _listed(topics).order_by("-published_at", "-decided_at", "-id")


def directions() -> QuerySet[KeyDirection]:
    return KeyDirection.objects.all()


def my_topics(user: Any) -> QuerySet[Topic]:
    return _listed(Topic.objects.filter(proposer=user)).order_by("-updated_at", "-id")


def screening_queue(*, status: str = Status.SUBMITTED) -> QuerySet[Topic]:
    """Topics waiting for an officer: submitted (to screen) or accepted (to publish)."""
    wanted = status if status in (Status.SUBMITTED, Status.ACCEPTED) else Status.SUBMITTED
    return _listed(Topic.objects.filter(status=wanted).select_related("proposer")).order_by("submitted_at", "id")


def merge_targets(topic: Topic) -> QuerySet[Topic]:
    """Topics another can be merged into: submitted, accepted or published, in the same key direction first."""
    return (Topic.objects.filter(status__in=(Status.SUBMITTED, Status.ACCEPTED, Status.PUBLISHED))
            .exclude(pk=topic.pk).select_related("key_direction").order_by("-published_at", "id"))


def topic_for(user: Any, pk: int) -> Topic:
    """The topic `pk` if `user` may see it (public, their own, or an officer's once submitted), else 404."""
    topic = get_object_or_404(Topic.objects.select_related("key_direction", "organisation", "proposer",
                                                           "merged_into", "decided_by"), pk=pk)
    if not visible(user, topic):
        raise PermissionDenied("challenges.view")
    return topic


def visible(user: Any, topic: Topic) -> bool:
    return topic.is_public or can(user, "challenges.view", topic)


def topic_page(user: Any, topic: Topic) -> dict[str, Any]:
    """The comments (with their authors), the topics merged into this one, and whether `user` supports it."""
    comments = TopicComment.objects.filter(topic=topic).select_related("author").order_by("created_at", "id")
    merged = Topic.objects.filter(merged_into=topic).order_by("id")
    supports = (user is not None and user.is_authenticated
                and TopicSupport.objects.filter(topic=topic, user=user).exists())
    return {"comments": list(comments), "merged": list(merged), "supports": supports}


__all__ = ["PUBLIC_FILTERS", "directions", "merge_targets", "my_topics", "public_topics",
           "screening_queue", "topic_for", "topic_page", "visible"]
