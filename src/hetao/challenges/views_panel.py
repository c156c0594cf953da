"""Pages of the panel: the officers' expert pool (with the invitation form), the expert's own page, the computed
conflicts of a challenge, the assignment (propose → inspect and swap → deploy), and the expert's declaration.

The declaration page is blind: before declaring, the expert sees only the bid's reference, the challenge and the
bid's summary, never the team's names, organisation, members or emails. Teams never see who reviewed them."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hetao.core.forms import add_validation_errors
from hetao.core.permissions import can, require
from hetao.core.workflow import InvalidTransition

from . import selectors_panel as selectors
from .forms_panel import ConflictForm, DeclareForm, InviteForm, PoolFilterForm, ProfileForm, SwapForm
from .models import AssignmentRun, Bid, BidStatus, Declaration, Expert, ExpertStatus, RunStatus
from .services import panel as panel_services
from .views import _signed_in


def _refused(request: HttpRequest, error: ValidationError, form: Any = None) -> int:
    """Show a service's refusal; 409 for a state conflict, else 400."""
    if form is not None:
        add_validation_errors(form, error)
    else:
        messages.error(request, " ".join(error.messages))
    return 409 if isinstance(error, InvalidTransition) else 400


@login_required
@require_http_methods(["GET", "POST"])
def experts(request: HttpRequest) -> HttpResponse:
    """The pool, with filters, and the form inviting a registry person with an account."""
    require(request.user, "challenges.manage_experts")
    filters = PoolFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    invite = InviteForm(request.POST or None, users=selectors.invitable_users())
    status = 200
    if request.method == "POST":
        if invite.is_valid():
            try:
                panel_services.expert_invite(actor=_signed_in(request), **invite.cleaned_data)
            except ValidationError as error:
                status = _refused(request, error, invite)
            else:
                messages.success(request, _("The invitation is sent."))
                return redirect("challenges:experts")
        else:
            status = 400
    pool = selectors.pool(region=chosen.get("region", ""), sector=chosen.get("sector", ""),
                          availability=chosen.get("availability", ""), status=chosen.get("status", ""))[:500]
    return render(request, "challenges/panel/experts.html", {"filters": filters, "invite": invite, "pool": pool},
                  status=status)


@login_required
@require_http_methods(["GET", "POST"])
def expert_home(request: HttpRequest) -> HttpResponse:
    """The expert's own page: answer the invitation, keep the profile, and the deployed assignments."""
    expert = selectors.expert_of(request.user)
    form = ProfileForm(instance=expert) if expert is not None else None
    status = 200
    if request.method == "POST":
        if expert is None:
            raise PermissionDenied("challenges.expert_profile")
        action = request.POST.get("action", "")
        try:
            if action in ("accept", "decline"):
                panel_services.expert_respond(actor=_signed_in(request), expert=expert, accept=action == "accept")
                messages.success(request, _("Welcome to the pool of experts.") if action == "accept"
                                 else _("You declined the invitation."))
                return redirect("challenges:expert_home")
            if action == "profile":
                form = ProfileForm(request.POST, instance=Expert.objects.get(pk=expert.pk))
                if form.is_valid():
                    panel_services.expert_profile_save(actor=_signed_in(request), expert=expert,
                                                       **{f: form.cleaned_data[f] for f in form.Meta.fields})
                    messages.success(request, _("Your profile is saved."))
                    return redirect("challenges:expert_home")
                status = 400
            else:
                messages.error(request, _("This action does not exist."))
                status = 400
        except ValidationError as error:
            status = _refused(request, error, form if action == "profile" else None)
        expert = selectors.expert_of(request.user)
    assignments = list(selectors.my_assignments(expert)) if expert is not None else []
    return render(request, "challenges/panel/expert_home.html", {
        "expert": expert, "form": form, "assignments": assignments,
        "invited": expert is not None and expert.status == ExpertStatus.INVITED}, status=status)


def _review_url(assignment_pk: int) -> str | None:
    try:
        return reverse("challenges:review", kwargs={"pk": assignment_pk})
    except NoReverseMatch:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def declare(request: HttpRequest, pk: int) -> HttpResponse:
    """The expert declares "no conflict" (the review opens) or "conflict" with a reason. Blind: only the bid's
    reference, its challenge and summary are shown."""
    assignment = selectors.assignment_for_expert(request.user, pk)
    require(request.user, "challenges.declare", assignment)
    form = DeclareForm(request.POST or None)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ("no_conflict", "conflict"):
            messages.error(request, _("This action does not exist."))
            status = 400
        elif form.is_valid():
            try:
                panel_services.assignment_declare(actor=_signed_in(request), assignment=assignment,
                                                  conflict=action == "conflict",
                                                  reason=form.cleaned_data["reason"])
            except ValidationError as error:
                status = _refused(request, error, form)
            else:
                if action == "conflict":
                    messages.success(request, _("Thank you: the officers are told and will assign someone else."))
                    return redirect("challenges:expert_home")
                messages.success(request, _("Thank you: the review is open."))
                return redirect(_review_url(assignment.pk) or reverse("challenges:expert_home"))
        else:
            status = 400
        assignment = selectors.assignment_for_expert(request.user, pk)
    return render(request, "challenges/panel/declare.html", {
        "assignment": assignment, "bid": assignment.bid, "challenge": assignment.bid.challenge, "form": form,
        "pending": assignment.declaration == Declaration.PENDING,
        "review_url": _review_url(assignment.pk) if assignment.declaration == Declaration.NO_CONFLICT else None},
        status=status)


