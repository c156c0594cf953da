"""Who may propose, edit, submit, screen, publish, support and comment on topics (rules registered with
hetao.core.permissions). The topic workflow (workflow.py) names one of these rules on each transition.

Screening, editing and publishing belong to the officers of the research management department (科研管理处)."""

from typing import Any

from hetao.core.permissions import rule
from hetao.core.roles import in_department

from .models import Status

RESEARCH = "research_management"


def _is_proposer(actor: Any, topic: Any) -> bool:
    return topic is not None and topic.proposer_id == actor.pk


def is_officer(actor: Any) -> bool:
    return in_department(actor, RESEARCH)


@rule("challenges.propose")
def _propose(actor: Any, topic: Any) -> bool:
    """Anyone signed in (a researcher, an organisation's member, an enterprise) proposes a topic."""
    return True


@rule("challenges.edit_draft")
def _edit_draft(actor: Any, topic: Any) -> bool:
    return _is_proposer(actor, topic)


@rule("challenges.submit")
def _submit(actor: Any, topic: Any) -> bool:
    return _is_proposer(actor, topic)


@rule("challenges.view")
def _view(actor: Any, topic: Any) -> bool:
    """A topic not (yet) public: its proposer, and the officers once it is submitted."""
    if topic is None:
        return False
    if _is_proposer(actor, topic) or topic.is_public:
        return True
    return topic.status != Status.DRAFT and is_officer(actor)


@rule("challenges.screen")
def _screen(actor: Any, topic: Any) -> bool:
    """Accept, merge or decline a submitted topic; the screening queue (topic None)."""
    return is_officer(actor)


@rule("challenges.edit")
def _edit(actor: Any, topic: Any) -> bool:
    """Officers edit a submitted, accepted or published topic (wording, direction, budget)."""
    return is_officer(actor)


@rule("challenges.publish")
def _publish(actor: Any, topic: Any) -> bool:
    return is_officer(actor)


@rule("challenges.support")
def _support(actor: Any, topic: Any) -> bool:
    """Support (or withdraw one's support of) a published topic."""
    return topic is None or topic.status == Status.PUBLISHED


@rule("challenges.comment")
def _comment(actor: Any, topic: Any) -> bool:
    return topic is None or topic.status == Status.PUBLISHED
