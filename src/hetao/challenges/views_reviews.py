"""Pages of the challenges app: reviews (the expert's reviews and review form, blind in phase 1), the officers'
panel (scores, consensus, defence, ranking, award, XLSX), the rapporteur's consensus page, and the team's
result (with the consensus report as PDF). Reviewers' identities are shown to officers only."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hetao.accounts.models import User
from hetao.core.forms import add_validation_errors
from hetao.core.permissions import can, require
from hetao.core.workflow import InvalidTransition

from . import blind, consensus_pdf, exports
from . import selectors_reviews as selectors
from .forms_reviews import AwardForm, ConsensusForm, DefenceForm, RapporteurForm, ReviewForm
from .models import (
    Assignment,
    Bid,
    BidStatus,
    Challenge,
    ChallengeStatus,
    Consensus,
    ConsensusStatus,
    Declaration,
    ReviewStatus,
)
from .services import reviews as services
from .views import _signed_in
from .workflow import CHALLENGE


def _declare_url(assignment: Assignment) -> str:
    try:
        return reverse("challenges:declare", kwargs={"pk": assignment.pk})
    except NoReverseMatch:
        return ""


def _consensus_of(bid: Bid) -> Consensus | None:
    try:
        return bid.consensus
    except Consensus.DoesNotExist:
        return None


# ── The expert ─────────────────────────────────────────────────────────────────────────────────────────────


@login_required
@require_GET
def my_reviews(request: HttpRequest) -> HttpResponse:
    """The expert's deployed assignments, each with its declaration and review status (bid references only)."""
    rows = []
    for assignment in selectors.my_assignments(request.user)[:500]:
        try:
            review = assignment.review
        except Exception:  # noqa: BLE001 — no review yet
            review = None
        rows.append({"assignment": assignment, "review": review,
                     "declare_url": _declare_url(assignment) if assignment.declaration == Declaration.PENDING else "",
                     "may_review": can(request.user, "challenges.review", assignment)})
    return render(request, "challenges/reviews/mine.html", {"rows": rows})


def _reviewable(request: HttpRequest, pk: int) -> Assignment:
    """The signed-in expert's assignment, reviewable now (deployed, no conflict declared, review or defence)."""
    try:
        assignment = selectors.assignment_for(pk)
    except Assignment.DoesNotExist:
        raise Http404 from None
    require(request.user, "challenges.review", assignment)
    if assignment.bid.challenge.is_sealed:
        raise PermissionDenied("challenges.review")
    return assignment


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """The blind view of the bid (phase 1) or the named one (phase 2), and the rubric form."""
    assignment = _reviewable(request, pk)
    bid = selectors.bid_for_review(assignment.bid_id)
    criteria = selectors.criteria_of(bid.challenge)
    current = selectors.review_of(assignment)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action not in ("save", "submit"):
            return HttpResponse(_("This action does not exist."), status=400)
        form = ReviewForm(request.POST, criteria=criteria)
        if form.is_valid():
            scores, na = form.scores()
            try:
                with transaction.atomic():
                    saved = services.review_save(actor=_signed_in(request), assignment=assignment, scores=scores,
                                                 not_applicable=na,
                                                 comments_to_team=form.cleaned_data["comments_to_team"],
                                                 comments_to_panel=form.cleaned_data["comments_to_panel"])
                    if action == "submit":
                        services.review_submit(actor=_signed_in(request), review=saved)
            except InvalidTransition as error:
                add_validation_errors(form, error)
                status = 409
            except ValidationError as error:
                add_validation_errors(form, error)
                status = 400
            else:
                messages.success(request, _("Your review is submitted. Thank you.") if action == "submit"
                                 else _("Your draft is saved."))
                return redirect("challenges:review", pk=assignment.pk)
        else:
            status = 400
    else:
        form = ReviewForm(initial=ReviewForm.initial_from(current), criteria=criteria)
    submitted = current is not None and current.status == ReviewStatus.SUBMITTED
    return render(request, "challenges/reviews/review.html", {
        "assignment": assignment, "view": blind.reviewer_view(bid, bid.challenge.blind, assignment_pk=assignment.pk),
        "form": form, "review": current, "submitted": submitted, "criteria": criteria}, status=status)


