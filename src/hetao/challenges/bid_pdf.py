"""A bid as PDF, for its team (and officers once they may open it): the park's letter layout with embedded
fonts (hetao.core.pdf), in English, 简体 or 繁體. The copy is dated by its submission (or today for a draft), so
a second download of a submitted bid says the same."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hetao.core import pdf as core_pdf
from hetao.core.trilingual import localised

from . import selectors_bids
from .models import Bid, BidStatus
from .services.bids import money

__all__ = ["bid_copy", "filename"]


def filename(bid: Bid) -> str:
    return f"{bid.reference}.pdf"


def bid_copy(bid: Bid, language: str | None = None) -> bytes:
    """The bid's copy in `language` (default: the active one)."""
    language = language or translation.get_language() or "en"
    parts = selectors_bids.bid_page(bid)
    with translation.override(language):
        challenge = bid.challenge
        moment = bid.submitted_at or timezone.now()
        day = timezone.localtime(moment).date()
        title = localised(challenge, "title")
        draft = bid.status == BidStatus.DRAFT
        paragraphs: list[str] = []
        if draft:
            paragraphs.append(_("This is a draft: it has not been submitted."))
        for label, text in ((_("Summary"), bid.summary), (_("Technical approach"), bid.approach),
                            (_("Work plan"), bid.work_plan)):
            paragraphs += [f"【{label}】", text or "—"]
        facts = [(_("Challenge"), f"{challenge.code} {title}"), (_("Status"), str(bid.get_status_display())),
                 (_("Submitted"), timezone.localtime(bid.submitted_at).strftime("%Y-%m-%d %H:%M")
                  if bid.submitted_at else "—"),
                 (_("Entity"), bid.organisation.name if bid.organisation_id and bid.organisation
                  else bid.entity_to_register or "—"),
                 (_("Total budget"), money(bid.budget_total, bid.currency)),
                 (_("Budget ceiling"), money(challenge.budget_ceiling, challenge.currency))]
        for member in parts["members"]:
            facts.append((_("Team member"), " · ".join(p for p in (member.name, member.role,
                                                                    str(member.get_status_display())) if p)))
        for line in parts["budget_lines"]:
            facts.append((str(line.get_category_display()), f"{line.description}: {money(line.amount, bid.currency)}"))
        for milestone in parts["milestones"]:
            facts.append((_("Month %(month)d") % {"month": milestone.month},
                          f"{milestone.title}: {milestone.deliverable}"))
        for document in parts["documents"]:
            facts.append((_("Document"), f"{document.title} ({document.size:,} B, SHA-256 {document.sha256[:16]}…)"))
        facts.append((_("Declarations"), "; ".join([
            (_("We have declared every conflict of interest") if bid.declares_no_other_conflicts
             else _("Conflicts not yet declared")),
            (_("The information is true and complete") if bid.declares_truthful
             else _("Truthfulness not yet declared"))])))
        if bid.declared_conflicts:
            facts.append((_("Declared conflicts of interest"), bid.declared_conflicts))
        letter = core_pdf.Letter(
            language=language, title=_("Bid"), reference=bid.reference, date=day,
            addressee=[bid.team_name], subject=_("Bid for %(code)s: %(title)s") % {"code": challenge.code,
                                                                                  "title": title},
            paragraphs=paragraphs, facts=facts, signature=[bid.team_name])
        return core_pdf.render(letter)
