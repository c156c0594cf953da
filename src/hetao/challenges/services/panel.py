"""The panel: the expert pool (invite, respond, profile), officers' conflict decisions, and the assignment of
experts to bids (propose → inspect and swap → deploy), then each expert's declaration.

Keyword-only, permission-checked, row-locked, audited; notifications go out after commit in each reader's
language. Conflicts come from hetao.challenges.conflicts, affinity from hetao.challenges.affinity, the optimum
from hetao.review.assignment (min-cost flow, or CP-SAT where quotas overlap).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hetao.accounts.models import User
from hetao.audit.service import audit_record
from hetao.community.services import notify
from hetao.core.permissions import require
from hetao.core.workflow import InvalidTransition
from hetao.registry.models import Region
from hetao.review import assignment as engine

from .. import affinity, conflicts
from ..models import (
    Assignment,
    AssignmentRun,
    Bid,
    BidStatus,
    Challenge,
    ChallengeStatus,
    ConflictOverride,
    Declaration,
    Expert,
    ExpertStatus,
    RunStatus,
    Sector,
)
from ..permissions import RESEARCH

__all__ = ["PROFILE_FIELDS", "QUOTAS", "SOFT_QUOTA_PENALTY", "assignment_declare", "assignment_deploy",
           "assignment_propose", "assignment_swap", "conflict_add", "conflict_lift", "expert_invite",
           "expert_profile_save", "expert_respond", "quota_coverage"]

PROFILE_FIELDS = ("disciplines", "keywords", "languages", "region", "sector", "available", "max_load")
LANGUAGES = ("en", "zh-hans", "zh-hant")
MAX_LOAD = 20
# A soft quota: affinity lost per missing expert. Affinities are 0…1, so meeting a quota outweighs any one pair.
SOFT_QUOTA_PENALTY = 2.0
SOLVER_SECONDS = 60.0

# The cross-border and sector quotas per bid: (key, challenge field, expert attribute, values that count).
QUOTAS = (
    ("hk_macao", "min_hk_macao_experts", "region", (Region.HONG_KONG, Region.MACAO)),
    ("mainland", "min_mainland_experts", "region", (Region.MAINLAND,)),
    ("industry", "min_industry_experts", "sector", (Sector.INDUSTRY,)),
)
QUOTA_LABELS = {
    "hk_macao": gettext_lazy("Hong Kong or Macao"),
    "mainland": gettext_lazy("Mainland"),
    "industry": gettext_lazy("Industry"),
}


# ── The pool ─────────────────────────────────────────────────────────────────────────────────────────────────

def _clean_list(text: str) -> str:
    return ", ".join(dict.fromkeys(t.strip() for t in (text or "").replace("，", ",").replace("、", ",").split(",")
                                   if t.strip()))


def _check_profile(expert: Expert) -> None:
    errors: dict[str, list[str]] = {}
    expert.disciplines = _clean_list(expert.disciplines)
    expert.keywords = _clean_list(expert.keywords)
    languages = [code.strip().lower() for code in (expert.languages or "").split(",") if code.strip()]
    if not expert.disciplines:
        errors["disciplines"] = [_("Name at least one discipline.")]
    if not languages or any(code not in LANGUAGES for code in languages):
        errors["languages"] = [_("Choose the languages among en, zh-hans and zh-hant.")]
    expert.languages = ",".join(dict.fromkeys(languages))
    if not isinstance(expert.max_load, int) or isinstance(expert.max_load, bool) \
            or not 1 <= expert.max_load <= MAX_LOAD:
        errors["max_load"] = [_("The most bids at a time is between 1 and %(most)d.") % {"most": MAX_LOAD}]
    if expert.region not in Region.values:
        errors["region"] = [_("Choose a region from the list.")]
    if expert.sector not in Sector.values:
        errors["sector"] = [_("Choose a sector from the list.")]
    if errors:
        raise ValidationError(errors)
    expert.full_clean(exclude=["user", "person", "invited_by"])


@transaction.atomic
def expert_invite(*, actor: User, user: User, disciplines: str, region: str, sector: str, keywords: str = "",
                  languages: str = "zh-hans,en", max_load: int = 4) -> Expert:
    """An officer invites a person of the registry (with an account) to the pool; they accept or decline."""
    require(actor, "challenges.manage_experts")
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.person_id is None:
        raise ValidationError({"user": _("Only a person of the registry with an account can be invited: this "
                                         "account is not linked to a registry person.")}, code="no_person")
    existing = Expert.objects.filter(user=user).first()
    if existing is not None and existing.status in (ExpertStatus.ACTIVE, ExpertStatus.INVITED):
        raise ValidationError({"user": _("This person is already invited or in the pool.")}, code="already_invited")
    expert = existing or Expert(user=user)
    expert.person_id = user.person_id
    expert.disciplines, expert.keywords, expert.languages = disciplines, keywords, languages
    expert.region, expert.sector, expert.max_load = region, sector, max_load
    expert.status, expert.accepted_at, expert.invited_by = ExpertStatus.INVITED, None, actor
    expert.invited_at = timezone.now()
    _check_profile(expert)
    try:
        with transaction.atomic():
            expert.save()
    except IntegrityError:
        raise ValidationError({"user": _("This person is already invited or in the pool.")},
                              code="already_invited") from None
    audit_record(actor=actor, action="challenges.expert.invite", target=expert,
                 changes={"user": user.pk, "region": region, "sector": sector, "max_load": max_load})

    def render() -> tuple[str, str]:
        return (_("You are invited to the park's pool of expert reviewers"),
                _("Accept or decline the invitation on your expert page."))

    notify(users=[user], kind="application", url=reverse("challenges:expert_home"), render=render)
    return expert


@transaction.atomic
def expert_respond(*, actor: User, expert: Expert, accept: bool) -> Expert:
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    require(actor, "challenges.expert_profile", expert)
    if expert.status != ExpertStatus.INVITED:
        raise InvalidTransition(_("This invitation has already been answered."), code="already_answered")
    expert.status = ExpertStatus.ACTIVE if accept else ExpertStatus.DECLINED
    expert.accepted_at = timezone.now() if accept else None
    expert.save(update_fields=["status", "accepted_at"])
    audit_record(actor=actor, action=f"challenges.expert.{'accept' if accept else 'decline'}", target=expert,
                 changes={"status": expert.status})
    return expert


@transaction.atomic
def expert_profile_save(*, actor: User, expert: Expert, **fields: Any) -> Expert:
    """The expert keeps their own profile: disciplines, keywords, languages, region, sector, availability, load."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    require(actor, "challenges.expert_profile", expert)
    if expert.status in (ExpertStatus.DECLINED, ExpertStatus.RETIRED):
        raise InvalidTransition(_("This profile is no longer in the pool."), code="not_in_pool")
    changes = {}
    for name, value in fields.items():
        old = getattr(expert, name)
        setattr(expert, name, value)
        if old != value:
            changes[name] = [old, value]
    _check_profile(expert)
    if changes:
        expert.save(update_fields=list(fields))
        audit_record(actor=actor, action="challenges.expert.profile", target=expert, changes=changes)
    return expert


