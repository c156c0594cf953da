"""Review, consensus, defence and award (EU Horizon's individual reports, consensus by a rapporteur, thresholds
per criterion; Hypha's review forms and determinations).

Scores are Decimals with at most two decimals, between 0 and the criterion's highest score. "Not applicable" is
stored as NULL with `not_applicable` set and left out of the weighted score (not counted as 0):

    weighted = Σ wᵢ·sᵢ/maxᵢ / Σ wᵢ × 100      (over the scored criteria only; 0–100, two decimals)

Reviewers never see each other's identities; teams never see reviewers' identities.
"""

import datetime
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hetao.accounts.models import User
from hetao.audit.service import audit_record
from hetao.community.services import notify
from hetao.core.permissions import can, require
from hetao.core.trilingual import localised
from hetao.core.workflow import InvalidTransition

from ..models import (
    Assignment,
    Award,
    Bid,
    BidStatus,
    Challenge,
    ChallengeStatus,
    Consensus,
    ConsensusScore,
    ConsensusStatus,
    Criterion,
    Declaration,
    Defence,
    DefenceMode,
    MemberStatus,
    Review,
    ReviewStatus,
    RunStatus,
    Score,
)
from ..permissions import is_officer
from ..workflow import BID, CHALLENGE

__all__ = ["challenge_award", "challenge_start_defence", "consensus_finalise", "consensus_open", "consensus_save",
           "defence_schedule", "review_save", "review_submit", "spread_of", "weighted"]

CENT = Decimal("0.01")
REVIEWING = (ChallengeStatus.REVIEW, ChallengeStatus.DEFENCE)


# ── Arithmetic ─────────────────────────────────────────────────────────────────────────────────────────────


def weighted(pairs: Iterable[tuple[Criterion, Decimal | None]]) -> Decimal | None:
    """Σ wᵢ·sᵢ/maxᵢ / Σ wᵢ × 100 over the scored criteria (None: not applicable, left out); None if none scored."""
    numerator, weights = Decimal(0), Decimal(0)
    for criterion, score in pairs:
        if score is None:
            continue
        numerator += Decimal(criterion.weight) * score / Decimal(criterion.max_score)
        weights += Decimal(criterion.weight)
    if not weights:
        return None
    return (numerator / weights * 100).quantize(CENT, rounding=ROUND_HALF_UP)


def spread_of(scores: Iterable[Decimal | None]) -> Decimal:
    """max − min of weighted scores (0–100) on a 0–10 scale, as compared with challenge.spread_threshold."""
    values = [s for s in scores if s is not None]
    if len(values) < 2:
        return Decimal(0)
    return ((max(values) - min(values)) / 10).quantize(CENT, rounding=ROUND_HALF_UP)


def _score_value(value: Any, criterion: Criterion) -> Decimal:
    """A score as a Decimal within 0..max_score with at most two decimals, or a ValidationError naming it."""
    name = localised(criterion, "name")
    if isinstance(value, bool | float):
        raise ValidationError(_("The score for “%(criterion)s” must be a decimal number, not a float.")
                              % {"criterion": name}, code="score_type")
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise ValidationError(_("The score for “%(criterion)s” is not a number.") % {"criterion": name},
                              code="score_type") from None
    if not number.is_finite():
        raise ValidationError(_("The score for “%(criterion)s” is not a number.") % {"criterion": name},
                              code="score_type")
    if number < 0 or number > criterion.max_score:
        raise ValidationError(_("The score for “%(criterion)s” must be between 0 and %(max)s.")
                              % {"criterion": name, "max": criterion.max_score}, code="score_range")
    if number != number.quantize(CENT):
        raise ValidationError(_("The score for “%(criterion)s” may have at most two decimals.")
                              % {"criterion": name}, code="score_decimals")
    return number.quantize(CENT)


