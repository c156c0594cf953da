"""Bids and scores of a challenge as XLSX for the panel (openpyxl): a sheet of bids with the consensus and the
ranking, and a sheet of the individual scores. In phase 1 (blind) the bids are named by their reference only:
no team name, organisation or expert name reaches the file."""

from io import BytesIO
from typing import SupportsFloat

from django.utils.translation import gettext as _
from openpyxl import Workbook

from hetao.core.trilingual import localised

from .models import Challenge
from .selectors_reviews import TIE_BREAKS, panel_rows, ranking


def _number(value: SupportsFloat | None) -> float | None:
    return float(value) if value is not None else None  # spreadsheet cells hold floats; the data stays Decimal


def challenge_xlsx(challenge: Challenge) -> bytes:
    criteria, rows = panel_rows(challenge)
    ranked = {row.bid.pk: row for row in ranking(challenge)}
    blind = challenge.blind
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has its first sheet
    sheet.title = _("Bids")[:31]
    header = [_("Bid"), _("Status")]
    if not blind:
        header += [_("Team"), _("Organisation")]
    header += [_("Total budget"), _("Currency"), _("Submitted reports"), _("Mean of the individual scores"),
               _("Spread (0–10)"), _("Flagged"), _("Consensus")]
    header += [localised(c, "name") for c in criteria]
    header += [_("Consensus total"), _("Above every threshold"), _("Rank")]
    sheet.append(header)
    for row in rows:
        bid = row.bid
        consensus = getattr(bid, "consensus", None) if _has(bid, "consensus") else None
        line: list[object] = [bid.reference, bid.get_status_display()]
        if not blind:
            line += [bid.team_name, localised(bid.organisation, "name") if bid.organisation_id
                     else bid.entity_to_register]
        line += [_number(bid.budget_total), bid.currency, len(row.weighted), _number(row.mean), _number(row.spread),
                 _("yes") if row.flagged else _("no"),
                 consensus.get_status_display() if consensus is not None else _("not opened")]
        scores = {s.criterion_id: s.score for s in consensus.scores.all()} if consensus is not None else {}
        line += [_number(scores.get(c.pk)) for c in criteria]
        line += [_number(consensus.total) if consensus is not None else None,
                 (_("yes") if consensus.passed_thresholds else _("no"))
                 if consensus is not None and consensus.status == "final" else "",
                 ranked[bid.pk].rank if bid.pk in ranked else None]
        sheet.append(line)
    sheet.append([])
    sheet.append([_("Ranking tie-breaks, in order:")])
    for number, text in enumerate(TIE_BREAKS, 1):
        sheet.append([f"{number}. {text}"])

    scores_sheet = book.create_sheet(_("Individual scores")[:31])
    head = [_("Bid"), _("Reviewer")]
    head += [localised(c, "name") for c in criteria]
    head += [_("Weighted score"), _("Status")]
    scores_sheet.append(head)
    for row in rows:
        for number, review in enumerate(row.reviews, 1):
            reviewer = (_("Reviewer %(number)s") % {"number": number} if blind
                        else localised(review.expert.person, "name") or review.expert.user.get_full_name())
            by_criterion = {s.criterion_id: s for s in review.scores.all()}
            cells: list[object] = [row.bid.reference, reviewer]
            for criterion in criteria:
                score = by_criterion.get(criterion.pk)
                if score is None:
                    cells.append(None)
                elif score.not_applicable:
                    cells.append(_("n/a"))
                else:
                    cells.append(_number(score.score))
            cells += [_number(review.weighted_score), review.get_status_display()]
            scores_sheet.append(cells)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _has(obj: object, name: str) -> bool:
    try:
        getattr(obj, name)
    except Exception:  # noqa: BLE001 — a missing reverse one-to-one
        return False
    return True
