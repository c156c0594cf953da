"""Scheduled reminders (hetao.ops.scheduler runs them hourly): teams before a challenge's deadline, experts
before the end of the review."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hetao.audit.models import AuditEvent
from hetao.audit.service import audit_record
from hetao.community.services import notify
from hetao.core.links import absolute_url

from .models import (
    Assignment,
    Bid,
    BidMember,
    BidStatus,
    Challenge,
    ChallengeStatus,
    Declaration,
    MemberStatus,
    ReviewStatus,
    RunStatus,
)

__all__ = ["REMIND_ACTION", "REMINDER_WINDOW", "REVIEW_REMIND_ACTION", "REVIEW_WINDOW_DAYS", "remind_bid_deadlines",
           "remind_reviews"]

REMINDER_WINDOW = datetime.timedelta(hours=48)
REMIND_ACTION = "challenges.bid.remind"
REVIEW_WINDOW_DAYS = 3
REVIEW_REMIND_ACTION = "challenges.review.remind"


def _already_reminded(bid: Bid, since: datetime.datetime) -> set[str]:
    """Recipients (member ids as text) reminded about this bid since the window began."""
    done: set[str] = set()
    events = AuditEvent.objects.filter(action=REMIND_ACTION, target_type=Bid._meta.label_lower,
                                       target_id=str(bid.pk), at__gte=since).values_list("changes", flat=True)
    for changes in events:
        done.update(str(m) for m in (changes or {}).get("members", []))
    return done


def remind_bid_deadlines(*, now: datetime.datetime | None = None) -> str:
    """For every open challenge closing within the next 48 hours: remind the lead of each draft bid, and each
    member whose invitation to a draft bid is still unanswered (in the inbox, or by email without an account).

    Idempotent per bid, recipient and window: each run records the members it reminded in an audit event
    (`challenges.bid.remind`, target the bid) and skips those reminded since the window began (the deadline
    minus 48 hours). Limit: a deadline moved later starts a new window, so the team may be reminded again;
    a reminder is recorded when it is queued, so a failed email is not retried.
    """
    now = now or timezone.now()
    challenges = Challenge.objects.filter(status=ChallengeStatus.OPEN, closes_at__gt=now,
                                          closes_at__lte=now + REMINDER_WINDOW)
    bids = (Bid.objects.filter(challenge__in=challenges, status=BidStatus.DRAFT)
            .select_related("challenge", "lead").order_by("id"))
    sent = 0
    for bid in bids:
        with transaction.atomic():
            sent += _remind(bid, now)
    return f"{sent} bid deadline reminders"


def _remind(bid: Bid, now: datetime.datetime) -> int:
    challenge = bid.challenge
    since = challenge.closes_at - REMINDER_WINDOW
    done = _already_reminded(bid, since)
    members = BidMember.objects.filter(bid=bid).filter(is_lead=True) | BidMember.objects.filter(
        bid=bid, status=MemberStatus.INVITED)
    todo = [m for m in members.select_related("user").order_by("id") if str(m.pk) not in done]
    if not todo:
        return 0
    deadline = timezone.localtime(challenge.closes_at).strftime("%Y-%m-%d %H:%M %Z").strip()
    params = {"code": challenge.code, "deadline": deadline, "reference": bid.reference}
    for member in todo:
        if member.is_lead:
            notify(users=[bid.lead], kind="application", url=bid.get_absolute_url(), render=lambda: (
                _("The deadline of %(code)s is %(deadline)s (server time)") % params,
                _("Your bid %(reference)s is still a draft: submit it before the deadline.") % params))
            continue
        path = reverse("challenges:invitation", kwargs={"token": str(member.token)})

        def render() -> tuple[str, str]:
            return (_("The deadline of %(code)s is %(deadline)s (server time)") % params,
                    _("An invitation to join a team bidding for %(code)s waits for your answer.") % params)

        if member.user is not None:
            notify(users=[member.user], kind="application", url=path, render=render)
        else:
            _email(member.email, path, render)
    audit_record(actor=None, system=True, action=REMIND_ACTION, target=bid,
                 changes={"members": [m.pk for m in todo], "window_from": since.isoformat()})
    return len(todo)


def _email(address: str, path: str, render: object) -> None:
    def send() -> None:
        with translation.override(settings.LANGUAGE_CODE):
            subject, body = render()  # type: ignore[operator]
            link = absolute_url(path, language=settings.LANGUAGE_CODE)
        send_mail(str(subject), f"{body}\n\n{link}", None, [address], fail_silently=True)

    transaction.on_commit(send)


def remind_reviews(*, today: datetime.date | None = None) -> str:
    """For every challenge in review or defence whose review ends within the next 3 days: remind each expert of
    a deployed assignment who has not declared, or declared no conflict and not submitted the review.

    Idempotent per challenge and window: each run records the assignments it reminded in an audit event
    (`challenges.review.remind`, target the challenge) and skips those reminded since the window began. The
    reminder names the bid by its reference only (phase 1 is blind).
    """
    today = today or timezone.localdate()
    challenges = Challenge.objects.filter(status__in=[ChallengeStatus.REVIEW, ChallengeStatus.DEFENCE],
                                          review_ends_on__gte=today,
                                          review_ends_on__lte=today + datetime.timedelta(days=REVIEW_WINDOW_DAYS))
    sent = 0
    for challenge in challenges.order_by("id"):
        with transaction.atomic():
            sent += _remind_reviews(challenge)
    return f"{sent} review reminders"


def _remind_reviews(challenge: Challenge) -> int:
    assert challenge.review_ends_on is not None
    since = challenge.review_ends_on - datetime.timedelta(days=REVIEW_WINDOW_DAYS)
    done: set[int] = set()
    for changes in AuditEvent.objects.filter(action=REVIEW_REMIND_ACTION, target_type=Challenge._meta.label_lower,
                                             target_id=str(challenge.pk),
                                             at__date__gte=since).values_list("changes", flat=True):
        done.update(int(pk) for pk in (changes or {}).get("assignments", []))
    pending = (Assignment.objects.filter(run__challenge=challenge, run__status=RunStatus.DEPLOYED)
               .exclude(declaration=Declaration.CONFLICT).exclude(review__status=ReviewStatus.SUBMITTED)
               .select_related("bid__challenge", "expert__user").order_by("id"))
    todo = [a for a in pending if a.pk not in done]
    for assignment in todo:
        params = {"reference": assignment.bid.reference, "date": challenge.review_ends_on.isoformat()}
        declared = assignment.declaration == Declaration.NO_CONFLICT
        url = (reverse("challenges:review", kwargs={"pk": assignment.pk}) if declared
               else reverse("challenges:declare", kwargs={"pk": assignment.pk}))

        def render(params: dict[str, str] = params, declared: bool = declared) -> tuple[str, str]:
            return (_("The review of %(reference)s ends on %(date)s") % params,
                    _("Your review is not submitted yet.") if declared
                    else _("Declare whether you have a conflict of interest, then review the bid."))

        notify(users=[assignment.expert.user], kind="application", url=url, render=render)
    if todo:
        audit_record(actor=None, system=True, action=REVIEW_REMIND_ACTION, target=challenge,
                     changes={"assignments": [a.pk for a in todo], "window_from": since.isoformat()})
    return len(todo)
