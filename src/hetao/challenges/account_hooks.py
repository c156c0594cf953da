"""What the challenges app does when an account is erased (registered from ChallengesConfig.ready()).

Accounts sits below challenges and never imports it; hetao.accounts.privacy.deletion_carry_out calls this through
hetao.accounts.hooks, inside its transaction, before the account's row is deleted.

What must stay stays, under the stand-in account (hetao.accounts.privacy.stand_in_account), never under the
person's name or email: topics that were submitted (published ones are public, and challenges keep their
provenance), challenges they created, bids they led or were members of once submitted (the member row keeps its
place with the pseudonym as name and an address made from it), their expert profile (retired: its assignments and
reviews stay part of the panel's record) and the decisions they took as an officer (conflict decisions, assignment
runs, consensus reports, awards, clarification requests). Drafts go: draft topics, draft bids they led, and their
places in other teams' draft bids. Supports go with the account (the cascade) and the topics' counts follow.
"""

from typing import Any

from django.db import transaction
from django.db.models import Count, F

from hetao.accounts.hooks import on_user_erased
from hetao.accounts.privacy import stand_in_account

from .models import (
    AssignmentRun,
    Award,
    Bid,
    BidDocument,
    BidMember,
    BidStatus,
    Challenge,
    Clarification,
    ConflictOverride,
    Consensus,
    Expert,
    ExpertStatus,
    Status,
    Topic,
    TopicSupport,
)


def erased_address(pseudonym: str) -> str:
    """The address a kept team-member row carries instead of the person's: made from the pseudonym only."""
    return f"{pseudonym.replace(':', '-')}@erased.invalid"


def _remove_files_after_commit(names: list[str]) -> None:
    storage = BidDocument._meta.get_field("file").storage

    def remove() -> None:
        for name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(remove)


@on_user_erased
def keep_challenge_records(*, actor: Any, user: Any, pseudonym: str) -> dict[str, int]:
    """Move what the office must keep to the stand-in account; delete drafts. Returns counts for the audit."""
    email = (user.email or "").strip()

    # Drafts go: draft topics no challenge was made from, draft bids the person leads (with their documents).
    draft_topics = Topic.objects.filter(proposer=user, status=Status.DRAFT, challenges__isnull=True)
    topics_deleted = draft_topics.count()
    draft_topics.delete()
    draft_bids = Bid.objects.filter(lead=user, status=BidStatus.DRAFT, assignments__isnull=True)
    files = [d.file.name for d in BidDocument.objects.filter(bid__in=draft_bids) if d.file and d.file.name]
    bids_deleted = draft_bids.count()
    draft_bids.delete()
    _remove_files_after_commit(files)

    # Their places in others' draft bids go too (confirmed, or still an invitation to their address).
    mine = BidMember.objects.filter(user=user)
    by_address = BidMember.objects.filter(user__isnull=True, email__iexact=email) if email else BidMember.objects.none()
    draft_places = (mine | by_address).filter(bid__status=BidStatus.DRAFT, is_lead=False)
    places_deleted = draft_places.count()
    draft_places.delete()

    # Supports are deleted by the cascade: the topics' counts follow.
    for row in TopicSupport.objects.filter(user=user).values("topic").annotate(n=Count("id")):
        Topic.objects.filter(pk=row["topic"]).update(support_count=F("support_count") - row["n"])

    kept_members = list((BidMember.objects.filter(user=user) | (
        BidMember.objects.filter(user__isnull=True, email__iexact=email) if email else BidMember.objects.none()
    )).values_list("pk", flat=True))
    counts = {
        "challenge_topics_kept": Topic.objects.filter(proposer=user).count(),
        "challenges_kept": Challenge.objects.filter(created_by=user).count(),
        "bids_kept": Bid.objects.filter(lead=user).count(),
        "bid_memberships_kept": len(kept_members),
        "expert_profiles_retired": Expert.objects.filter(user=user).count(),
        "panel_decisions_kept": (ConflictOverride.objects.filter(decided_by=user).count()
                                 + AssignmentRun.objects.filter(created_by=user).count()
                                 + Consensus.objects.filter(rapporteur=user).count()
                                 + Award.objects.filter(awarded_by=user).count()
                                 + Clarification.objects.filter(asked_by=user).count()),
    }
    if not any(counts.values()):
        return {"challenge_drafts_deleted": topics_deleted + bids_deleted + places_deleted}

    stand_in = stand_in_account(user=user, pseudonym=pseudonym)
    Topic.objects.filter(proposer=user).update(proposer=stand_in)
    Challenge.objects.filter(created_by=user).update(created_by=stand_in)
    Bid.objects.filter(lead=user).update(lead=stand_in)
    # Each kept place carries the pseudonym: no trace of the person's name or address in the team's list.
    for pk in kept_members:
        member = BidMember.objects.get(pk=pk)
        BidMember.objects.filter(pk=pk).update(
            user=stand_in if member.user_id == user.pk else None, name=pseudonym,
            email=erased_address(pseudonym) if member.user_id == user.pk else erased_address(f"{pseudonym}-{pk}"),
            role="")
    Expert.objects.filter(user=user).update(user=stand_in, status=ExpertStatus.RETIRED, available=False)
    ConflictOverride.objects.filter(decided_by=user).update(decided_by=stand_in)
    AssignmentRun.objects.filter(created_by=user).update(created_by=stand_in)
    Consensus.objects.filter(rapporteur=user).update(rapporteur=stand_in)
    Award.objects.filter(awarded_by=user).update(awarded_by=stand_in)
    Clarification.objects.filter(asked_by=user).update(asked_by=stand_in)
    return {**counts, "challenge_drafts_deleted": topics_deleted + bids_deleted + places_deleted}
