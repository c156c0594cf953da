"""Reading bids: a bid for its team or an officer (404 for anyone else, experts included: they read bids on the
reviews pages), a bid's parts in a fixed number of queries, my bids and invitations, and the officers' list of
a challenge's bids (only the count while sealed)."""

from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from hetao.core.permissions import can

from .models import Bid, BidMember, BidStatus, Challenge, Clarification, MemberStatus
from .permissions import is_officer, is_team_member
from .workflow import BID

__all__ = ["bid_for", "bid_page", "challenge_bids", "emails_of", "invitation_for", "is_team", "my_bids",
           "my_invitations", "offered", "sealed_count"]


def _bids() -> QuerySet[Bid]:
    return Bid.objects.select_related("challenge", "challenge__key_direction", "lead", "organisation",
                                      "unsealed_by")


def is_team(user: Any, bid: Bid) -> bool:
    return bool(user is not None and user.is_authenticated and is_team_member(user, bid))


def bid_for(user: Any, pk: int) -> Bid:
    """The bid `pk` for its team, or for an officer who may open it (after the deadline or the emergency
    opening); 404 for everyone else, so that nobody learns a sealed bid exists."""
    bid = get_object_or_404(_bids(), pk=pk)
    if is_team(user, bid):
        return bid
    if user is not None and user.is_authenticated and is_officer(user) and can(user, "challenges.bid_view", bid):
        return bid
    raise Http404


def offered(user: Any, bid: Bid) -> dict[str, Any]:
    """BID.available(user, bid) by action, without what the clock forbids: submit and withdraw after the
    deadline (the services refuse them too, with the deadline shown)."""
    actions = {t.action: t for t in BID.available(user, bid)}
    if timezone.now() >= bid.challenge.closes_at:
        for action in ("submit", "withdraw"):
            actions.pop(action, None)
    return actions


def bid_page(bid: Bid) -> dict[str, Any]:
    """The parts of a bid a page shows: members, budget lines, milestones, documents, clarifications."""
    return {
        "members": list(BidMember.objects.filter(bid=bid).select_related("user").order_by("-is_lead", "id")),
        "budget_lines": list(bid.budget_lines.order_by("order", "id")),
        "milestones": list(bid.milestones.order_by("month", "order", "id")),
        "documents": list(bid.documents.order_by("id")),
        "clarifications": list(Clarification.objects.filter(bid=bid).order_by("asked_at", "id")),
    }


def emails_of(user: Any) -> list[str]:
    """The account's email and its verified addresses, lower-case."""
    found = {(user.email or "").lower()} if user.email else set()
    found |= {e.lower() for e in EmailAddress.objects.filter(user=user, verified=True)
              .values_list("email", flat=True)}
    return sorted(found)


def my_bids(user: Any) -> QuerySet[Bid]:
    """Bids the user leads or is a confirmed member of, newest first."""
    mine = Q(lead=user) | Q(members__user=user, members__status=MemberStatus.CONFIRMED)
    ids = Bid.objects.filter(mine).values("pk")
    return _bids().filter(pk__in=ids).order_by("-updated_at", "-id")


def my_invitations(user: Any) -> QuerySet[BidMember]:
    """Invitations waiting for the user's answer (to their account or one of their addresses), drafts only."""
    return (BidMember.objects.filter(Q(user=user) | Q(email__in=emails_of(user)), status=MemberStatus.INVITED,
                                     bid__status=BidStatus.DRAFT)
            .select_related("bid", "bid__challenge", "bid__lead").order_by("-invited_at", "-id"))


def invitation_for(token: Any) -> BidMember:
    return get_object_or_404(BidMember.objects.select_related("bid", "bid__challenge", "bid__lead"), token=token)


def sealed_count(challenge: Challenge) -> int:
    """How many bids are submitted: all an officer may know while the challenge is sealed."""
    return Bid.objects.filter(challenge=challenge, status=BidStatus.SUBMITTED).count()


def challenge_bids(challenge: Challenge) -> QuerySet[Bid]:
    """The bids that were submitted (withdrawn included, drafts never), for the officers after the deadline."""
    return (Bid.objects.filter(challenge=challenge).exclude(status=BidStatus.DRAFT)
            .select_related("challenge", "lead", "organisation", "unsealed_by")
            .prefetch_related(Prefetch("members", queryset=BidMember.objects.order_by("-is_lead", "id")))
            .order_by("submitted_at", "id"))
