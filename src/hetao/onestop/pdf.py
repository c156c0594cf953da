"""Receipts and decision letters (PDF), laid out and font-embedded by hetao.core.pdf.

Each carries a verification QR code: a signed token naming the reference, the kind and a fingerprint of what
the document states (`fingerprint`), checked by the public page `/<lang>/verify/<token>/` (verify.py).
A document's date is the date of the act (submission, decision), so a second download says the same.
"""

from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hetao.accounts.models import Department, StaffRole
from hetao.core import pdf as core_pdf
from hetao.core.chinese import has_han
from hetao.core.links import absolute_url
from hetao.core.trilingual import LANGUAGE_SUFFIXES, localised

from . import formdef
from .models import Application, Status, Transition

RECEIPT, LETTER = "receipt", "letter"
KINDS = {RECEIPT: gettext_lazy("Receipt"), LETTER: gettext_lazy("Decision letter")}


def applicant_name(user) -> str:
    """The name as its owner writes it: the linked registry person's, else the account's, family name first
    and unspaced for a Chinese name (陳嘉欣), given name first otherwise (Ka Yan Chan)."""
    if user.person_id:
        name = localised(user.person, "name", LANGUAGE_SUFFIXES.get(user.preferred_language, "en"))
        if name:
            return name
    first, last = user.first_name.strip(), user.last_name.strip()
    if has_han(first + last):
        return f"{last}{first}"
    return " ".join(p for p in (first, last) if p) or user.email


def decision_of(application: Application) -> Transition | None:
    """The transition that made the current decision (None while undecided)."""
    if application.status not in (Status.APPROVED, Status.REJECTED):
        return None
    return application.transitions.filter(to_status=application.status).select_related("actor").last()


def fingerprint(application: Application, kind: str) -> str | None:
    """What the document of `kind` states, as a digest; None when the application has no such document."""
    if kind == RECEIPT and application.submitted_at and application.due_date:
        return core_pdf.digest(application.reference, kind, application.service_version_id,
                               application.submitted_at.isoformat(), application.due_date.isoformat())
    decision = decision_of(application) if kind == LETTER else None
    if decision and application.decided_at:
        return core_pdf.digest(application.reference, kind, application.status, application.decided_at.isoformat(),
                               decision.pk, decision.comment)
    return None


def verify_url(application: Application, kind: str, language: str) -> str:
    stated = fingerprint(application, kind)
    if application.reference is None or stated is None:
        raise ValueError(f"{application} has no {kind}")
    token = core_pdf.verification_token(reference=application.reference, kind=kind, fingerprint=stated)
    return absolute_url("onestop:verify", language=language, token=token)


def _addressee(application: Application) -> list[str]:
    lines = [applicant_name(application.applicant)]
    if application.organisation is not None:
        lines.append(application.organisation.name)
    return lines


def _parties(application: Application) -> list[tuple[str, str]]:
    rows = [(_("Applicant"), applicant_name(application.applicant))]
    if application.organisation is not None:
        rows.append((_("Organisation"), application.organisation.name))
    return rows


def _department(code: str) -> Department | None:
    return Department.objects.filter(code=code).first() if code else None


def _office() -> str:
    language = translation.get_language() or "en"
    return dict(core_pdf.OFFICE).get(language, core_pdf.OFFICE[0][1])


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def receipt(application: Application, language: str | None = None) -> bytes:
    """The receipt of a submitted application, in `language` (default: the active one)."""
    language = language or translation.get_language() or "en"
    if application.reference is None or application.submitted_at is None or application.due_date is None:
        raise ValueError(f"{application} has not been submitted")
    with translation.override(language):
        service, steps = application.service, application.definition.get("steps", [])
        submitted = timezone.localtime(application.submitted_at).date()
        facts = [(_("Service"), service.name), (_("Submitted"), _local(application.submitted_at)),
                 (_("Committed decision date"), core_pdf.long_date(application.due_date, language))]
        facts += _parties(application)
        department = _department(steps[0].get("department", "")) if steps else None
        letter = core_pdf.Letter(
            language=language, title=_("Receipt"), reference=application.reference, date=submitted,
            addressee=_addressee(application),
            salutation=_("Dear %(name)s,") % {"name": applicant_name(application.applicant)},
            subject=_("Application for %(service)s") % {"service": service.name},
            paragraphs=[
                _("The park received your application on %(date)s and gave it the reference %(reference)s. "
                  "Please quote it whenever you contact the park about this application.")
                % {"date": core_pdf.long_date(submitted, language), "reference": application.reference},
                _("The park commits to deciding by %(date)s.")
                % {"date": core_pdf.long_date(application.due_date, language)},
                _("What happens next: %(steps)s. You will be told of every change.")
                % {"steps": " → ".join(formdef.text(s.get("title")) for s in steps)},
            ],
            facts=facts, closing=_("Yours sincerely,"),
            signature=[line for line in (department.name if department else "", _office()) if line],
            verify_url=verify_url(application, RECEIPT, language))
        return core_pdf.render(letter)


def decision_letter(application: Application, language: str | None = None) -> bytes:
    """The approval or rejection letter of a decided application, in `language` (default: the active one)."""
    language = language or translation.get_language() or "en"
    decision = decision_of(application)
    if decision is None or application.decided_at is None:
        raise ValueError(f"{application} has no decision")
    if application.reference is None:  # a decided application was submitted, so it has its reference
        raise ValueError(f"{application} has not been submitted")
    with translation.override(language):
        approved = application.status == Status.APPROVED
        service = application.service
        decided = timezone.localtime(application.decided_at).date()
        params = {"reference": application.reference, "service": service.name,
                  "date": core_pdf.long_date(timezone.localtime(application.submitted_at).date(), language)}
        paragraphs = [
            (_("We are pleased to tell you that your application %(reference)s for %(service)s, submitted on "
               "%(date)s, has been approved.") if approved else
             _("We regret to tell you that your application %(reference)s for %(service)s, submitted on "
               "%(date)s, has not been approved.")) % params]
        if decision.comment.strip():
            paragraphs += [_("The department's comments:"), decision.comment]
        paragraphs.append(_("Please quote the reference %(reference)s whenever you contact the park about this "
                            "application.") % params)
        steps: list[dict[str, Any]] = application.definition.get("steps", [])
        step = next((s for s in steps if s.get("id") == decision.step), {})
        department = _department(step.get("department", ""))
        role = StaffRole.objects.filter(user_id=decision.actor_id, department=department).first() \
            if department and decision.actor_id else None
        facts = [(_("Service"), service.name), (_("Decision"), str(Status(application.status).label)),
                 (_("Decided"), core_pdf.long_date(decided, language))]
        facts += _parties(application)
        letter = core_pdf.Letter(
            language=language, title=_("Approval letter") if approved else _("Decision letter"),
            reference=application.reference, date=decided, addressee=_addressee(application),
            salutation=_("Dear %(name)s,") % {"name": applicant_name(application.applicant)},
            subject=_("Decision on your application for %(service)s") % params,
            paragraphs=paragraphs, facts=facts, closing=_("Yours sincerely,"),
            signature=[line for line in (department.name if department else "",
                                         role.get_role_display() if role else "", _office()) if line],
            verify_url=verify_url(application, LETTER, language))
        return core_pdf.render(letter)
