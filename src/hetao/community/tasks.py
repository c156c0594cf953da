from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import translation
from django_tasks import task

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from hetao.accounts.models import User

from hetao.core import links


@task()
def email_notification(*, notification_ids: list[int]) -> int:
    """Email the notifications whose users want this kind by email; returns how many were sent."""
    from .models import EmailPreference, Notification

    sent = 0
    notifications = Notification.objects.filter(pk__in=notification_ids).select_related("user")
    off = set(EmailPreference.objects.filter(user__in=[n.user_id for n in notifications], email=False)
              .values_list("user_id", "kind"))
    for note in notifications:
        if (note.user_id, note.kind) in off or not note.user.email or not note.user.is_active:
            continue
        # The title and body were written in the user's language; the link and the name around them follow it.
        with translation.override(note.user.preferred_language or "en"):
            body = note.body + (f"\n\n{links.absolute_url(note.url)}" if note.url else "")
            body += f"\n\n— {links.site_name()}\n{links.absolute_url('/')}\n"
            subject = links.subject_prefix() + note.title
        send_mail(subject, body, None, [note.user.email])
        sent += 1
    return sent


def active_users() -> "QuerySet[User]":
    return get_user_model().objects.filter(is_active=True)
