import datetime

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from hetao.core import links


@task()
def email_visitor_pass(*, visit_id: int, code: str) -> None:
    """Send the guest their one-time code as a QR image with the text beside it."""
    import io

    import segno

    from .models import VisitorPass

    visit = VisitorPass.objects.select_related("access_point", "host").get(pk=visit_id)
    with translation.override(visit.host.preferred_language or "en"):
        context = {"visit": visit, "code": code, "place": visit.access_point.name, "host": visit.host.display_name,
                   "site_name": links.site_name(), "site_url": links.absolute_url("/")}
        subject = links.subject_prefix() + render_to_string("passes/email/visitor_subject.txt", context).strip()
        body = render_to_string("passes/email/visitor_message.txt", context)
    image = io.BytesIO()
    segno.make(code, error="m").save(image, kind="png", scale=6, border=3)
    message = EmailMessage(subject, body, to=[visit.guest_email])
    message.attach("park-visitor-code.png", image.getvalue(), "image/png")
    message.send()


def rotate_signing_keys(*, now: datetime.datetime | None = None) -> str:
    """Keep a current key signing park codes (run by the scheduler, hetao.ops.scheduler.JOBS).

    When the newest key started more than HETAO_PASS_KEY_ROTATE_DAYS ago, add one that starts a day later: the
    trust list publishes keys a day ahead, so gates that sync it know the new key before it signs anything.
    With no usable key at all, one starts at once. Key files past their lifetime are deleted.
    """
    from django.conf import settings
    from django.db import transaction

    from hetao.audit.service import audit_record

    from . import keys

    now = now or datetime.datetime.now(datetime.UTC)
    directory, lifetime = settings.HETAO_PASS_KEY_DIR, settings.HETAO_PASS_KEY_LIFETIME_DAYS
    loaded, stamp = keys.load(directory, lifetime), int(now.timestamp())
    created = None
    if keys.active(loaded, stamp) is None:
        created = keys.create(directory, now)
    elif loaded[-1].not_before <= stamp - settings.HETAO_PASS_KEY_ROTATE_DAYS * 86400:
        created = keys.create(directory, now + datetime.timedelta(days=1))
    deleted = []
    for path in sorted(directory.glob("pass-*.pem")):
        started = datetime.datetime.strptime(path.stem[5:], keys.STAMP).replace(tzinfo=datetime.UTC)
        if started + datetime.timedelta(days=lifetime) < now:
            path.unlink()
            deleted.append(path.name)
    if not created and not deleted:
        return "keys are current"
    with transaction.atomic():
        audit_record(actor=None, system=True, action="passes.key.rotate", target=None,
                     changes={"created": created.name if created else "", "deleted": deleted})
    return f"created {created.name if created else 'none'}; deleted {len(deleted)}"
