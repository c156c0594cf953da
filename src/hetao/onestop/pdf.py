"""Receipts and decision letters as PDF (reportlab). Chinese text uses the Adobe CID fonts every PDF reader
carries (STSong-Light for Simplified, MSung-Light for Traditional), so no font file is embedded or fetched."""

import io

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from . import formdef
from .models import Application, Status

FONTS = {"zh-hans": "STSong-Light", "zh-hant": "MSung-Light"}
for _font in FONTS.values():
    pdfmetrics.registerFont(UnicodeCIDFont(_font))


def _font() -> str:
    return FONTS.get(get_language() or "en", "Helvetica")


def _wrap(text: str, width: int) -> list[str]:
    """Break text into lines of at most `width` characters (CJK has no spaces to break at)."""
    lines = []
    for paragraph in str(text).splitlines() or [""]:
        while len(paragraph) > width:
            cut = paragraph.rfind(" ", 0, width)
            cut = cut if cut > width // 2 else width
            lines.append(paragraph[:cut])
            paragraph = paragraph[cut:].lstrip()
        lines.append(paragraph)
    return lines


def _document(title: str, rows: list[tuple[str, str]], paragraphs: list[str]) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(title)
    font, width = _font(), 90 if _font() == "Helvetica" else 45
    y = A4[1] - 25 * mm

    def line(text: str, size: int = 11, gap: float = 6.5):
        nonlocal y
        if y < 25 * mm:
            pdf.showPage()
            y = A4[1] - 25 * mm
        pdf.setFont(font, size)
        pdf.drawString(20 * mm, y, text)
        y -= gap * mm

    line(_("Hetao Virtual Park"), 10)
    line(_("Hetao Shenzhen-Hong Kong Science and Technology Innovation Cooperation Zone"), 9, 10)
    line(title, 16, 10)
    for label, value in rows:
        for n, part in enumerate(_wrap(f"{label}: {value}", width)):
            line(part if n == 0 else "    " + part)
    y -= 4 * mm
    for paragraph in paragraphs:
        for part in _wrap(paragraph, width):
            line(part)
    line("", 8)
    line(_("Issued %(at)s") % {"at": timezone.localtime().strftime("%Y-%m-%d %H:%M")}, 8)
    pdf.save()
    return buffer.getvalue()


def receipt(application: Application) -> bytes:
    service = application.service
    rows = [(_("Reference"), application.reference), (_("Service"), service.name),
            (_("Submitted"), timezone.localtime(application.submitted_at).strftime("%Y-%m-%d %H:%M")),
            (_("Committed decision date"), application.due_date.isoformat()),
            (_("Applicant"), application.applicant.get_full_name() or application.applicant.email)]
    if application.organisation_id:
        rows.append((_("Organisation"), application.organisation.name))
    steps = [formdef.text(s["title"]) for s in application.definition.get("steps", [])]
    return _document(_("Receipt"), rows, [_("What happens next: %(steps)s. You will be told of every change.")
                                          % {"steps": " → ".join(steps)}])


def decision_letter(application: Application) -> bytes:
    approved = application.status == Status.APPROVED
    decision = application.transitions.filter(to_status=application.status).last()
    rows = [(_("Reference"), application.reference), (_("Service"), application.service.name),
            (_("Decision"), str(Status(application.status).label)),
            (_("Decided"), timezone.localtime(application.decided_at).strftime("%Y-%m-%d"))]
    text = (_("Your application has been approved.") if approved else _("Your application has not been approved."))
    paragraphs = [text]
    if decision and decision.comment:
        paragraphs.append(decision.comment)
    title = _("Approval letter") if approved else _("Decision letter")
    return _document(title, rows, paragraphs)