def _criteria(challenge: Challenge) -> dict[int, Criterion]:
    return {c.pk: c for c in Criterion.objects.filter(challenge=challenge).order_by("order", "id")}


def _check_keys(keys: Iterable[Any], criteria: Mapping[int, Criterion]) -> None:
    unknown = [k for k in keys if not isinstance(k, int) or isinstance(k, bool) or k not in criteria]
    if unknown:
        raise ValidationError(_("These criteria are not in this challenge's rubric: %(ids)s")
                              % {"ids": ", ".join(str(k) for k in unknown)}, code="unknown_criterion")


def _team_users(bid: Bid) -> list[User]:
    users = {bid.lead_id: bid.lead}
    for member in bid.members.select_related("user").filter(status=MemberStatus.CONFIRMED, user__isnull=False):
        if member.user_id is not None and member.user is not None:  # always: the filter excludes rows without one
            users[member.user_id] = member.user
    return list(users.values())


# ── Individual reviews ─────────────────────────────────────────────────────────────────────────────────────


def _lock_assignment(assignment: Assignment) -> Assignment:
    return (Assignment.objects.select_for_update(of=("self",))
            .select_related("expert", "run", "bid__challenge").get(pk=assignment.pk))


@transaction.atomic
def review_save(*, actor: User, assignment: Assignment, scores: Mapping[int, Decimal | None],
                not_applicable: Iterable[int] = frozenset(), comments_to_team: str = "",
                comments_to_panel: str = "") -> Review:
    """Save the expert's draft report on the assigned bid (created on the first save; one per bid and expert,
    decided by the database). `scores` maps criterion ids to a score or None (not scored yet); the ids in
    `not_applicable` are marked "not applicable"."""
    assignment = _lock_assignment(assignment)
    require(actor, "challenges.review", assignment)
    criteria = _criteria(assignment.bid.challenge)
    not_applicable = set(not_applicable or ())
    _check_keys([*scores, *not_applicable], criteria)
    values: dict[int, Decimal | None] = {}
    for pk, value in scores.items():
        if value is None or value == "":
            continue
        if pk in not_applicable:
            raise ValidationError(_("“%(criterion)s” has a score and is marked not applicable: choose one.")
                                  % {"criterion": localised(criteria[pk], "name")}, code="score_and_na")
        values[pk] = _score_value(value, criteria[pk])
    for pk in not_applicable:
        values[pk] = None
    review = Review.objects.select_for_update().filter(assignment=assignment).first()
    if review is not None and review.status != ReviewStatus.DRAFT:
        raise InvalidTransition(_("This review is already submitted: it can no longer be changed."),
                                code="already_submitted")
    created = review is None
    if review is None:
        review = Review(assignment=assignment, bid=assignment.bid, expert=assignment.expert)
    review.comments_to_team = (comments_to_team or "").strip()
    review.comments_to_panel = (comments_to_panel or "").strip()
    review.full_clean(exclude=["assignment", "bid", "expert"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            if created:
                review.save(force_insert=True)
            else:
                review.save(update_fields=["comments_to_team", "comments_to_panel", "updated_at"])
    except IntegrityError:
        raise ValidationError(_("You have already reviewed this bid: an expert writes one review per bid."),
                              code="review_exists") from None
    Score.objects.filter(review=review).delete()
    Score.objects.bulk_create([Score(review=review, criterion_id=pk, score=value, not_applicable=value is None)
                               for pk, value in sorted(values.items())])
    audit_record(actor=actor, action="challenges.review.save", target=review,
                 changes={"bid": assignment.bid_id, "created": created,
                          "scores": {str(pk): (str(v) if v is not None else "n/a") for pk, v in values.items()}})
    return review


@transaction.atomic
def review_submit(*, actor: User, review: Review) -> Review:
    """Submit the report: every criterion scored or not applicable, at least one scored; the weighted score is
    computed over the scored criteria only."""
    review = Review.objects.select_for_update(of=("self",)).select_related(
        "assignment__expert", "assignment__run", "assignment__bid__challenge").get(pk=review.pk)
    require(actor, "challenges.review", review.assignment)
    if review.status != ReviewStatus.DRAFT:
        raise InvalidTransition(_("This review is already submitted: it can no longer be changed."),
                                code="already_submitted")
    criteria = _criteria(review.assignment.bid.challenge)
    rows = {s.criterion_id: s for s in Score.objects.filter(review=review)}
    missing = [localised(c, "name") for pk, c in criteria.items() if pk not in rows]
    if missing:
        raise ValidationError(_("Score every criterion or mark it not applicable: %(criteria)s")
                              % {"criteria": ", ".join(missing)}, code="incomplete")
    total = weighted((criteria[pk], row.score) for pk, row in rows.items() if pk in criteria)
    if total is None:
        raise ValidationError(_("Score at least one criterion: not every criterion can be not applicable."),
                              code="nothing_scored")
    review.status, review.submitted_at, review.weighted_score = ReviewStatus.SUBMITTED, timezone.now(), total
    review.save(update_fields=["status", "submitted_at", "weighted_score", "updated_at"])
    audit_record(actor=actor, action="challenges.review.submit", target=review,
                 changes={"bid": review.bid_id, "weighted_score": str(total)})
    return review


# ── Consensus ──────────────────────────────────────────────────────────────────────────────────────────────


def _lock_bid(bid: Bid) -> Bid:
    return Bid.objects.select_for_update(of=("self",)).select_related("challenge", "lead").get(pk=bid.pk)


@transaction.atomic
def consensus_open(*, actor: User, bid: Bid, rapporteur: User) -> Consensus:
    """An officer opens the consensus on a bid and names its rapporteur: an officer, or one of the bid's
    deployed experts who declared no conflict. Flagged when the submitted reports spread more than the
    challenge's threshold (on a 0–10 scale)."""
    bid = _lock_bid(bid)
    challenge = bid.challenge
    require(actor, "challenges.decide", challenge)
    if challenge.status not in REVIEWING:
        raise InvalidTransition(_("A consensus is opened only while the challenge is in review or defence."),
                                code="invalid_state")
    if bid.status != BidStatus.SUBMITTED:
        raise InvalidTransition(_("Only a submitted bid still in the competition gets a consensus report."),
                                code="invalid_state")
    if rapporteur is None or not (is_officer(rapporteur) or Assignment.objects.filter(
            bid=bid, expert__user=rapporteur, run__status=RunStatus.DEPLOYED,
            declaration=Declaration.NO_CONFLICT).exists()):
        raise ValidationError({"rapporteur": _("The rapporteur must be a research officer or one of this bid's "
                                               "experts who declared no conflict.")})
    submitted = list(Review.objects.filter(bid=bid, status=ReviewStatus.SUBMITTED)
                     .values_list("weighted_score", flat=True))
    if not submitted:
        raise ValidationError(_("No individual report on this bid is submitted yet."), code="no_reviews")
    spread = spread_of(submitted)
    consensus = Consensus(bid=bid, rapporteur=rapporteur, spread_flagged=spread > challenge.spread_threshold)
    try:
        with transaction.atomic():
            consensus.save(force_insert=True)
    except IntegrityError:
        raise ValidationError(_("A consensus report is already open for this bid."),
                              code="consensus_exists") from None
    audit_record(actor=actor, action="challenges.consensus.open", target=consensus,
                 changes={"bid": bid.pk, "rapporteur": rapporteur.pk, "spread": str(spread),
                          "flagged": consensus.spread_flagged})
    url = reverse("challenges:consensus", kwargs={"pk": bid.pk})
    notify(users=[rapporteur], kind="application", url=url,
           render=lambda: (_("You are the rapporteur for bid %(reference)s") % {"reference": bid.reference},
                           _("Write the consensus report with the final score per criterion.")))
    return consensus


def _lock_consensus(consensus: Consensus) -> Consensus:
    return (Consensus.objects.select_for_update(of=("self",)).select_related("bid__challenge", "bid__lead")
            .get(pk=consensus.pk))


@transaction.atomic
def consensus_save(*, actor: User, consensus: Consensus, scores: Mapping[int, Decimal],
                   report_to_team: str = "", notes_to_panel: str = "") -> Consensus:
    """The rapporteur (or an officer) saves the consensus draft: the final score per criterion, the report to
    the team and the notes to the panel."""
    consensus = _lock_consensus(consensus)
    require(actor, "challenges.consensus", consensus.bid)
    if consensus.status != ConsensusStatus.DRAFT:
        raise InvalidTransition(_("The consensus report is final: it can no longer be changed."),
                                code="already_final")
    criteria = _criteria(consensus.bid.challenge)
    _check_keys(scores, criteria)
    values = {pk: _score_value(v, criteria[pk]) for pk, v in scores.items() if v is not None and v != ""}
    consensus.report_to_team = (report_to_team or "").strip()
    consensus.notes_to_panel = (notes_to_panel or "").strip()
    consensus.full_clean(exclude=["bid", "rapporteur"], validate_unique=False, validate_constraints=False)
    consensus.save(update_fields=["report_to_team", "notes_to_panel"])
    ConsensusScore.objects.filter(consensus=consensus).delete()
    ConsensusScore.objects.bulk_create([ConsensusScore(consensus=consensus, criterion_id=pk, score=value)
                                        for pk, value in sorted(values.items())])
    audit_record(actor=actor, action="challenges.consensus.save", target=consensus,
                 changes={"bid": consensus.bid_id, "scores": {str(pk): str(v) for pk, v in values.items()}})
    return consensus


@transaction.atomic
def consensus_finalise(*, actor: User, consensus: Consensus) -> Consensus:
    """Final: every criterion scored; the total weighted as the reviews are; a score below any criterion's
    threshold puts the bid out (BID mark_out, a consequence of the consensus, audited)."""
    consensus = _lock_consensus(consensus)
    require(actor, "challenges.consensus", consensus.bid)
    if consensus.status != ConsensusStatus.DRAFT:
        raise InvalidTransition(_("The consensus report is final: it can no longer be changed."),
                                code="already_final")
    criteria = _criteria(consensus.bid.challenge)
    rows = {s.criterion_id: s.score for s in ConsensusScore.objects.filter(consensus=consensus)}
    missing = [localised(c, "name") for pk, c in criteria.items() if pk not in rows]
    if missing:
        raise ValidationError(_("Give the final score of every criterion: %(criteria)s")
                              % {"criteria": ", ".join(missing)}, code="incomplete")
    below = [localised(c, "name") for pk, c in criteria.items() if rows[pk] < c.threshold]
    consensus.total = weighted((c, rows[pk]) for pk, c in criteria.items())
    consensus.passed_thresholds = not below
    consensus.status, consensus.finalised_at = ConsensusStatus.FINAL, timezone.now()
    consensus.save(update_fields=["total", "passed_thresholds", "status", "finalised_at"])
    audit_record(actor=actor, action="challenges.consensus.finalise", target=consensus,
                 changes={"bid": consensus.bid_id, "total": str(consensus.total), "passed": not below,
                          "below": below})
    if below:
        bid = _lock_bid(consensus.bid)
        transition = BID.transitions["mark_out"]
        if BID.state_of(bid) not in transition.source:
            raise InvalidTransition(_("This cannot be done in the current state."), code="invalid_state")
        bid.status = transition.target_for(bid)
        bid.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action="challenges.bid.mark_out", target=bid,
                     changes={"status": [BidStatus.SUBMITTED, BidStatus.OUT], "below": below})
    return consensus


# ── Defence and award ──────────────────────────────────────────────────────────────────────────────────────


@transaction.atomic
def defence_schedule(*, actor: User, bid: Bid, scheduled_at: Any, mode: str, place: str) -> Defence:
    """Schedule (or move) a bid's defence; the team is notified."""
    bid = _lock_bid(bid)
    challenge = bid.challenge
    require(actor, "challenges.decide", challenge)
    if challenge.status not in REVIEWING:
        raise InvalidTransition(_("Defences are scheduled while the challenge is in review or defence."),
                                code="invalid_state")
    if bid.status != BidStatus.SUBMITTED:
        raise InvalidTransition(_("Only a submitted bid still in the competition is defended."),
                                code="invalid_state")
    if mode not in DefenceMode.values:
        raise ValidationError({"mode": _("Choose online or on site.")})
    if not isinstance(scheduled_at, datetime.datetime):
        raise ValidationError({"scheduled_at": _("Give the date and time of the defence.")})
    if not 2000 <= scheduled_at.year <= 2100:
        raise ValidationError({"scheduled_at": _("Give a date between the years 2000 and 2100.")})
    if timezone.is_naive(scheduled_at):
        scheduled_at = timezone.make_aware(scheduled_at)
    defence = Defence.objects.filter(bid=bid).first() or Defence(bid=bid)
    defence.scheduled_at, defence.mode, defence.place = scheduled_at, mode, (place or "").strip()
    defence.full_clean(exclude=["bid"], validate_unique=False)
    defence.save()
    audit_record(actor=actor, action="challenges.defence.schedule", target=bid,
                 changes={"scheduled_at": defence.scheduled_at.isoformat(), "mode": mode, "place": defence.place})
    when = timezone.localtime(defence.scheduled_at).strftime("%Y-%m-%d %H:%M")
    notify(users=_team_users(bid), kind="application", url=reverse("challenges:bid", kwargs={"pk": bid.pk}),
           render=lambda: (_("The defence of your bid %(reference)s is scheduled") % {"reference": bid.reference},
                           _("When: %(when)s. How: %(mode)s. Where: %(place)s.")
                           % {"when": when, "mode": DefenceMode(mode).label, "place": defence.place}))
    return defence


def _lock_challenge(challenge: Challenge) -> Challenge:
    return Challenge.objects.select_for_update().get(pk=challenge.pk)


@transaction.atomic
def challenge_start_defence(*, actor: User, challenge: Challenge) -> Challenge:
    """Phase 2: from here on reviewers see the teams' names."""
    challenge = _lock_challenge(challenge)
    transition = CHALLENGE.begin(actor, challenge, "start_defence")
    old = challenge.status
    challenge.status = transition.target_for(challenge)
    challenge.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="challenges.challenge.start_defence", target=challenge,
                 changes={"status": [old, challenge.status]})
    return challenge


