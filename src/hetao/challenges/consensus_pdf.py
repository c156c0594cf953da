"""The consensus report on a bid as PDF (hetao.core.pdf: embedded fonts for English, 简体 and 繁體).

For the team after the award, and for officers. It carries the consensus scores, the report to the team and the
individual comments to the team — never a reviewer's identity, never the confidential notes to the panel."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hetao.core import pdf as core_pdf
from hetao.core.trilingual import localised

from .models import Bid, ReviewStatus


def consensus_report(bid: Bid, language: str | None = None) -> bytes:
    language = language or translation.get_language() or "en"
    consensus = bid.consensus
    challenge = bid.challenge
    with translation.override(language):
        scores = {s.criterion_id: s.score for s in consensus.scores.all()}
        facts = [(_("Challenge"), f"{challenge.code} {localised(challenge, 'title')}"),
                 (_("Bid"), bid.reference), (_("Team"), bid.team_name),
                 (_("Outcome"), bid.get_status_display())]
        for criterion in challenge.criteria.all():
            value = scores.get(criterion.pk)
            facts.append((localised(criterion, "name"),
                          _("%(score)s of %(max)s (threshold %(threshold)s)")
                          % {"score": value if value is not None else "—", "max": criterion.max_score,
                             "threshold": criterion.threshold}))
        facts.append((_("Consensus total"), f"{consensus.total if consensus.total is not None else '—'} / 100"))
        paragraphs = [_("The consensus report of the panel on your bid:"), consensus.report_to_team or "—"]
        comments = [r.comments_to_team for r in bid.reviews.all()
                    if r.status == ReviewStatus.SUBMITTED and r.comments_to_team]
        if comments:
            paragraphs.append(_("Comments of the individual reviewers to the team:"))
            paragraphs += [_("Reviewer %(number)s: %(comment)s") % {"number": n, "comment": text}
                           for n, text in enumerate(comments, 1)]
        date = timezone.localtime(consensus.finalised_at or timezone.now()).date()
        letter = core_pdf.Letter(
            language=language, title=_("Consensus report"), reference=bid.reference, date=date,
            addressee=[bid.team_name], subject=f"{challenge.code} {localised(challenge, 'title')}",
            paragraphs=paragraphs, facts=facts,
            signature=[_("Research Management Department")])
        return core_pdf.render(letter)
