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


# ── Challenges, bids, the panel and reviews ──────────────────────────────────────────────────────────────────
# Objects: a Challenge, a Bid, an Expert or an Assignment as each rule says. Sealing is decided by the clock
# (Challenge.is_sealed) and enforced here, so no page or endpoint can forget it.


def is_team_member(actor: Any, bid: Any) -> bool:
    """The lead, or a member who confirmed."""
    if bid is None:
        return False
    if bid.lead_id == actor.pk:
        return True
    return bid.members.filter(user=actor, status="confirmed").exists()


def deployed_assignment(actor: Any, bid: Any) -> Any:
    """The actor's assignment to this bid in the challenge's deployed run, or None."""
    if bid is None:
        return None
    return bid.assignments.filter(expert__user=actor, run__status="deployed").first()


@rule("challenges.manage_calls")
def _manage_calls(actor: Any, challenge: Any) -> bool:
    """Write, publish, move through the timeline, or cancel a challenge; answer its public questions."""
    return is_officer(actor)


@rule("challenges.view_challenge")
def _view_challenge(actor: Any, challenge: Any) -> bool:
    """A public challenge is for everyone (pages let anonymous visitors read it too); drafts for officers."""
    return challenge is not None and (challenge.is_public or is_officer(actor))


@rule("challenges.ask")
def _ask(actor: Any, challenge: Any) -> bool:
    """Ask a public question while the challenge accepts bids (the asker is never shown)."""
    return challenge is None or challenge.accepting_bids


@rule("challenges.bid")
def _bid(actor: Any, challenge: Any) -> bool:
    """Start a bid: anyone signed in, while the challenge accepts bids (merit only: no other test of who)."""
    return challenge is None or challenge.accepting_bids


@rule("challenges.bid_edit")
def _bid_edit(actor: Any, bid: Any) -> bool:
    """The team lead edits the draft (members, approach, plan, budget, declarations) and submits it."""
    return bid is not None and bid.lead_id == actor.pk


@rule("challenges.bid_view")
def _bid_view(actor: Any, bid: Any) -> bool:
    """The team; officers once the deadline has passed (or the bid was opened in an emergency); an expert
    whose deployed assignment to it is declared free of conflict."""
    if bid is None:
        return False
    if is_team_member(actor, bid):
        return True
    if bid.status == "draft":
        return False
    if is_officer(actor):
        return not bid.challenge.is_sealed or bid.unsealed_at is not None
    assignment = deployed_assignment(actor, bid)
    return assignment is not None and assignment.declaration == "no_conflict" and not bid.challenge.is_sealed


@rule("challenges.unseal")
def _unseal(actor: Any, bid: Any) -> bool:
    """The emergency opening of a sealed bid: an officer, with a reason (audited, shown to the team)."""
    return is_officer(actor)


@rule("challenges.clarify")
def _clarify(actor: Any, bid: Any) -> bool:
    """Ask the team a clarification question (after the deadline)."""
    return is_officer(actor)


@rule("challenges.clarify_answer")
def _clarify_answer(actor: Any, bid: Any) -> bool:
    return is_team_member(actor, bid)


@rule("challenges.manage_experts")
def _manage_experts(actor: Any, obj: Any) -> bool:
    """Invite experts to the pool; add or lift a conflict of interest with a reason."""
    return is_officer(actor)


@rule("challenges.expert_profile")
def _expert_profile(actor: Any, expert: Any) -> bool:
    """An invited expert accepts or declines, and keeps their own profile (disciplines, availability, load)."""
    return expert is not None and expert.user_id == actor.pk


@rule("challenges.assign")
def _assign(actor: Any, challenge: Any) -> bool:
    """Propose, inspect, swap and deploy the assignment of experts to bids."""
    return is_officer(actor)


@rule("challenges.declare")
def _declare(actor: Any, assignment: Any) -> bool:
    """The assigned expert declares conflict or no conflict, once the run is deployed."""
    return (assignment is not None and assignment.expert.user_id == actor.pk
            and assignment.run.status == "deployed")


@rule("challenges.review")
def _review(actor: Any, assignment: Any) -> bool:
    """Write and submit the individual report: the assigned expert, after declaring no conflict, while the
    challenge is in review or defence."""
    return (assignment is not None and assignment.expert.user_id == actor.pk
            and assignment.run.status == "deployed" and assignment.declaration == "no_conflict"
            and assignment.bid.challenge.status in ("review", "defence"))


@rule("challenges.consensus")
def _consensus(actor: Any, bid: Any) -> bool:
    """Write the consensus report: its rapporteur (named by an officer), or an officer."""
    if bid is None:
        return False
    consensus = getattr(bid, "consensus", None) if hasattr(bid, "consensus") else None
    return is_officer(actor) or (consensus is not None and consensus.rapporteur_id == actor.pk)


@rule("challenges.decide")
def _decide(actor: Any, challenge: Any) -> bool:
    """Schedule defences, record the panel's decision, confirm the winners and publish the result."""
    return is_officer(actor)


@rule("challenges.panel_view")
def _panel_view(actor: Any, challenge: Any) -> bool:
    """The officers' view of a challenge's bids, scores and exports (counts only while sealed)."""
    return is_officer(actor)


@rule("challenges.reviewer")
def _reviewer(actor: Any, obj: Any) -> bool:
    """Open the review pages and endpoints at all: an expert of the pool, or an officer (a rapporteur may be
    either). Each review is then checked by challenges.review, each consensus by challenges.consensus."""
    return is_officer(actor) or hasattr(actor, "expert")


@rule("challenges.result")
def _result(actor: Any, bid: Any) -> bool:
    """A bid's result (outcome, consensus scores and report, comments to the team without reviewers' names):
    its team once the challenge is awarded; officers once the deadline has passed. Any signed-in caller may ask
    (bid None); each bid is then checked."""
    if bid is None:
        return True
    if is_officer(actor):
        return not bid.challenge.is_sealed
    return bid.challenge.status == "awarded" and is_team_member(actor, bid)