# ── Conflicts decided by officers ───────────────────────────────────────────────────────────────────────────

def _override(actor: User, bid: Bid, expert: Expert, reason: str, effect: str) -> ConflictOverride:
    require(actor, "challenges.manage_experts")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason (it is kept on the audit trail).")}, code="no_reason")
    if len(reason) > 2000:
        raise ValidationError({"reason": _("The reason is at most 2,000 characters.")}, code="too_long")
    Bid.objects.select_for_update().filter(pk=bid.pk).first()  # one decision at a time per bid
    existing = ConflictOverride.objects.filter(bid=bid, expert=expert).first()
    old = existing.effect if existing else None
    try:
        with transaction.atomic():
            if existing is None:
                made = ConflictOverride.objects.create(bid=bid, expert=expert, effect=effect, reason=reason,
                                                       decided_by=actor)
            else:
                existing.effect, existing.reason, existing.decided_by = effect, reason, actor
                existing.decided_at = timezone.now()
                existing.save(update_fields=["effect", "reason", "decided_by", "decided_at"])
                made = existing
    except IntegrityError:
        raise ValidationError(_("Another officer decided on this pair at the same moment: reload and try again."),
                              code="concurrent") from None
    audit_record(actor=actor, action=f"challenges.conflict.{effect}", target=made,
                 changes={"bid": bid.pk, "expert": expert.pk, "effect": [old, effect], "reason": reason})
    return made


