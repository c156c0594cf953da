"""Writes of the community: notifications (inbox + email after commit), announcements, events, groups.

Each service is keyword-only and takes the acting user; it checks permission with hetao.core.permissions (rules in
community/permissions.py), calls full_clean() before saving, names the fields it updates, counts with F(), and
writes its audit record in the same transaction.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hetao.accounts.models import User
from hetao.audit.service import audit_record
from hetao.core.db import M
from hetao.core.links import language_neutral
from hetao.core.permissions import require

from .models import Announcement, Audience, EmailPreference, Event, InterestGroup, Notification, Registration
from .tasks import email_notification

__all__ = [
    "announcement_publish",
    "email_preferences_set",
    "event_cancel",
    "event_register",
    "event_save",
    "group_delete",
    "group_join",
    "group_leave",
    "group_save",
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
                title, body = render()
                by_language[language] = (str(title), str(body))  # lazy strings rendered in this language
        title, body = by_language[language]
        rows.append(Notification(user=user, kind=kind, title=title[:255], body=body, url=url))
    created = Notification.objects.bulk_create(rows, batch_size=1000)
    ids = [n.pk for n in created]
    if ids:
        transaction.on_commit(lambda: email_notification.enqueue(notification_ids=ids))
    return len(ids)


def audience_of(announcement: Announcement) -> QuerySet[User]:
    users = User.objects.filter(is_active=True)
    if announcement.audience == Audience.PARK:
        users = users.filter(memberships__organisation__park=announcement.park)
    elif announcement.audience == Audience.ORGANISATION_KIND:
        users = users.filter(memberships__organisation__kind=announcement.organisation_kind)
    return users.distinct()


@transaction.atomic
def announcement_publish(*, actor: User, **fields: Any) -> Announcement:
    require(actor, "community.publish")
    announcement = Announcement(author=actor, **fields)
    announcement.full_clean()
    announcement.save(force_insert=True)
    audit_record(actor=actor, action="community.announcement.publish", target=announcement)
    notify(users=audience_of(announcement), kind="announcement",
           render=lambda: (announcement.title, announcement.description), url="/announcements/")
    return announcement


@transaction.atomic
def event_register(*, actor: User, event: Event) -> Registration:
    """A place if one is free, else the waiting list. The event row lock decides between simultaneous sign-ups."""
    require(actor, "community.register_event", event)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not event.registration_open or event.starts_at <= timezone.now():
        raise ValidationError(_("Registration for this event is closed."), code="closed")
    if event.registrations.filter(user=actor).exclude(status=Registration.Status.CANCELLED).exists():
        raise ValidationError(_("You are already registered for this event."), code="duplicate")
    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
    status = Registration.Status.CONFIRMED if confirmed < event.capacity else Registration.Status.WAITLISTED
    registration = Registration(event=event, user=actor, status=status)
    registration.full_clean()
    registration.save(force_insert=True)
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
def event_save(*, actor: User, event: Event, fields: Iterable[str] = ()) -> Event:
    """Create an event (no pk yet) or save the `fields` of one the caller has changed (the back office)."""
    require(actor, "community.manage_events", event)
    return _save_audited(actor=actor, obj=event, fields=fields, action="community.event")


def _save_audited(*, actor: User, obj: M, fields: Iterable[str], action: str) -> M:
    obj.full_clean()
    if obj.pk is None:
        obj.save(force_insert=True)
        audit_record(actor=actor, action=f"{action}.create", target=obj)
        return obj
    concrete = {f.name for f in obj._meta.concrete_fields if not f.primary_key}
    fields = sorted(set(fields) & concrete)
    if fields:
        obj.save(update_fields=fields)
        audit_record(actor=actor, action=f"{action}.update", target=obj, changes={"fields": fields})
    return obj


# ── Interest groups ──────────────────────────────────────────────────────────────────────────────────

GroupMember = InterestGroup.members.through


@transaction.atomic
def group_join(*, actor: User, group: InterestGroup) -> None:
    """Join a group (joining one's own group again changes nothing). The group's row lock orders simultaneous
    joins and leaves, so its member count stays exact."""
    require(actor, "community.join_group", group)
    group = InterestGroup.objects.select_for_update().get(pk=group.pk)
    if GroupMember.objects.filter(interestgroup=group, user=actor).exists():
        return
    member = GroupMember(interestgroup=group, user=actor)
    member.full_clean()
    member.save(force_insert=True)
    InterestGroup.objects.filter(pk=group.pk).update(member_count=F("member_count") + 1)
    audit_record(actor=actor, action="community.group.join", target=group)


@transaction.atomic
def group_leave(*, actor: User, group: InterestGroup) -> None:
    """Leave a group (leaving a group one is not in changes nothing)."""
    require(actor, "community.leave_group", group)
    group_member_remove(actor=actor, group=group, user=actor)


def group_member_remove(*, actor: User, group: InterestGroup, user: User) -> bool:
    """Take `user` out of `group`; for callers that have checked their own permission (group_leave, and account
    erasure in account_hooks). True if they were a member."""
    group = InterestGroup.objects.select_for_update().get(pk=group.pk)
    removed, _counts = GroupMember.objects.filter(interestgroup=group, user=user).delete()
    if not removed:
        return False
    InterestGroup.objects.filter(pk=group.pk).update(member_count=F("member_count") - 1)
    changes = {} if actor is not None and actor.pk == user.pk else {"member": f"user:{user.pk}"}
    audit_record(actor=actor, action="community.group.leave", target=group, changes=changes)
    return True


@transaction.atomic
def group_save(*, actor: User, group: InterestGroup, fields: Iterable[str] = ()) -> InterestGroup:
    """Create a group (no pk yet) or save the `fields` of one the caller has changed (the back office). Members
    come and go only through group_join and group_leave."""
    require(actor, "community.manage_groups", group)
    return _save_audited(actor=actor, obj=group, fields=set(fields) - {"members", "member_count"},
                         action="community.group")


@transaction.atomic
def group_delete(*, actor: User, group: InterestGroup) -> None:
    group = InterestGroup.objects.select_for_update().get(pk=group.pk)
    require(actor, "community.manage_groups", group)
    audit_record(actor=actor, action="community.group.delete", target=group,
                 changes={"slug": group.slug, "members": group.member_count})
    group.delete()


# ── Inbox and email settings ─────────────────────────────────────────────────────────────────────────

def notifications_mark_read(*, actor: User, ids: list[int] | None = None) -> int:
    """Mark the actor's own notifications read (all, or those in `ids`). Not audited: reading one's inbox is not
    an act the office answers for, and it would fill the trail."""
    unread = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def email_preferences_set(*, actor: User, email_kinds: set[str], all_kinds: Iterable[str]) -> None:
    """Which kinds of notification the actor also receives by email (their own settings only)."""
    require(actor, "community.set_email_preferences", actor)
    all_kinds = list(all_kinds)
    for kind in all_kinds:
        preference = EmailPreference.objects.filter(user=actor, kind=kind).first()
        if preference is None:
            preference = EmailPreference(user=actor, kind=kind, email=kind in email_kinds)
            preference.full_clean()
            preference.save(force_insert=True)
        elif preference.email != (kind in email_kinds):
            preference.email = kind in email_kinds
            preference.full_clean()
            preference.save(update_fields=["email"])
    audit_record(actor=actor, action="community.email_preferences.set", target=actor,
                 changes={"email": sorted(set(email_kinds) & set(all_kinds))})
