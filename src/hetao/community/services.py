"""Writes of the community: notifications (inbox + email after commit), announcements, events, groups."""

from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hetao.accounts.models import User
from hetao.audit.service import audit_record
from hetao.core.links import language_neutral
from hetao.core.permissions import require

from .models import Announcement, Audience, EmailPreference, Event, InterestGroup, Notification, Registration
from .tasks import email_notification

__all__ = [
    "announcement_publish",
    "email_preferences_set",
    "event_cancel",
    "event_register",
    "group_join",
    "group_leave",
    "notifications_mark_read",
    "notify",
]


def notify(*, users: Iterable[User], kind: str, render: Callable[[], tuple[str, str]], url: str = "") -> int:
    """Put a notification in each user's inbox, written in that user's language, and email it after commit.

    `render` returns (title, body) for the active language; it is called once per language.
    """
    by_language: dict[str, tuple[str, str]] = {}
    rows = []
    url = language_neutral(url)  # the inbox opens it in the reader's language; emails add the reader's prefix
    for user in users:
        language = user.preferred_language or "en"
        if language not in by_language:
            with translation.override(language):
                by_language[language] = tuple(str(s) for s in render())
        title, body = by_language[language]
        rows.append(Notification(user=user, kind=kind, title=title[:255], body=body, url=url))
    created = Notification.objects.bulk_create(rows, batch_size=1000)
    ids = [n.pk for n in created]
    if ids:
        transaction.on_commit(lambda: email_notification.enqueue(notification_ids=ids))
    return len(ids)


def audience_of(announcement: Announcement):
    users = User.objects.filter(is_active=True)
    if announcement.audience == Audience.PARK:
        users = users.filter(memberships__organisation__park=announcement.park)
    elif announcement.audience == Audience.ORGANISATION_KIND:
        users = users.filter(memberships__organisation__kind=announcement.organisation_kind)
    return users.distinct()


@transaction.atomic
def announcement_publish(*, actor: User, **fields) -> Announcement:
    require(actor, "community.publish")
    announcement = Announcement(author=actor, **fields)
    announcement.full_clean()
    announcement.save()
    audit_record(actor=actor, action="community.announcement.publish", target=announcement)
    notify(users=audience_of(announcement), kind="announcement",
           render=lambda: (announcement.title, announcement.description), url="/announcements/")
    return announcement


@transaction.atomic
def event_register(*, actor: User, event: Event) -> Registration:
    """A place if one is free, else the waiting list. The event row lock decides between simultaneous sign-ups."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not event.registration_open or event.starts_at <= timezone.now():
        raise ValidationError(_("Registration for this event is closed."), code="closed")
    if event.registrations.filter(user=actor).exclude(status=Registration.Status.CANCELLED).exists():
        raise ValidationError(_("You are already registered for this event."), code="duplicate")
    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
    status = Registration.Status.CONFIRMED if confirmed < event.capacity else Registration.Status.WAITLISTED
    registration = Registration.objects.create(event=event, user=actor, status=status)
    audit_record(actor=actor, action=f"community.event.{status}", target=registration)
    return registration


@transaction.atomic
def event_cancel(*, actor: User, registration: Registration) -> Registration | None:
    """Cancel a registration; a freed place goes to the first on the waiting list, who is told."""
    Event.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.user_id != actor.pk:
        raise ValidationError(_("This registration is not yours."), code="not_yours")
    was_confirmed = registration.status == Registration.Status.CONFIRMED
    registration.status = Registration.Status.CANCELLED
    registration.save(update_fields=["status"])
    audit_record(actor=actor, action="community.event.cancelled", target=registration)
    if not was_confirmed:
        return None
    promoted = (Registration.objects.select_for_update().filter(event_id=registration.event_id,
                                                                 status=Registration.Status.WAITLISTED)
                .order_by("created_at", "id").first())
    if promoted is not None:
        promoted.status = Registration.Status.CONFIRMED
        promoted.save(update_fields=["status"])
        event = promoted.event
        notify(users=[promoted.user], kind="event", url=event.get_absolute_url(),
               render=lambda: (_("A place is yours: %(event)s") % {"event": event.title},
                               _("A place became free and you were first on the waiting list.")))
    return promoted


@transaction.atomic
def group_join(*, actor: User, group: InterestGroup) -> None:
    group.members.add(actor)


@transaction.atomic
def group_leave(*, actor: User, group: InterestGroup) -> None:
    group.members.remove(actor)


def notifications_mark_read(*, actor: User, ids: list[int] | None = None) -> int:
    unread = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def email_preferences_set(*, actor: User, email_kinds: set[str], all_kinds: Iterable[str]) -> None:
    for kind in all_kinds:
        EmailPreference.objects.update_or_create(user=actor, kind=kind, defaults={"email": kind in email_kinds})
