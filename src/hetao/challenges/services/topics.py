"""Every write of topic solicitation: propose, save, submit, screen (accept / merge / decline), publish, edit,
support and comment. Keyword-only, permission-checked, row-locked, audited; the proposer is notified."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hetao.accounts.models import User
from hetao.audit.service import audit_record
from hetao.community.services import notify
from hetao.core.permissions import require
from hetao.core.roles import is_org_member
from hetao.registry.models import KeyDirection, Organisation

from ..models import Status, Topic, TopicComment, TopicSupport
from ..workflow import SCREENING, TOPIC

__all__ = ["EDITABLE_FIELDS", "topic_comment", "topic_publish", "topic_propose", "topic_save", "topic_screen",
           "topic_submit", "topic_support", "topic_support_withdraw"]

# What a proposer (in a draft) and an officer (from submission on) may change.
EDITABLE_FIELDS = ("title_en", "title_zh_hans", "title_zh_hant", "problem", "importance", "outcome",
                   "budget_amount", "budget_currency", "key_direction", "tags", "organisation")

MERGE_TARGETS = (Status.SUBMITTED, Status.ACCEPTED, Status.PUBLISHED)


def _clean_tags(tags: str) -> str:
    return ", ".join(dict.fromkeys(t.strip() for t in tags.replace("，", ",").split(",") if t.strip()))


def _check_organisation(actor: User, organisation: Organisation | None, topic: Topic) -> None:
    """A proposer names only an organisation they belong to (an officer keeps what the proposer named)."""
    if organisation is None or organisation.pk == topic.organisation_id:
        return
    if not is_org_member(actor, organisation):
        raise ValidationError({"organisation": _("You can propose only for an organisation you belong to.")})


def _audit_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    return value


def _lock(topic: Topic) -> Topic:
    return Topic.objects.select_for_update().get(pk=topic.pk)


def _notify_proposer(topic: Topic, key: str) -> None:
    titles = {
        "submitted": gettext_lazy("Your topic “%(title)s” was received"),
        "accepted": gettext_lazy("Your topic “%(title)s” was accepted"),
        "merged": gettext_lazy("Your topic “%(title)s” was merged into another topic"),
        "declined": gettext_lazy("Your topic “%(title)s” was declined"),
        "published": gettext_lazy("Your topic “%(title)s” is published for comment"),
    }

    def render() -> tuple[str, str]:
        body = ""
        if key == "declined":
            body = _("Reason: %(reason)s") % {"reason": topic.decline_reason}
        elif key == "merged" and topic.merged_into is not None:
            body = _("It continues as “%(title)s”.") % {"title": topic.merged_into.title}
        return str(titles[key]) % {"title": topic.title}, body

    notify(users=[topic.proposer], kind="application", url=topic.get_absolute_url(), render=render)


@transaction.atomic
def topic_propose(*, actor: User, title_en: str = "", title_zh_hans: str = "", title_zh_hant: str = "",
                  problem: str, importance: str, outcome: str, key_direction: KeyDirection,
                  budget_amount: Decimal | None = None, budget_currency: str = "", tags: str = "",
                  organisation: Organisation | None = None) -> Topic:
    """A new draft topic by `actor`."""
    require(actor, "challenges.propose")
    topic = Topic(proposer=actor, title_en=title_en, title_zh_hans=title_zh_hans, title_zh_hant=title_zh_hant,
                  problem=problem, importance=importance, outcome=outcome, key_direction=key_direction,
                  budget_amount=budget_amount, budget_currency=budget_currency or "", tags=_clean_tags(tags))
    _check_organisation(actor, organisation, topic)
    topic.organisation = organisation
    _validate(topic)
    topic.save()
    audit_record(actor=actor, action="challenges.topic.propose", target=topic,
                 changes={"status": Status.DRAFT, "key_direction": key_direction.code})
    return topic


def _validate(topic: Topic) -> None:
    errors: dict[str, list[str]] = {}
    if not (topic.title_en or topic.title_zh_hans or topic.title_zh_hant):
        errors["title_en"] = [_("Give a title in at least one language.")]
    if topic.budget_amount is not None and topic.budget_amount < 0:
        errors["budget_amount"] = [_("The budget cannot be negative.")]
    if topic.budget_amount is not None and not topic.budget_currency:
        errors["budget_currency"] = [_("Choose the currency of the budget.")]
    if topic.budget_amount is None and topic.budget_currency:
        errors["budget_amount"] = [_("Give the amount of the budget, or no currency.")]
    if errors:
        raise ValidationError(errors)
    topic.full_clean()


@transaction.atomic
def topic_save(*, actor: User, topic: Topic, **fields: Any) -> Topic:
    """Change a topic's fields: the proposer in a draft (`save`), an officer from submission on (`edit`)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    topic = _lock(topic)
    action = "save" if topic.status == Status.DRAFT else "edit"
    TOPIC.begin(actor, topic, action)
    if "organisation" in fields:
        _check_organisation(actor, fields["organisation"], topic)
    if "tags" in fields:
        fields["tags"] = _clean_tags(fields["tags"] or "")
    if "budget_currency" in fields:
        fields["budget_currency"] = fields["budget_currency"] or ""
    changes = {}
    for name, value in fields.items():
        column = f"{name}_id" if name in ("key_direction", "organisation") else name
        old = getattr(topic, column)
        setattr(topic, name, value)
        if getattr(topic, column) != old:
            changes[name] = [_audit_value(old), _audit_value(value)]
    _validate(topic)
    if not changes:
        return topic
    topic.save(update_fields=[*fields, "title_zh_hans", "title_zh_hant", "updated_at"])
    audit_record(actor=actor, action=f"challenges.topic.{action}", target=topic, changes=changes)
    return topic


