"""Pages of bids: start a bid, the bid (the lead's draft editor; read-only after submission; clarifications),
its PDF copy and documents, an invitation to join a team, my bids, and the officers' list of a challenge's
bids (only the count while sealed, with the audited emergency opening)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hetao.accounts.models import User
from hetao.core.forms import add_validation_errors
from hetao.core.permissions import can, require
from hetao.core.workflow import InvalidTransition

from . import bid_pdf, selectors_bids
from .forms_bids import (
    AnswerForm,
    BidForm,
    BidStartForm,
    BudgetLineFormSet,
    ClarifyForm,
    DocumentForm,
    InviteForm,
    MilestoneFormSet,
    UnsealForm,
    rows,
)
from .models import Bid, BidDocument, BidMember, BidStatus, Challenge, Clarification
from .permissions import is_officer
from .services import bids as bid_services


def _by_code(code: str) -> Challenge:
    """The challenge `code` (404 for a code no challenge can have: too long, or with a NUL)."""
    if len(code) > 32 or "\x00" in code:
        raise Http404
    return get_object_or_404(Challenge.objects.select_related("key_direction"), code=code)


def _challenge(code: str) -> Challenge:
    challenge = _by_code(code)
    if not challenge.is_public:
        raise Http404
    return challenge


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind login_required)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _refusal(form: Any, error: ValidationError) -> int:
    """Show the service's refusal on `form`; the status: 409 for a state conflict, else 400."""
    add_validation_errors(form, error)
    return 409 if isinstance(error, InvalidTransition) else 400


@login_required
@require_http_methods(["GET", "POST"])
def bid_start(request: HttpRequest, code: str) -> HttpResponse:
    challenge = _challenge(code)
    existing = Bid.objects.filter(challenge=challenge, lead=_user(request)).exclude(status=BidStatus.WITHDRAWN).first()
    if existing is not None:
        return redirect(existing.get_absolute_url())
    form = BidStartForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                made = bid_services.bid_start(actor=_user(request), challenge=challenge,
                                              team_name=form.cleaned_data["team_name"])
            except PermissionDenied:
                form.add_error(None, _("This challenge does not accept bids now."))
                status = 409
            except ValidationError as error:
                status = _refusal(form, error)
            else:
                messages.success(request, _("Your draft bid is started. Invite your team and fill it in."))
                return redirect(made.get_absolute_url())
        else:
            status = 400
    return render(request, "challenges/bids/start.html", {
        "challenge": challenge, "form": form, "accepting": challenge.accepting_bids,
        "deadline": bid_services.deadline_text(challenge)}, status=status)


