from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task


@task()
def email_visitor_pass(*, visit_id: int, code: str) -> None:
    """Send the guest their one-time code as a QR image with the text beside it."""
    import io

    import segno

    from .models import VisitorPass

    visit = VisitorPass.objects.select_related("access_point", "host").get(pk=visit_id)
    with translation.override(visit.host.preferred_language or "en"):
        context = {"visit": visit, "code": code, "place": visit.access_point.name}
        subject = render_to_string("passes/email/visitor_subject.txt", context).strip()
        body = render_to_string("passes/email/visitor_message.txt", context)
    image = io.BytesIO()
    segno.make(code, error="m").save(image, kind="png", scale=6, border=3)
    message = EmailMessage(subject, body, to=[visit.guest_email])
    message.attach("park-visitor-code.png", image.getvalue(), "image/png")
    message.send()