def _advance(actor: User, topic: Topic, action: str, status: str, stamp: str) -> Topic:
    """A transition that only moves the state and records when (`stamp`): submit, publish."""
    topic = _lock(topic)
    TOPIC.begin(actor, topic, action)
    topic.status = status
    setattr(topic, stamp, timezone.now())
    _validate(topic)
    topic.save(update_fields=["status", stamp, "updated_at"])
    audit_record(actor=actor, action=f"challenges.topic.{action}", target=topic, changes={"status": status})
    _notify_proposer(topic, str(status))
    return topic


@transaction.atomic
def topic_submit(*, actor: User, topic: Topic) -> Topic:
    return _advance(actor, topic, "submit", Status.SUBMITTED, "submitted_at")


@transaction.atomic
def topic_screen(*, actor: User, topic: Topic, action: str, reason: str = "",
                 merged_into: Topic | None = None) -> Topic:
    """An officer's decision on a submitted topic: accept, merge (into `merged_into`) or decline (with `reason`)."""
    if action not in SCREENING:
        raise ValidationError(_("This action does not exist."), code="unknown_action")
    topic = _lock(topic)
    TOPIC.begin(actor, topic, action)
    reason = (reason or "").strip()
    changes: dict[str, Any] = {"status": [topic.status, action if action != "accept" else Status.ACCEPTED]}
    if action == "decline":
        if not reason:
            raise ValidationError({"reason": _("Give the reason: the proposer reads it.")})
        topic.decline_reason = reason
        changes["reason"] = reason
    if action == "merge":
        if merged_into is None:
            raise ValidationError({"merged_into": _("Choose the topic to merge it into.")})
        target = Topic.objects.select_for_update().get(pk=merged_into.pk)
        if target.pk == topic.pk or target.status not in MERGE_TARGETS:
            raise ValidationError({"merged_into": _("A topic can be merged only into another submitted, accepted "
                                                    "or published topic.")})
        topic.merged_into = target
        changes["merged_into"] = target.pk
    topic.status = {"accept": Status.ACCEPTED, "merge": Status.MERGED, "decline": Status.DECLINED}[action]
    topic.decided_at, topic.decided_by = timezone.now(), actor
    _validate(topic)
    topic.save(update_fields=["status", "decline_reason", "merged_into", "decided_at", "decided_by", "updated_at"])
    audit_record(actor=actor, action=f"challenges.topic.{action}", target=topic, changes=changes)
    _notify_proposer(topic, str(topic.status))
    return topic


@transaction.atomic
def topic_publish(*, actor: User, topic: Topic) -> Topic:
    return _advance(actor, topic, "publish", Status.PUBLISHED, "published_at")


@transaction.atomic
def topic_support(*, actor: User, topic: Topic) -> TopicSupport:
    """One support per person: the database's unique constraint decides when two requests race."""
    topic = _lock(topic)
    require(actor, "challenges.support", topic)
    try:
        with transaction.atomic():
            support = TopicSupport.objects.create(topic=topic, user=actor)
    except IntegrityError:
        raise ValidationError(_("You already support this topic."), code="already_supported") from None
    Topic.objects.filter(pk=topic.pk).update(support_count=F("support_count") + 1)
    audit_record(actor=actor, action="challenges.topic.support", target=topic)
    return support


@transaction.atomic
def topic_support_withdraw(*, actor: User, topic: Topic) -> None:
    topic = _lock(topic)
    require(actor, "challenges.support", topic)
    deleted, _rows = TopicSupport.objects.filter(topic=topic, user=actor).delete()
    if not deleted:
        raise ValidationError(_("You do not support this topic."), code="not_supported")
    Topic.objects.filter(pk=topic.pk).update(support_count=F("support_count") - 1)
    audit_record(actor=actor, action="challenges.topic.support_withdraw", target=topic)


@transaction.atomic
def topic_comment(*, actor: User, topic: Topic, body: str) -> TopicComment:
    require(actor, "challenges.comment", topic)
    comment = TopicComment(topic=topic, author=actor, body=(body or "").strip())
    comment.full_clean()
    comment.save()
    audit_record(actor=actor, action="challenges.topic.comment", target=topic, changes={"comment": comment.pk})
    return comment

