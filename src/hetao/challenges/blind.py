"""What a reviewer sees of a bid, decided per phase (pretalx's review phases).

Phase 1 (blind, `challenge.blind`): the bid's reference, the challenge, what the team proposes (summary,
approach, work plan, milestones, budget) and the answered clarifications; documents only as "Document 1…n"
(never their original names, never their titles, which may name a person; the files are served without their
metadata). Phase 2 (defence and later): also the team's name, organisation, members (names and roles) and the
defence schedule. Never emails, never the declared conflicts, never the documents' original names.

Pages, API answers and exports given to reviewers are built from this dictionary only, so a field added to the
bid later cannot leak by accident: it is not shown until someone adds it here.
"""

import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from hetao.core.trilingual import localised

from .models import Bid, BidDocument, MemberStatus


def pdf_without_metadata(data: bytes) -> bytes:
    """The PDF without its document information (author, creator, …) and XMP metadata: the bids part's helper
    when it exists, else the same with pypdf here. Anything that is not a readable PDF gives b"" (the reviewer
    gets nothing rather than a file that may carry names)."""
    helper: Callable[[bytes], bytes] | None
    try:
        from .documents import pdf_without_metadata as helper
    except ImportError:
        helper = None
    if helper is not None:
        try:
            return helper(data)
        except Exception:  # noqa: BLE001 — fall back to our own stripping below
            pass
    try:
        import pypdf

        reader = pypdf.PdfReader(io.BytesIO(data))
        writer = pypdf.PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        writer._info = None  # no /Info dictionary at all
        if "/Metadata" in writer._root_object:
            del writer._root_object["/Metadata"]
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    except Exception:  # noqa: BLE001 — an unreadable file is not served to a reviewer
        return b""


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def reviewer_view(bid: Bid, phase_blind: bool, *, assignment_pk: int | None = None) -> dict[str, Any]:
    """The bid as a reviewer sees it now. `bid` should come with challenge, members, budget_lines, milestones,
    documents and clarifications prefetched (selectors_reviews.bid_for_review). `assignment_pk` gives the
    documents their download address (through the reviewer's assignment)."""
    challenge = bid.challenge
    documents: list[dict[str, Any]] = []
    for number, document in enumerate(_documents(bid), 1):
        url = (reverse("challenges:review_document", kwargs={"pk": assignment_pk, "number": number})
               if assignment_pk is not None else "")
        documents.append({"number": number, "label": _("Document %(number)s") % {"number": number},
                          "size": document.size, "url": url})
    view: dict[str, Any] = {
        "blind": phase_blind,
        "reference": bid.reference,
        "challenge": {"code": challenge.code, "title": localised(challenge, "title")},
        "summary": bid.summary,
        "approach": bid.approach,
        "work_plan": bid.work_plan,
        "milestones": [{"title": m.title, "month": m.month, "deliverable": m.deliverable}
                       for m in bid.milestones.all()],
        "budget": {"currency": bid.currency, "total": str(bid.budget_total),
                   "total_display": _money(bid.budget_total),
                   "lines": [{"category": line.get_category_display(), "description": line.description,
                              "amount": str(line.amount), "amount_display": _money(line.amount)}
                             for line in bid.budget_lines.all()]},
        "documents": documents,
        "clarifications": [{"question": c.question, "answer": c.answer}
                           for c in bid.clarifications.all() if c.answer],
    }
    if not phase_blind:
        organisation = bid.organisation
        view["team"] = {
            "team_name": bid.team_name,
            "organisation": localised(organisation, "name") if organisation is not None else bid.entity_to_register,
            "members": [{"name": m.name, "role": m.role, "is_lead": m.is_lead}
                        for m in bid.members.all() if m.status == MemberStatus.CONFIRMED],
        }
        defence = getattr(bid, "defence", None) if _has_defence(bid) else None
        view["defence"] = ({"scheduled_at": defence.scheduled_at, "mode": defence.get_mode_display(),
                            "place": defence.place} if defence is not None else None)
    return view


def _documents(bid: Bid) -> list[BidDocument]:
    return list(bid.documents.all())


def _has_defence(bid: Bid) -> bool:
    try:
        bid.defence  # noqa: B018 — a reverse one-to-one raises when there is none
    except Exception:  # noqa: BLE001 — RelatedObjectDoesNotExist
        return False
    return True


def document_for(bid: Bid, number: int) -> BidDocument | None:
    """The bid's `number`-th document (1-based), in the order reviewers see them."""
    documents = _documents(bid)
    return documents[number - 1] if 1 <= number <= len(documents) else None