@transaction.atomic
def conflict_add(*, actor: User, bid: Bid, expert: Expert, reason: str) -> ConflictOverride:
    """An officer adds a conflict the registry does not show (one decision per pair: a second replaces it)."""
    return _override(actor, bid, expert, reason, ConflictOverride.Effect.ADD)


@transaction.atomic
def conflict_lift(*, actor: User, bid: Bid, expert: Expert, reason: str) -> ConflictOverride:
    """An officer lifts the computed conflicts of a pair: the pair may then be assigned."""
    return _override(actor, bid, expert, reason, ConflictOverride.Effect.LIFT)


# ── Assignment ───────────────────────────────────────────────────────────────────────────────────────────────

def _lock_challenge(challenge: Challenge) -> Challenge:
    return Challenge.objects.select_for_update().get(pk=challenge.pk)


def _quota_counts(challenge: Challenge) -> list[tuple[str, str, tuple[str, ...], int]]:
    """The challenge's quotas that ask for at least one expert: (key, attribute, values, count)."""
    return [(key, attribute, values, int(getattr(challenge, field)))
            for key, field, attribute, values in QUOTAS if getattr(challenge, field) > 0]


def _counts_for(expert: Expert, attribute: str, values: tuple[str, ...]) -> bool:
    return getattr(expert, attribute) in values


def quota_coverage(challenge: Challenge, experts: list[Expert]) -> list[dict[str, Any]]:
    """Per quota of the challenge: what is asked, how many of `experts` count, met or not."""
    rows = []
    for key, attribute, values, count in _quota_counts(challenge):
        have = sum(1 for e in experts if _counts_for(e, attribute, values))
        rows.append({"quota": key, "label": QUOTA_LABELS[key], "needed": count, "have": have, "met": have >= count})
    return rows


def _infeasible_message(error: engine.Infeasible) -> str:
    if error.code == "demand":
        return _("Demand %(demand)s reviews, but experts can give between %(low)s and %(high)s.") % error.params
    return _("No assignment meets the constraints: %(reason)s") % {"reason": str(error)}


def _pool(challenge: Challenge) -> tuple[list[Bid], list[Expert]]:
    bids = list(Bid.objects.filter(challenge=challenge, status=BidStatus.SUBMITTED)
                .select_related("challenge").order_by("id"))
    experts = list(Expert.objects.filter(status=ExpertStatus.ACTIVE, available=True)
                   .select_related("person", "user").order_by("id"))
    return bids, experts


def _shortfalls(challenge: Challenge, by_bid: dict[int, list[Expert]], bids: list[Bid]) -> list[dict[str, Any]]:
    missing = []
    for bid in bids:
        for row in quota_coverage(challenge, by_bid.get(bid.pk, [])):
            if not row["met"]:
                missing.append({"bid": bid.pk, "quota": row["quota"], "missing": row["needed"] - row["have"]})
    return missing


