"""A few applications in every state, so queues, timelines and service figures have something to show.

The applicant reads Traditional Chinese: officers write to her in Traditional Chinese (Hong Kong wording) with the
English after it, as the office does for cross-boundary applicants; she writes her own comments in Chinese.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from hetao.accounts.models import User

from . import services
from .models import Service

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CONTACT = {"contact_name": "Ka Yan Chan", "contact_email": "applicant@example.org", "contact_mobile": "+85291234567"}


def _venue(applicant: User, title: str):
    application = services.application_start(actor=applicant, service=Service.objects.get(code="venue-booking"))
    services.application_save_page(actor=applicant, application=application, page_answers={
        "title": title, "date": "2026-12-18", "guests": "60", "catering": "yes", **CONTACT})
    return services.application_submit(actor=applicant, application=application, consent=True)


def _facilitation(applicant: User):
    application = services.application_start(actor=applicant,
                                             service=Service.objects.get(code="hk-researcher-facilitation"))
    services.application_save_page(actor=applicant, application=application, page_answers={
        "name": "Ka Yan Chan", "hkid": "A123456(3)", "institution": "HKUST Shenzhen-Hong Kong institute",
        "crossings": "daily", **CONTACT})
    return services.application_submit(actor=applicant, application=application, consent=True)


def load_demo_applications() -> None:
    applicant = User.objects.get(email="applicant@example.org")
    facilities = User.objects.get(email="security.officer@example.org")
    talent = User.objects.get(email="talent.officer@example.org")
    approved = _venue(applicant, "Quantum computing forum")
    services.application_decide(actor=facilities, application=approved, action="approve",
                                comment="已為你預留B廳。Hall B is booked for you.")
    services.rating_give(actor=applicant, application=approved, score=5, comment="快捷清晰，謝謝！")
    rejected = _venue(applicant, "Weekend party")
    services.application_decide(actor=facilities, application=rejected, action="reject",
                                comment="場地只供科研及產業活動使用。Venues are for research and industry events.")
    services.rating_give(actor=applicant, application=rejected, score=3)
    returned = _facilitation(applicant)
    services.application_decide(actor=talent, application=returned, action="return",
                                comment="請在下一個版本附上所屬機構的信函。"
                                        "Please attach your institution's letter in the next version.")
    _venue(applicant, "Embodied intelligence meetup")  # waits in the facilities queue
    draft = services.application_start(actor=applicant, service=Service.objects.get(code="talent-apartment"))
    services.application_save_page(actor=applicant, application=draft, page_answers={"employer": "HKUST institute"})
    licence = SimpleUploadedFile("business-licence.pdf", PDF)
    services.document_store(actor=applicant, upload=licence, label="Business licence")


def clear_demo_applications() -> None:
    """For `load_demo_park --reset`: the demo applicant's applications (they protect her account), with their history.
    On PostgreSQL the history is immutable (migration 0003): this transaction says explicitly that it deletes it."""
    from django.db import connection, transaction

    from .models import Application

    def allow_history_delete(on: bool) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('hetao.onestop_history_delete', %s, true)", ["on" if on else "off"])

    with transaction.atomic():
        allow_history_delete(True)
        Application.objects.filter(applicant__email="applicant@example.org").delete()
        allow_history_delete(False)  # only for this delete, not for the rest of an enclosing transaction
