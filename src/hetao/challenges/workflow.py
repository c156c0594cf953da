"""The topic workflow, declared once (hetao.core.workflow).

draft → submitted → accepted / merged (into another topic) / declined (with a reason the proposer reads);
accepted → published (open for public comment and support). Officers may edit a topic from submission on.
The services ask `TOPIC.begin(actor, topic, action)` after locking the row; the pages and the API offer exactly
`TOPIC.available(user, topic)`.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from hetao.core.workflow import Transition, Workflow

from .models import Status

__all__ = ["OFFICER_ACTIONS", "SCREENING", "TOPIC"]


@dataclass(frozen=True)
class SameState:
    """The target of an edit: the state the topic is in (declared for the table's tests)."""

    states: tuple[str, ...]

    def __call__(self, topic: Any) -> str:
        return str(topic.status)


EDITABLE = (Status.SUBMITTED, Status.ACCEPTED, Status.PUBLISHED)

TOPIC = Workflow("challenges.topic", [
    # ── The proposer ──
    Transition("save", source=[Status.DRAFT], target=Status.DRAFT, permission="challenges.edit_draft",
               label=_("Save the draft"), style="outline-secondary",
               side_effects=("audit challenges.topic.save with the fields changed",)),
    Transition("submit", source=[Status.DRAFT], target=Status.SUBMITTED, permission="challenges.submit",
               label=_("Submit the topic"), style="primary",
               side_effects=("submitted_at set", "audit challenges.topic.submit",
                             "the proposer is notified after commit")),
    # ── Officers of research management ──
    Transition("accept", source=[Status.SUBMITTED], target=Status.ACCEPTED, permission="challenges.screen",
               label=_("Accept"), style="primary",
               side_effects=("decided_at and decided_by set", "audit challenges.topic.accept",
                             "the proposer is notified after commit")),
    Transition("merge", source=[Status.SUBMITTED], target=Status.MERGED, permission="challenges.screen",
               label=_("Merge into another topic"), style="outline-secondary",
               side_effects=("needs the topic it is merged into (submitted, accepted or published, not itself)",
                             "audit challenges.topic.merge", "the proposer is notified after commit")),
    Transition("decline", source=[Status.SUBMITTED], target=Status.DECLINED, permission="challenges.screen",
               label=_("Decline"), style="outline-danger",
               side_effects=("needs a reason, shown to the proposer", "audit challenges.topic.decline",
                             "the proposer is notified after commit")),
    Transition("publish", source=[Status.ACCEPTED], target=Status.PUBLISHED, permission="challenges.publish",
               label=_("Publish for comment"), style="primary",
               side_effects=("published_at set", "audit challenges.topic.publish",
                             "the proposer is notified after commit")),
    Transition("edit", source=EDITABLE, target=SameState(EDITABLE), permission="challenges.edit",
               label=_("Edit"), style="outline-secondary",
               side_effects=("audit challenges.topic.edit with the fields changed",)),
])

SCREENING = ("accept", "merge", "decline")
OFFICER_ACTIONS = (*SCREENING, "publish", "edit")