@transaction.atomic
def assignment_propose(*, actor: User, challenge: Challenge) -> AssignmentRun:
    """Solve the assignment for the challenge's submitted bids and the available experts, and store it as a
    proposed run for the officer to inspect. Infeasible input is refused with the reason; nothing is stored."""
    challenge = _lock_challenge(challenge)
    require(actor, "challenges.assign", challenge)
    if challenge.status != ChallengeStatus.REVIEW or challenge.is_sealed:
        raise InvalidTransition(_("Experts are assigned once the deadline has passed and the review has started."),
                                code="not_in_review")
    if AssignmentRun.objects.filter(challenge=challenge, status=RunStatus.DEPLOYED).exists():
        raise InvalidTransition(_("An assignment of this challenge is already deployed."), code="already_deployed")
    bids, experts = _pool(challenge)
    if not bids:
        raise ValidationError(_("There is no submitted bid to assign."), code="no_bids")
    if not experts:
        raise ValidationError(_("No expert of the pool is available."), code="no_experts")
    scores = affinity.scores(bids, experts)
    conflicting = conflicts.compute(bids, experts)
    bid_index = {b.pk: i for i, b in enumerate(bids)}
    expert_index = {e.pk: j for j, e in enumerate(experts)}
    max_load = np.array([min(challenge.max_load, e.max_load) for e in experts], np.int64)
    min_load = np.minimum(np.int64(challenge.min_load), max_load)
    pairs = [(bid_index[b], expert_index[e], s) for (b, e), s in sorted(scores.items()) if s > 0]
    in_conflict = [(bid_index[b], expert_index[e]) for b, e in sorted(conflicting)]
    quotas = [engine.Quota(attribute, key, count,
                           np.array([_counts_for(e, attribute, values) for e in experts], dtype=bool))
              for key, attribute, values, count in _quota_counts(challenge)]
    problem = engine.Problem(
        n_bids=len(bids), n_experts=len(experts), per_bid=challenge.experts_per_bid, max_load=max_load,
        min_load=min_load,
        pair_bid=np.array([p[0] for p in pairs], np.int64), pair_expert=np.array([p[1] for p in pairs], np.int64),
        pair_score=np.array([p[2] for p in pairs], np.float64),
        conflict_bid=np.array([c[0] for c in in_conflict], np.int64),
        conflict_expert=np.array([c[1] for c in in_conflict], np.int64),
        quotas=quotas, quota_penalty=None if challenge.quotas_hard else SOFT_QUOTA_PENALTY,
        bid_names=[b.reference for b in bids], expert_names=[str(e.person) for e in experts])
    try:
        result = engine.solve(problem, time_limit=SOLVER_SECONDS)
    except engine.Infeasible as error:
        raise ValidationError(_infeasible_message(error), code=f"infeasible_{error.code}") from None
    except engine.NoSolution:
        raise ValidationError(_("The solver found no assignment in time: try again, or relax the quotas."),
                              code="no_solution") from None
    except ValueError as error:
        raise ValidationError(_("The assignment cannot be computed: %(reason)s") % {"reason": str(error)},
                              code="malformed") from None
    by_bid: dict[int, list[Expert]] = {}
    rows = []
    for i, j, score in zip(result.bid.tolist(), result.expert.tolist(), result.score.tolist(), strict=True):
        bid, expert = bids[i], experts[j]
        by_bid.setdefault(bid.pk, []).append(expert)
        rows.append((bid, expert, float(score)))
    run = AssignmentRun.objects.create(
        challenge=challenge, status=RunStatus.PROPOSED, created_by=actor, total_affinity=float(result.total),
        upper_bound=float(result.bound) if result.bound is not None else None, solver=result.method[:40],
        seconds=float(result.stats.get("seconds", 0.0)), quota_shortfalls=_shortfalls(challenge, by_bid, bids))
    Assignment.objects.bulk_create([Assignment(run=run, bid=bid, expert=expert, affinity=score)
                                    for bid, expert, score in rows])
    audit_record(actor=actor, action="challenges.assignment.propose", target=run,
                 changes={"challenge": challenge.code, "bids": len(bids), "experts": len(experts),
                          "total_affinity": run.total_affinity, "upper_bound": run.upper_bound,
                          "solver": run.solver, "quota_shortfalls": run.quota_shortfalls})
    return run


