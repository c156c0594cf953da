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

from .models import BidStatus, ChallengeStatus, Status

__all__ = ["BID", "CHALLENGE", "OFFICER_ACTIONS", "SCREENING", "TOPIC"]


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


# ── Challenges ──────────────────────────────────────────────────────────────────────────────────────────────
# draft → open → review (phase 1, blind) → defence (phase 2, names visible) → awarded; cancel until awarded.
# Time conditions (the deadline has passed before review starts) are checked by the services with the server's
# clock and named in the side effects.

LIVE_CHALLENGE = (ChallengeStatus.DRAFT, ChallengeStatus.OPEN, ChallengeStatus.REVIEW, ChallengeStatus.DEFENCE)

CHALLENGE = Workflow("challenges.challenge", [
    Transition("save", source=[ChallengeStatus.DRAFT, ChallengeStatus.OPEN],
               target=SameState((ChallengeStatus.DRAFT, ChallengeStatus.OPEN)),
               permission="challenges.manage_calls", label=_("Save"), style="outline-secondary",
               side_effects=("audit challenges.challenge.save with the fields changed",
                             "once open: the rubric, ceiling and deadline are fixed (only wording and attachments)")),
    Transition("publish", source=[ChallengeStatus.DRAFT], target=ChallengeStatus.OPEN,
               permission="challenges.manage_calls", label=_("Publish and open for bids"), style="primary",
               side_effects=("needs a rubric whose weights add up to 100 and a deadline in the future",
                             "every eligibility rule and criterion passes the merit-only check",
                             "published_at set", "the proposers of its topics are notified after commit",
                             "audit challenges.challenge.publish")),
    Transition("start_review", source=[ChallengeStatus.OPEN], target=ChallengeStatus.REVIEW,
               permission="challenges.manage_calls", label=_("Close and start the blind review"), style="primary",
               side_effects=("refused before the deadline (server time)", "audit challenges.challenge.start_review")),
    Transition("start_defence", source=[ChallengeStatus.REVIEW], target=ChallengeStatus.DEFENCE,
               permission="challenges.decide", label=_("Start the defence (names visible)"), style="primary",
               side_effects=("audit challenges.challenge.start_defence",)),
    Transition("award", source=[ChallengeStatus.DEFENCE], target=ChallengeStatus.AWARDED,
               permission="challenges.decide", label=_("Confirm the winners and publish the result"),
               style="success",
               side_effects=("needs at least one winner, every winner's consensus final and above every threshold",
                             "needs the panel's minutes", "bids marked awarded / not awarded",
                             "teams notified with their consensus report after commit", "audit challenges.award")),
    Transition("cancel", source=LIVE_CHALLENGE, target=ChallengeStatus.CANCELLED,
               permission="challenges.manage_calls", label=_("Cancel the challenge"), style="outline-danger",
               side_effects=("needs a reason", "bidders notified after commit", "audit challenges.challenge.cancel")),
])


# ── Bids ────────────────────────────────────────────────────────────────────────────────────────────────────
# draft → submitted (once, before the deadline) → withdrawn (before the deadline); after review the panel's
# outcome: out (below a threshold), awarded, not awarded.

BID = Workflow("challenges.bid", [
    Transition("save", source=[BidStatus.DRAFT], target=BidStatus.DRAFT, permission="challenges.bid_edit",
               label=_("Save the draft"), style="outline-secondary",
               side_effects=("audit challenges.bid.save",)),
    Transition("submit", source=[BidStatus.DRAFT], target=BidStatus.SUBMITTED, permission="challenges.bid_edit",
               label=_("Submit the bid"), style="primary",
               side_effects=("refused after the deadline (server time), with the deadline shown",
                             "needs every member confirmed, budget lines within the ceiling, the declarations",
                             "submitted_at set", "the team is notified after commit", "audit challenges.bid.submit")),
    Transition("withdraw", source=[BidStatus.DRAFT, BidStatus.SUBMITTED], target=BidStatus.WITHDRAWN,
               permission="challenges.bid_edit", label=_("Withdraw the bid"), style="outline-danger",
               side_effects=("refused after the deadline", "withdrawn_at set", "audit challenges.bid.withdraw")),
    Transition("unseal", source=[BidStatus.SUBMITTED], target=BidStatus.SUBMITTED,
               permission="challenges.unseal", label=_("Open the sealed bid (emergency)"), style="outline-danger",
               side_effects=("only while sealed", "needs a reason", "unsealed_at, unsealed_by set",
                             "the team is notified after commit", "audit challenges.bid.unseal")),
    Transition("mark_out", source=[BidStatus.SUBMITTED], target=BidStatus.OUT, permission="challenges.decide",
               label=_("Below a threshold"), style="outline-secondary",
               side_effects=("set by the consensus: a final score below a criterion's threshold",)),
    Transition("award", source=[BidStatus.SUBMITTED], target=BidStatus.AWARDED, permission="challenges.decide",
               label=_("Award"), style="success", side_effects=("an Award row with amount and currency",)),
    Transition("not_award", source=[BidStatus.SUBMITTED], target=BidStatus.NOT_AWARDED,
               permission="challenges.decide", label=_("Not awarded"), style="outline-secondary",
               side_effects=("set when the challenge is awarded to other bids",)),
])