@login_required
@require_GET
def review_document(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """A bid's document for its reviewer: named "document-N.pdf", without its metadata (never its original
    name or author)."""
    assignment = _reviewable(request, pk)
    bid = selectors.bid_for_review(assignment.bid_id)
    document = blind.document_for(bid, number)
    if document is None:
        raise Http404
    with document.file.open("rb") as handle:
        data = blind.pdf_without_metadata(handle.read())
    if not data:
        raise Http404
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="document-{number}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ── The officers' panel ────────────────────────────────────────────────────────────────────────────────────


def _challenge_for_panel(request: HttpRequest, code: str) -> Challenge:
    challenge = get_object_or_404(Challenge, code=code)
    require(request.user, "challenges.panel_view", challenge)
    return challenge


def _award_bids(rows: list[Any]) -> list[Bid]:
    return [row.bid for row in rows if row.bid.status == BidStatus.SUBMITTED]


@login_required
@require_http_methods(["GET", "POST"])
def panel(request: HttpRequest, code: str) -> HttpResponse:
    """Scores per bid (expert names visible to officers), means without N/A, spread flags, consensus status;
    naming a rapporteur, scheduling defences, starting the defence, the ranking and the award."""
    challenge = _challenge_for_panel(request, code)
    if challenge.is_sealed:
        count = Bid.objects.filter(challenge=challenge, status=BidStatus.SUBMITTED).count()
        return render(request, "challenges/reviews/panel_sealed.html", {"challenge": challenge, "count": count})
    criteria, rows = selectors.panel_rows(challenge)
    rapporteur_form, defence_form = RapporteurForm(), DefenceForm()
    award_form = AwardForm(bids=_award_bids(rows))
    status, errors = 200, []
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "rapporteur":
                rapporteur_form = RapporteurForm(request.POST)
                if not rapporteur_form.is_valid():
                    raise ValidationError(_("Choose the bid and the rapporteur."))
                bid = get_object_or_404(Bid, pk=rapporteur_form.cleaned_data["bid"], challenge=challenge)
                person = get_object_or_404(User, pk=rapporteur_form.cleaned_data["rapporteur"])
                services.consensus_open(actor=_signed_in(request), bid=bid, rapporteur=person)
                messages.success(request, _("The rapporteur is named and notified."))
            elif action == "defence":
                defence_form = DefenceForm(request.POST)
                if not defence_form.is_valid():
                    raise ValidationError(_("Give the bid, the date and time, how and where."))
                bid = get_object_or_404(Bid, pk=defence_form.cleaned_data["bid"], challenge=challenge)
                data = defence_form.cleaned_data
                services.defence_schedule(actor=_signed_in(request), bid=bid, scheduled_at=data["scheduled_at"],
                                          mode=data["mode"], place=data["place"])
                messages.success(request, _("The defence is scheduled and the team is notified."))
            elif action == "start_defence":
                services.challenge_start_defence(actor=_signed_in(request), challenge=challenge)
                messages.success(request, _("The defence has started: reviewers now see the teams' names."))
            elif action == "award":
                award_form = AwardForm(request.POST, bids=_award_bids(rows))
                if not award_form.is_valid():
                    raise ValidationError(_("Check the winners, their amounts and the minutes."))
                services.challenge_award(actor=_signed_in(request), challenge=challenge, winners=award_form.winners(),
                                         minutes=award_form.cleaned_data["minutes"])
                messages.success(request, _("The winners are confirmed, the result is published and the teams "
                                            "are notified."))
            else:
                raise ValidationError(_("This action does not exist."))
        except InvalidTransition as error:
            errors, status = list(error.messages), 409
        except ValidationError as error:
            errors, status = list(error.messages), 400
        else:
            return redirect("challenges:panel", code=challenge.code)
    ranked = selectors.ranking(challenge)
    return render(request, "challenges/reviews/panel.html", {
        "challenge": challenge, "criteria": criteria, "rows": rows, "ranked": ranked,
        "tie_breaks": selectors.TIE_BREAKS, "rapporteur_form": rapporteur_form, "defence_form": defence_form,
        "award_form": award_form, "errors": errors,
        "may_start_defence": CHALLENGE.allowed(request.user, challenge, "start_defence"),
        "may_award": CHALLENGE.allowed(request.user, challenge, "award"),
        "may_schedule": challenge.status in (ChallengeStatus.REVIEW, ChallengeStatus.DEFENCE)},
        status=status)


@login_required
@require_GET
def export(request: HttpRequest, code: str) -> HttpResponse:
    """Bids and scores to XLSX for the panel (officers; references only in phase 1)."""
    challenge = _challenge_for_panel(request, code)
    if challenge.is_sealed:
        raise PermissionDenied("challenges.panel_view")
    response = HttpResponse(exports.challenge_xlsx(challenge),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{challenge.code}-scores.xlsx"'
    return response


# ── The rapporteur ─────────────────────────────────────────────────────────────────────────────────────────


@login_required
@require_http_methods(["GET", "POST"])
def consensus(request: HttpRequest, pk: int) -> HttpResponse:
    """The individual reports (scores and both kinds of comments, reviewers by number only), the final score per
    criterion, the report to the team and the notes to the panel."""
    bid = get_object_or_404(Bid.objects.select_related("challenge", "consensus"), pk=pk)
    require(request.user, "challenges.consensus", bid)
    item = _consensus_of(bid)
    if item is None or bid.challenge.is_sealed:
        raise Http404
    criteria, reviews = selectors.consensus_page(bid)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action not in ("save", "finalise"):
            return HttpResponse(_("This action does not exist."), status=400)
        form = ConsensusForm(request.POST, criteria=criteria)
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.consensus_save(actor=_signed_in(request), consensus=item, scores=form.scores(),
                                            report_to_team=form.cleaned_data["report_to_team"],
                                            notes_to_panel=form.cleaned_data["notes_to_panel"])
                    if action == "finalise":
                        services.consensus_finalise(actor=_signed_in(request), consensus=item)
            except InvalidTransition as error:
                add_validation_errors(form, error)
                status = 409
            except ValidationError as error:
                add_validation_errors(form, error)
                status = 400
            else:
                messages.success(request, _("The consensus report is final.") if action == "finalise"
                                 else _("Your draft is saved."))
                return redirect("challenges:consensus", pk=bid.pk)
        else:
            status = 400
    else:
        form = ConsensusForm(initial=ConsensusForm.initial_from(item), criteria=criteria)
    full = selectors.bid_for_review(bid.pk)
    reports = []
    for number, report in enumerate(reviews, 1):
        by_criterion = {s.criterion_id: s for s in report.scores.all()}
        reports.append({"number": number, "review": report, "scores": [by_criterion.get(c.pk) for c in criteria]})
    return render(request, "challenges/reviews/consensus.html", {
        "bid": bid, "consensus": item, "form": form, "criteria": criteria, "reports": reports,
        "view": blind.reviewer_view(full, bid.challenge.blind), "final": item.status == ConsensusStatus.FINAL},
        status=status)


# ── The team ───────────────────────────────────────────────────────────────────────────────────────────────


def _result_bid(request: HttpRequest, pk: int) -> Bid:
    bid = get_object_or_404(Bid.objects.select_related("challenge", "consensus", "award"), pk=pk)
    if not services.may_see_result(request.user, bid):
        raise PermissionDenied("challenges.bid_view")
    return bid


@login_required
@require_GET
def bid_result(request: HttpRequest, pk: int) -> HttpResponse:
    """The outcome, the consensus scores and report, and the individual comments to the team — without any
    reviewer's identity."""
    bid = _result_bid(request, pk)
    item = _consensus_of(bid)
    criteria = selectors.criteria_of(bid.challenge)
    scores = {s.criterion_id: s.score for s in item.scores.all()} if item is not None else {}
    comments = [r.comments_to_team for r in bid.reviews.filter(status=ReviewStatus.SUBMITTED).order_by("id")
                if r.comments_to_team]
    try:
        award = bid.award
    except Exception:  # noqa: BLE001 — not awarded
        award = None
    return render(request, "challenges/reviews/result.html", {
        "bid": bid, "consensus": item if item is not None and item.status == ConsensusStatus.FINAL else None,
        "rows": [(c, scores.get(c.pk)) for c in criteria], "comments": comments, "award": award})


@login_required
@require_GET
def consensus_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    bid = _result_bid(request, pk)
    item = _consensus_of(bid)
    if item is None or item.status != ConsensusStatus.FINAL:
        raise Http404
    bid = Bid.objects.select_related("challenge", "consensus").prefetch_related(
        "consensus__scores", "reviews", "challenge__criteria").get(pk=bid.pk)
    response = HttpResponse(consensus_pdf.consensus_report(bid), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{bid.reference}-consensus.pdf"'
    return response


urlpatterns: list[URLPattern] = [
    path("reviews/", my_reviews, name="my_reviews"),
    path("reviews/<int:pk>/", review, name="review"),
    path("reviews/<int:pk>/documents/<int:number>/", review_document, name="review_document"),
    path("research/challenges/<str:code>/panel/", panel, name="panel"),
    path("research/challenges/<str:code>/export.xlsx", export, name="export"),
    path("consensus/<int:pk>/", consensus, name="consensus"),
    path("consensus/<int:pk>/pdf/", consensus_report_pdf, name="consensus_pdf"),
    path("bids/<int:pk>/result/", bid_result, name="bid_result"),
]
