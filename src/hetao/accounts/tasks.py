"""Side effects of account events, run after commit by the task worker (never inside a request)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task


@task()
def send_account_email(*, to: str, template: str, context: dict, language: str = "en") -> None:
    """Render `accounts/email/<template>_subject.txt` and `_message.txt` in the user's language and send."""
    with translation.override(language):
        subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"accounts/email/{template}_message.txt", context)
    send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [to])