def _lock_run(run: AssignmentRun) -> tuple[Challenge, AssignmentRun]:
    challenge = Challenge.objects.select_for_update().get(pk=run.challenge_id)
    return challenge, AssignmentRun.objects.select_for_update().get(pk=run.pk)


@transaction.atomic
def assignment_swap(*, actor: User, run: AssignmentRun, bid: Bid, remove: Expert, add: Expert) -> AssignmentRun:
    """Replace `remove` by `add` on `bid` in a proposed run, by hand: conflicts, loads and hard quotas still hold."""
    challenge, run = _lock_run(run)
    require(actor, "challenges.assign", challenge)
    if run.status != RunStatus.PROPOSED:
        raise InvalidTransition(_("Only a proposed assignment can be changed."), code="not_proposed")
    rows = list(run.assignments.select_related("expert"))
    on_bid = [a for a in rows if a.bid_id == bid.pk]
    target = next((a for a in on_bid if a.expert_id == remove.pk), None)
    if target is None:
        raise ValidationError({"remove": _("This expert is not assigned to this bid.")}, code="not_assigned")
    fresh = Expert.objects.filter(pk=add.pk).select_related("person", "user").first()
    if fresh is None or fresh.status != ExpertStatus.ACTIVE or not fresh.available:
        raise ValidationError({"add": _("This expert is not available in the pool.")}, code="not_available")
    add = fresh
    if any(a.expert_id == add.pk for a in on_bid):
        raise ValidationError({"add": _("This expert is already assigned to this bid.")}, code="already_on_bid")
    reasons = conflicts.compute([bid], [add]).get((bid.pk, add.pk))
    if reasons:
        raise ValidationError({"add": _("This expert is in conflict with the bid: %(reasons)s")
                               % {"reasons": " ".join(str(r) for r in reasons)}}, code="conflict")
    load = Counter(a.expert_id for a in rows)
    if load[add.pk] + 1 > min(challenge.max_load, add.max_load):
        raise ValidationError({"add": _("This expert would review more than %(most)d bids.")
                               % {"most": min(challenge.max_load, add.max_load)}}, code="over_load")
    if load[remove.pk] - 1 < min(challenge.min_load, challenge.max_load, remove.max_load):
        raise ValidationError({"remove": _("This expert would review fewer than %(least)d bids.")
                               % {"least": challenge.min_load}}, code="under_load")
    before = [a.expert for a in on_bid]
    after = [e for e in before if e.pk != remove.pk] + [add]
    if challenge.quotas_hard:
        broken = [row for row, old in zip(quota_coverage(challenge, after), quota_coverage(challenge, before),
                                          strict=True) if not row["met"] and old["met"]]
        if broken:
            raise ValidationError(_("The swap breaks a hard quota: %(quota)s needs at least %(count)d per bid.")
                                  % {"quota": broken[0]["label"], "count": broken[0]["needed"]}, code="quota")
    full_bid = Bid.objects.select_related("challenge").get(pk=bid.pk)
    score = affinity.scores([full_bid], [add]).get((bid.pk, add.pk), 0.0)
    old_score = target.affinity
    target.expert, target.affinity, target.by_hand = add, score, True
    target.save(update_fields=["expert", "affinity", "by_hand"])
    by_bid: dict[int, list[Expert]] = {}
    for a in rows:
        by_bid.setdefault(a.bid_id, []).append(a.expert)
    run_bids = list(Bid.objects.filter(pk__in=by_bid).order_by("id"))
    run.total_affinity = float(run.total_affinity - old_score + score)
    run.quota_shortfalls = _shortfalls(challenge, by_bid, run_bids)
    run.save(update_fields=["total_affinity", "quota_shortfalls"])
    audit_record(actor=actor, action="challenges.assignment.swap", target=run,
                 changes={"bid": bid.pk, "remove": remove.pk, "add": add.pk, "affinity": [old_score, score]})
    return run


