"""Side effects of account events, run after commit by the task worker (never inside a request)."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from hetao.core import links


@task()
def send_account_email(*, to: str, template: str, context: dict, language: str = "en") -> None:
    """Render `accounts/email/<template>_subject.txt` and `_message.txt` in the user's language and send."""
    with translation.override(language):
        context = {**context, "site_name": links.site_name(), "site_url": links.absolute_url("/")}
        subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"accounts/email/{template}_message.txt", context)
        subject = links.subject_prefix() + subject
    send_mail(subject, body, None, [to])