def _editor_forms(request: HttpRequest, bid: Bid, parts: dict[str, Any]) -> dict[str, Any]:
    return {
        "form": BidForm(instance=bid, user=request.user),
        "invite_form": InviteForm(prefix="invite"),
        "budget_formset": BudgetLineFormSet(prefix="budget", initial=[
            {"category": line.category, "description": line.description, "amount": line.amount}
            for line in parts["budget_lines"]]),
        "milestone_formset": MilestoneFormSet(prefix="milestones", initial=[
            {"title": m.title, "month": m.month, "deliverable": m.deliverable} for m in parts["milestones"]]),
        "document_form": DocumentForm(prefix="document"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def bid(request: HttpRequest, pk: int) -> HttpResponse:
    """The bid for its team and the officers who may open it. The lead edits the draft here; each form posts
    an `action`: save, submit, withdraw, invite, remove, budget, milestones, document, answer, clarify."""
    item = selectors_bids.bid_for(request.user, pk)
    parts = selectors_bids.bid_page(item)
    actions = selectors_bids.offered(request.user, item)
    editing = "save" in actions
    context: dict[str, Any] = _editor_forms(request, item, parts) if editing else {}
    context["answer_forms"] = {c.pk: AnswerForm(prefix=f"answer-{c.pk}") for c in parts["clarifications"]}
    context["clarify_form"] = ClarifyForm(prefix="clarify")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        status = _post(request, item, action, context)
        if status == 302:
            if action == "withdraw" and not Bid.objects.filter(pk=item.pk).exists():
                return redirect("challenges:my_bids")
            return redirect(item.get_absolute_url())
        item = selectors_bids.bid_for(request.user, pk)
        parts = selectors_bids.bid_page(item)
        actions = selectors_bids.offered(request.user, item)
    team = selectors_bids.is_team(request.user, item)
    context.update({
        "bid": item, "challenge": item.challenge, **parts, "actions": actions, "editing": editing, "team": team,
        "buttons": [actions[a] for a in ("submit", "withdraw") if a in actions],
        "may_clarify": (can(request.user, "challenges.clarify", item) and item.status == BidStatus.SUBMITTED
                        and not item.challenge.is_sealed),
        "may_answer": can(request.user, "challenges.clarify_answer", item),
        "deadline": bid_services.deadline_text(item.challenge),
    })
    return render(request, "challenges/bids/bid.html", context, status=status)


def _post(request: HttpRequest, item: Bid, action: str, context: dict[str, Any]) -> int:
    """Carry out one posted action (its form put in `context` to show errors): the status, 302 on success."""
    actor = _user(request)
    form: Any
    formset: Any
    if action in ("save", "submit"):
        form = context["form"] = BidForm(request.POST, instance=item, user=actor)
        if not form.is_valid():
            return 400
        return _run(request, form, lambda: _save_and_maybe_submit(actor, item, action, form.cleaned_data),
                    _("The bid is submitted. It stays sealed until the deadline.")
                    if action == "submit" else _("Your changes are saved."))
    if action == "withdraw":
        return _run(request, None, lambda: bid_services.bid_withdraw(actor=actor, bid=item),
                    _("The bid is withdrawn."))
    if action == "invite":
        form = context["invite_form"] = InviteForm(request.POST, prefix="invite")
        if not form.is_valid():
            return 400
        return _run(request, form, lambda: bid_services.member_invite(actor=actor, bid=item, **form.cleaned_data),
                    _("The invitation is sent."))
    if action == "remove":
        member = get_object_or_404(BidMember, pk=_int(request.POST.get("member")), bid=item)
        return _run(request, None, lambda: bid_services.member_remove(actor=actor, member=member),
                    _("The member is removed from the team."))
    if action == "budget":
        formset = context["budget_formset"] = BudgetLineFormSet(request.POST, prefix="budget")
        if not formset.is_valid():
            return 400
        return _run(request, formset, lambda: bid_services.budget_set(actor=actor, bid=item, lines=rows(formset)),
                    _("The budget is saved."))
    if action == "milestones":
        formset = context["milestone_formset"] = MilestoneFormSet(request.POST, prefix="milestones")
        if not formset.is_valid():
            return 400
        return _run(request, formset, lambda: bid_services.milestones_set(
            actor=actor, bid=item, milestones=rows(formset)), _("The milestones are saved."))
    if action == "document":
        form = context["document_form"] = DocumentForm(request.POST, request.FILES, prefix="document")
        if not form.is_valid():
            return 400
        return _run(request, form, lambda: bid_services.document_add(
            actor=actor, bid=item, title=form.cleaned_data["title"], upload=form.cleaned_data["upload"]),
            _("The document is attached."))
    if action == "answer":
        clarification = get_object_or_404(Clarification, pk=_int(request.POST.get("clarification")), bid=item)
        form = AnswerForm(request.POST, prefix=f"answer-{clarification.pk}")
        context["answer_forms"][clarification.pk] = form
        if not form.is_valid():
            return 400
        return _run(request, form, lambda: bid_services.clarification_answer(
            actor=actor, clarification=clarification, answer=form.cleaned_data["answer"]),
            _("Your answer is sent."))
    if action == "clarify":
        form = context["clarify_form"] = ClarifyForm(request.POST, prefix="clarify")
        if not form.is_valid():
            return 400
        return _run(request, form, lambda: bid_services.clarification_ask(
            actor=actor, bid=item, question=form.cleaned_data["question"]),
            _("The question is sent to the team."))
    messages.error(request, _("This action does not exist."))
    return 400


def _int(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < number < 2**31:
        raise Http404
    return number


def _save_and_maybe_submit(actor: Any, item: Bid, action: str, data: dict[str, Any]) -> None:
    with transaction.atomic():
        saved = bid_services.bid_save(actor=actor, bid=item, **data)
        if action == "submit":
            bid_services.bid_submit(actor=actor, bid=saved)


def _run(request: HttpRequest, form: Any, call: Any, success: str) -> int:
    """Call the service; on a refusal show it on `form` (or above it) and answer 400 / 409."""
    try:
        call()
    except ValidationError as error:
        status = 409 if isinstance(error, InvalidTransition) else 400
        if form is not None and form.is_bound and hasattr(form, "add_error"):
            add_validation_errors(form, error)
        elif form is not None and form.is_bound:  # a formset: the refusal goes above it
            form._non_form_errors = form.error_class(error.messages)
        else:
            messages.error(request, " ".join(error.messages))
        return status
    messages.success(request, success)
    return 302


@login_required
@require_GET
def bid_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors_bids.bid_for(request.user, pk)
    response = HttpResponse(bid_pdf.bid_copy(item), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{bid_pdf.filename(item)}"'
    return response


@login_required
@require_GET
def bid_document(request: HttpRequest, pk: int, document: int) -> FileResponse:
    """A document of the bid, for its team and the officers who may open the bid (never served directly)."""
    item = selectors_bids.bid_for(request.user, pk)
    doc = get_object_or_404(BidDocument, pk=document, bid=item)
    return FileResponse(doc.file.open("rb"), content_type="application/pdf", as_attachment=True,
                        filename=f"{item.reference}-{doc.pk}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Accept or decline an invitation to a team: the signed-in account must own the invited email."""
    member = selectors_bids.invitation_for(token)
    owner = bid_services.owns_email(request.user, member.email)
    status = 200 if owner else 403
    if request.method == "POST":
        if not owner:
            raise PermissionDenied("challenges.member_respond")
        choice = request.POST.get("action", "")
        if choice not in ("accept", "decline"):
            messages.error(request, _("This action does not exist."))
            status = 400
        else:
            try:
                bid_services.member_respond(actor=_user(request), member=member, accept=choice == "accept")
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                status = 409
            else:
                if choice == "accept":
                    messages.success(request, _("You joined the team."))
                    return redirect(member.bid.get_absolute_url())
                messages.success(request, _("You declined the invitation."))
                return redirect("challenges:my_bids")
    return render(request, "challenges/bids/invitation.html", {"member": member, "bid": member.bid,
                                                               "owner": owner}, status=status)


@login_required
@require_GET
def my_bids(request: HttpRequest) -> HttpResponse:
    return render(request, "challenges/bids/mine.html", {
        "bids": list(selectors_bids.my_bids(request.user)[:200]),
        "invitations": list(selectors_bids.my_invitations(request.user)[:200])})


@login_required
@require_http_methods(["GET", "POST"])
def challenge_bids(request: HttpRequest, code: str) -> HttpResponse:
    """The officers' list of a challenge's bids: while sealed, only the count (and the emergency opening, by
    reference, with a reason); after the deadline, the list."""
    require(request.user, "challenges.panel_view")
    challenge = _by_code(code)
    sealed = challenge.is_sealed
    unseal_form = UnsealForm()
    status = 200
    if request.method == "POST":
        target = get_object_or_404(Bid, pk=_int(request.POST.get("bid")), challenge=challenge)
        unseal_form = UnsealForm(request.POST)
        if unseal_form.is_valid():
            try:
                bid_services.bid_unseal(actor=_user(request), bid=target, reason=unseal_form.cleaned_data["reason"])
            except ValidationError as error:
                status = _refusal(unseal_form, error)
            else:
                messages.success(request, _("The bid is opened; the team is told why."))
                return redirect(target.get_absolute_url())
        else:
            status = 400
    context: dict[str, Any] = {"challenge": challenge, "sealed": sealed, "unseal_form": unseal_form,
                               "count": selectors_bids.sealed_count(challenge)}
    if sealed:
        context["sealed_bids"] = list(Bid.objects.filter(challenge=challenge, status=BidStatus.SUBMITTED)
                                      .select_related("challenge").only("pk", "unsealed_at", "challenge__code")
                                      .order_by("id"))
    else:
        context["bids"] = list(selectors_bids.challenge_bids(challenge))
    context["officer"] = is_officer(request.user)
    return render(request, "challenges/bids/officer_list.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("challenges/<str:code>/bid/", bid_start, name="bid_start"),
    path("bids/<int:pk>/", bid, name="bid"),
    path("bids/<int:pk>/pdf/", bid_pdf_view, name="bid_pdf"),
    path("bids/<int:pk>/documents/<int:document>/", bid_document, name="bid_document"),
    path("bids/invitations/<uuid:token>/", invitation, name="invitation"),
    path("my-bids/", my_bids, name="my_bids"),
    path("research/challenges/<str:code>/bids/", challenge_bids, name="challenge_bids"),
]