@transaction.atomic
def assignment_deploy(*, actor: User, run: AssignmentRun) -> AssignmentRun:
    """Deploy a proposed run: one deployed run per challenge (the database decides when two officers deploy at
    once); the other proposed runs are discarded; the experts are asked to declare their conflicts."""
    challenge, run = _lock_run(run)
    require(actor, "challenges.assign", challenge)
    if run.status != RunStatus.PROPOSED:
        raise InvalidTransition(_("Only a proposed assignment can be deployed."), code="not_proposed")
    if AssignmentRun.objects.filter(challenge=challenge, status=RunStatus.DEPLOYED).exists():
        raise InvalidTransition(_("An assignment of this challenge is already deployed."), code="already_deployed")
    run.status, run.deployed_by, run.deployed_at = RunStatus.DEPLOYED, actor, timezone.now()
    try:
        with transaction.atomic():
            run.save(update_fields=["status", "deployed_by", "deployed_at"])
    except IntegrityError:
        raise InvalidTransition(_("An assignment of this challenge is already deployed."),
                                code="already_deployed") from None
    discarded = list(AssignmentRun.objects.filter(challenge=challenge, status=RunStatus.PROPOSED)
                     .exclude(pk=run.pk).values_list("pk", flat=True))
    AssignmentRun.objects.filter(pk__in=discarded).update(status=RunStatus.DISCARDED)
    assignments = list(run.assignments.select_related("expert__user").order_by("expert_id", "bid_id"))
    audit_record(actor=actor, action="challenges.assignment.deploy", target=run,
                 changes={"challenge": challenge.code, "assignments": len(assignments), "discarded": discarded})
    code = challenge.code

    def render(reference: str) -> Any:
        def inner() -> tuple[str, str]:
            return (_("You are asked to review %(bid)s of challenge %(code)s") % {"bid": reference, "code": code},
                    _("Open it to declare whether you have a conflict of interest; the review opens after you "
                      "declare none."))
        return inner

    for a in assignments:
        notify(users=[a.expert.user], kind="application", url=reverse("challenges:declare", kwargs={"pk": a.pk}),
               render=render(f"{code}-B{a.bid_id:03d}"))
    return run


def _officers() -> list[User]:
    return list(User.objects.filter(staff_roles__department__code=RESEARCH, is_active=True).distinct())


@transaction.atomic
def assignment_declare(*, actor: User, assignment: Assignment, conflict: bool, reason: str = "") -> Assignment:
    """The assigned expert declares "no conflict" (the review opens) or "conflict" with a reason (officers are
    told, to assign someone else)."""
    assignment = (Assignment.objects.select_for_update(of=("self",)).select_related("run", "expert", "bid__challenge")
                  .get(pk=assignment.pk))
    require(actor, "challenges.declare", assignment)
    if assignment.declaration != Declaration.PENDING:
        raise InvalidTransition(_("You have already declared for this bid."), code="already_declared")
    reason = (reason or "").strip()
    if conflict and not reason:
        raise ValidationError({"reason": _("Say what the conflict is (officers read it).")}, code="no_reason")
    if len(reason) > 2000:
        raise ValidationError({"reason": _("The reason is at most 2,000 characters.")}, code="too_long")
    assignment.declaration = Declaration.CONFLICT if conflict else Declaration.NO_CONFLICT
    assignment.declared_at = timezone.now()
    assignment.conflict_reason = reason if conflict else ""
    assignment.save(update_fields=["declaration", "declared_at", "conflict_reason"])
    audit_record(actor=actor, action="challenges.assignment.declare", target=assignment,
                 changes={"declaration": assignment.declaration, "reason": assignment.conflict_reason})
    if conflict:
        reference, code = assignment.bid.reference, assignment.bid.challenge.code

        def render() -> tuple[str, str]:
            return (_("An expert declared a conflict on %(bid)s") % {"bid": reference},
                    _("Reason: %(reason)s") % {"reason": reason})

        notify(users=_officers(), kind="application", url=reverse("challenges:assignment", kwargs={"code": code}),
               render=render)
    return assignment