@login_required
@require_http_methods(["GET", "POST"])
def conflicts(request: HttpRequest, code: str) -> HttpResponse:
    """The computed conflicts of a challenge's bids, with reasons; officers add or lift one with a reason."""
    require(request.user, "challenges.manage_experts")
    challenge = selectors.challenge_by_code(code)
    bids = (Bid.objects.filter(challenge=challenge).exclude(status__in=(BidStatus.DRAFT, BidStatus.WITHDRAWN))
            .select_related("challenge"))
    if challenge.is_sealed:
        bids = bids.none()
    pool = Expert.objects.filter(status=ExpertStatus.ACTIVE).select_related("person")
    form = ConflictForm(request.POST or None, bids=bids, experts=pool)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            service = panel_services.conflict_add if data["effect"] == "add" else panel_services.conflict_lift
            try:
                service(actor=_signed_in(request), bid=data["bid"], expert=data["expert"], reason=data["reason"])
            except ValidationError as error:
                status = _refused(request, error, form)
            else:
                messages.success(request, _("The decision is recorded."))
                return redirect("challenges:conflicts", code=challenge.code)
        else:
            status = 400
    sealed = challenge.is_sealed  # before the deadline officers see no bid (only the count, elsewhere)
    return render(request, "challenges/panel/conflicts.html", {
        "challenge": challenge, "sealed": sealed, "rows": [] if sealed else selectors.conflict_table(challenge),
        "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def assignment(request: HttpRequest, code: str) -> HttpResponse:
    """Propose, inspect (affinity, quota coverage, loads, the gap to the bound), swap by hand, deploy."""
    challenge = selectors.challenge_by_code(code)
    require(request.user, "challenges.assign", challenge)
    runs = selectors.latest_runs(challenge)
    status = 200
    swap = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "propose":
                panel_services.assignment_propose(actor=_signed_in(request), challenge=challenge)
                messages.success(request, _("A new assignment is proposed: inspect it, then deploy it."))
                return redirect("challenges:assignment", code=challenge.code)
            run_pk = request.POST.get("run", "")
            run = get_object_or_404(AssignmentRun, pk=int(run_pk) if run_pk.isdigit() else 0, challenge=challenge)
            if action == "deploy":
                panel_services.assignment_deploy(actor=_signed_in(request), run=run)
                messages.success(request, _("The assignment is deployed and the experts are notified."))
                return redirect("challenges:assignment", code=challenge.code)
            if action == "swap":
                swap = SwapForm(request.POST, bids=Bid.objects.filter(challenge=challenge).select_related("challenge"),
                                experts=Expert.objects.select_related("person"))
                if swap.is_valid():
                    panel_services.assignment_swap(actor=_signed_in(request), run=run, bid=swap.cleaned_data["bid"],
                                                   remove=swap.cleaned_data["remove"], add=swap.cleaned_data["add"])
                    messages.success(request, _("The experts are swapped."))
                    return redirect("challenges:assignment", code=challenge.code)
                status = 400
            else:
                messages.error(request, _("This action does not exist."))
                status = 400
        except ValidationError as error:
            status = _refused(request, error, swap)
        runs = selectors.latest_runs(challenge)
    proposed = selectors.run_table(runs["proposed"]) if runs["proposed"] is not None else None
    deployed = selectors.run_table(runs["deployed"]) if runs["deployed"] is not None else None
    if swap is None and proposed is not None:
        swap = SwapForm(bids=Bid.objects.filter(pk__in=[r.bid.pk for r in proposed.rows]).select_related("challenge"),
                        experts=Expert.objects.filter(pk__in=[e.pk for e in proposed.experts])
                        .select_related("person"))
    return render(request, "challenges/panel/assignment.html", {
        "challenge": challenge, "proposed": proposed, "deployed": deployed, "swap": swap,
        "may_propose": can(request.user, "challenges.assign", challenge) and deployed is None,
        "RunStatus": RunStatus}, status=status)


urlpatterns: list[URLPattern] = [
    path("research/experts/", experts, name="experts"),
    path("research/challenges/<str:code>/assignment/", assignment, name="assignment"),
    path("research/challenges/<str:code>/conflicts/", conflicts, name="conflicts"),
    path("expert/", expert_home, name="expert_home"),
    path("expert/assignments/<int:pk>/declare/", declare, name="declare"),
]