AWARD_TITLES = {
    True: gettext_lazy("Your bid %(reference)s is awarded"),
    False: gettext_lazy("The result of challenge %(code)s is published"),
}


@transaction.atomic
def challenge_award(*, actor: User, challenge: Challenge, winners: list[tuple[Bid, Decimal]],
                    minutes: str) -> Challenge:
    """Confirm the winners (each with a final consensus above every threshold, an amount within the ceiling),
    record the panel's minutes, mark the bids, and tell every team its result."""
    challenge = _lock_challenge(challenge)
    CHALLENGE.begin(actor, challenge, "award")
    minutes = (minutes or "").strip()
    errors: dict[str, list[str]] = {}
    if not minutes:
        errors["minutes"] = [_("Record the panel's decision and minutes.")]
    if not winners:
        errors["winners"] = [_("Choose at least one winning bid.")]
    if errors:
        raise ValidationError(errors)
    chosen: dict[int, Decimal] = {}
    for winner, amount in winners:
        if winner.pk in chosen:
            raise ValidationError({"winners": [_("Bid %(reference)s is chosen twice.")
                                               % {"reference": winner.reference}]})
        chosen[winner.pk] = amount
    bids = {b.pk: b for b in Bid.objects.select_for_update(of=("self",)).select_related("challenge", "lead")
            .filter(challenge=challenge).order_by("pk")}
    finals = {c.bid_id: c for c in Consensus.objects.filter(bid__challenge=challenge)}
    problems: list[str] = []
    for pk, amount in chosen.items():
        bid = bids.get(pk)
        if bid is None:
            raise ValidationError({"winners": [_("A winning bid must be a bid of this challenge.")]})
        consensus = finals.get(pk)
        if bid.status != BidStatus.SUBMITTED:
            problems.append(_("Bid %(reference)s is not in the competition.") % {"reference": bid.reference})
        elif consensus is None or consensus.status != ConsensusStatus.FINAL:
            problems.append(_("Bid %(reference)s has no final consensus report.") % {"reference": bid.reference})
        elif not consensus.passed_thresholds:
            problems.append(_("Bid %(reference)s is below a criterion's threshold.") % {"reference": bid.reference})
        if isinstance(amount, float | bool) or not isinstance(amount, Decimal | int):
            problems.append(_("The amount for bid %(reference)s must be a decimal number.")
                            % {"reference": bid.reference})
            continue
        amount = Decimal(amount)
        if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT):
            problems.append(_("The amount for bid %(reference)s must be positive, with at most two decimals.")
                            % {"reference": bid.reference})
        elif amount > challenge.budget_ceiling:
            problems.append(_("The amount for bid %(reference)s is over the budget ceiling of %(ceiling)s "
                              "%(currency)s.") % {"reference": bid.reference, "ceiling": challenge.budget_ceiling,
                                                   "currency": challenge.currency})
        chosen[pk] = amount
    if problems:
        raise ValidationError({"winners": problems})
    now = timezone.now()
    Award.objects.bulk_create([Award(challenge=challenge, bid_id=pk, amount=amount, currency=challenge.currency,
                                     awarded_by=actor) for pk, amount in chosen.items()])
    from ..selectors_reviews import ranking

    ranks = {row.bid.pk: n for n, row in enumerate(ranking(challenge), 1)}
    outcome: dict[int, bool] = {}
    for pk, bid in bids.items():
        if bid.status != BidStatus.SUBMITTED:
            continue
        action = "award" if pk in chosen else "not_award"
        transition = BID.transitions[action]
        bid.status, bid.rank = transition.target_for(bid), ranks.get(pk)
        bid.save(update_fields=["status", "rank", "updated_at"])
        outcome[pk] = pk in chosen
    challenge.status, challenge.awarded_at, challenge.decision_minutes = ChallengeStatus.AWARDED, now, minutes
    challenge.save(update_fields=["status", "awarded_at", "decision_minutes", "updated_at"])
    audit_record(actor=actor, action="challenges.award", target=challenge,
                 changes={"winners": {str(pk): str(a) for pk, a in chosen.items()}, "currency": challenge.currency,
                          "not_awarded": [pk for pk, won in outcome.items() if not won]})
    for pk, won in outcome.items():
        bid = bids[pk]
        _notify_result(bid, won, challenge)
    return challenge


def _notify_result(bid: Bid, won: bool, challenge: Challenge) -> None:
    def render() -> tuple[str, str]:
        title = AWARD_TITLES[won] % {"reference": bid.reference, "code": challenge.code}
        body = (_("Congratulations: the panel chose your bid. Read the consensus report on the result page.")
                if won else _("Your bid was not chosen this time. Read the consensus report on the result page."))
        return str(title), body

    notify(users=_team_users(bid), kind="application", url=reverse("challenges:bid_result", kwargs={"pk": bid.pk}),
           render=render)


def may_see_result(actor: Any, bid: Bid) -> bool:
    """The team after the award; officers once the deadline has passed (rule challenges.result)."""
    return can(actor, "challenges.result", bid)
