"""Challenge pages: the public list, a challenge (rubric, eligibility, timeline, attachments, public Q&A), its
results; and the research officers' pages (list with drafts, new from topics, edit with the rubric and the
eligibility rows, the workflow's transitions as buttons). Bad input is a 400 with the message, a transition
not allowed now a 409, never a 500."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hetao.core.forms import add_validation_errors
from hetao.core.permissions import can, require
from hetao.core.workflow import InvalidTransition

from . import selectors_calls as selectors
from .forms_calls import (
    AnswerForm,
    AttachmentForm,
    CancelForm,
    ChallengeFilterForm,
    ChallengeForm,
    CriterionFormSet,
    EligibilityFormSet,
    QuestionForm,
)
from .models import Challenge, ChallengeAttachment, ChallengeQuestion, ChallengeStatus
from .services import calls as services
from .views import _signed_in
from .workflow import CHALLENGE

# The transitions this part's pages carry out (start_defence and award belong to the review pages).
PAGE_ACTIONS = ("publish", "start_review", "cancel")


def _actions(user: Any, challenge: Challenge) -> dict[str, Any]:
    return {t.action: t for t in CHALLENGE.available(user, challenge)}


@require_GET
def challenges(request: HttpRequest) -> HttpResponse:
    form = ChallengeFilterForm(request.GET or None)
    status = 400 if form.is_bound and not form.is_valid() else 200
    filters = form.filters()
    page = Paginator(selectors.public_challenges(**filters), 20).get_page(request.GET.get("page"))
    query = urlencode({k: (v.code if hasattr(v, "code") else v) for k, v in form.cleaned_data.items()
                       if v not in (None, "")}) if form.is_bound and form.is_valid() else ""
    return render(request, "challenges/calls/list.html", {
        "form": form, "page": page, "query": query,
        "may_manage": can(request.user, "challenges.manage_calls")}, status=status)


def _detail_context(request: HttpRequest, challenge: Challenge, **extra: Any) -> dict[str, Any]:
    user = request.user
    officer = can(user, "challenges.manage_calls", challenge)
    actions = _actions(user, challenge)
    context = {
        "challenge": challenge, "questions": list(selectors.answered_questions(challenge)),
        "criteria": list(challenge.criteria.all()), "rules": list(challenge.eligibility_rules.all()),
        "attachments": list(challenge.attachments.all()), "topics": list(challenge.topics.all()),
        "officer": officer, "actions": [actions[a] for a in PAGE_ACTIONS if a in actions],
        "may_edit": "save" in actions, "may_ask": user.is_authenticated and can(user, "challenges.ask", challenge),
        "may_bid": challenge.accepting_bids, "deadline": services.deadline_text(challenge),
        "question_form": QuestionForm(), "cancel_form": CancelForm(),
        "weight_total": sum(c.weight for c in challenge.criteria.all()),
    }
    if officer:
        context["bid_count"] = selectors.bid_count(challenge)
        context["open_questions"] = [(q, AnswerForm(initial={"question_id": q.pk}))
                                     for q in selectors.open_questions(challenge)]
    context.update(extra)
    return context


@require_http_methods(["GET", "POST"])
def challenge(request: HttpRequest, code: str) -> HttpResponse:
    """A challenge; signed-in visitors ask questions while it accepts bids; officers answer them."""
    item = selectors.challenge_for(request.user, code)
    if request.method == "GET":
        return render(request, "challenges/calls/detail.html", _detail_context(request, item))
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    action = request.POST.get("action", "")
    extra: dict[str, Any] = {}
    status = 400
    try:
        if action == "ask":
            form = QuestionForm(request.POST)
            extra["question_form"] = form
            if form.is_valid():
                services.question_ask(actor=request.user, challenge=item, question=form.cleaned_data["question"])
                messages.success(request, _("Your question is sent. Its answer will be published here for all "
                                            "bidders; your name is not shown."))
                return redirect(item.get_absolute_url())
        elif action == "answer":
            require(request.user, "challenges.manage_calls", item)
            answer_form = AnswerForm(request.POST)
            if answer_form.is_valid():
                question = get_object_or_404(ChallengeQuestion, pk=answer_form.cleaned_data["question_id"],
                                             challenge=item)
                services.question_answer(actor=request.user, question=question,
                                         answer=answer_form.cleaned_data["answer"])
                messages.success(request, _("The answer is published."))
                return redirect(item.get_absolute_url())
            messages.error(request, " ".join(str(e) for errors in answer_form.errors.values() for e in errors))
        else:
            messages.error(request, _("This action does not exist."))
    except ValidationError as error:
        if action == "ask":
            add_validation_errors(extra["question_form"], error)
        else:
            messages.error(request, " ".join(error.messages))
    return render(request, "challenges/calls/detail.html", _detail_context(request, item, **extra), status=status)


@require_GET
def attachment(request: HttpRequest, code: str, pk: int) -> FileResponse:
    item = selectors.challenge_for(request.user, code)
    doc = get_object_or_404(ChallengeAttachment, pk=pk, challenge=item)
    try:
        handle = doc.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return FileResponse(handle, content_type=doc.content_type, as_attachment=True, filename=doc.original_name)


@require_GET
def results(request: HttpRequest, code: str) -> HttpResponse:
    """The winners of an awarded challenge; before the award a "not yet" page (404)."""
    item = selectors.challenge_for(request.user, code)
    if item.status != ChallengeStatus.AWARDED:
        return render(request, "challenges/calls/results.html", {"challenge": item, "awards": None}, status=404)
    return render(request, "challenges/calls/results.html", {"challenge": item, "awards": selectors.results(item)})


@login_required
@require_GET
def officer_challenges(request: HttpRequest) -> HttpResponse:
    require(request.user, "challenges.manage_calls")
    status = request.GET.get("status", "")
    items = selectors.officer_challenges(status=status)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(request, "challenges/calls/officer_list.html", {
        "page": page, "status": status if status in ChallengeStatus.values else "",
        "statuses": ChallengeStatus.choices, "query": urlencode({"status": status}) if status else ""})


def _topic_ids(raw: str) -> list[int]:
    ids = []
    for part in (raw or "").replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or len(part) > 12:
            raise ValidationError({"topics": _("Choose topics by their numbers.")})
        ids.append(int(part))
    return ids


def _rows(formset: Any) -> list[dict[str, Any]]:
    return [row for form in formset.forms if form.is_valid() and (row := form.row()) is not None]


def _formsets(request: HttpRequest, item: Challenge | None) -> tuple[Any, Any]:
    if request.method == "POST":
        return (CriterionFormSet(request.POST, prefix="criteria"), EligibilityFormSet(request.POST, prefix="rules"))
    criteria = [{"name_en": c.name_en, "name_zh_hans": c.name_zh_hans, "name_zh_hant": c.name_zh_hant,
                 "description": c.description, "weight": c.weight, "max_score": c.max_score,
                 "threshold": c.threshold} for c in (item.criteria.all() if item else [])]
    rules = [{"kind": r.kind, "text": r.text} for r in (item.eligibility_rules.all() if item else [])]
    return (CriterionFormSet(initial=criteria, prefix="criteria"), EligibilityFormSet(initial=rules, prefix="rules"))


def _render_edit(request: HttpRequest, item: Challenge | None, form: ChallengeForm, formsets: tuple[Any, Any],
                 status: int, sources: list | None = None) -> HttpResponse:
    return render(request, "challenges/calls/edit.html", {
        "challenge": item, "form": form, "criteria_formset": formsets[0], "rules_formset": formsets[1],
        "attachment_form": AttachmentForm(), "sources": sources or (list(item.topics.all()) if item else []),
        "draft": item is None or item.status == ChallengeStatus.DRAFT,
        "actions": _actions(request.user, item) if item else {}}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def challenge_new(request: HttpRequest) -> HttpResponse:
    """A new draft, optionally from topics (?topics=1,2: accepted or published), prefilled from the first."""
    require(request.user, "challenges.manage_calls")
    raw = request.POST.get("topics", "") if request.method == "POST" else request.GET.get("topics", "")
    form = ChallengeForm(request.POST or None)
    formsets = _formsets(request, None)
    topic_error = ""
    try:
        ids = _topic_ids(raw)
    except ValidationError as error:
        ids, topic_error = [], " ".join(error.messages)
    sources = list(selectors.source_topics(ids))
    if not topic_error and len(sources) != len(set(ids)):
        topic_error = _("A challenge is made only from accepted or published topics.")
    if topic_error:
        messages.error(request, topic_error)
    if request.method == "GET":
        if sources:
            first = sources[0]
            form = ChallengeForm(initial={
                "title_en": first.title_en, "title_zh_hans": first.title_zh_hans,
                "title_zh_hant": first.title_zh_hant, "problem": first.problem, "deliverables": first.outcome,
                "indicators": first.outcome, "key_direction": first.key_direction_id,
                "budget_ceiling": first.budget_amount, "currency": first.budget_currency,
                "topics": ",".join(str(t.pk) for t in sources)})
        return _render_edit(request, None, form, formsets, 400 if topic_error else 200, sources)
    status = 400
    if not topic_error and form.is_valid() and all(f.is_valid() for f in formsets):
        try:
            with transaction.atomic():
                item = services.challenge_create(actor=_signed_in(request), topics=ids, **form.service_fields())
                services.criteria_set(actor=_signed_in(request), challenge=item, criteria=_rows(formsets[0]))
                services.eligibility_set(actor=_signed_in(request), challenge=item, rules=_rows(formsets[1]))
        except InvalidTransition as error:
            add_validation_errors(form, error)
            status = 409
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("The draft challenge is saved."))
            return redirect("challenges:challenge_edit", code=item.code)
    return _render_edit(request, None, form, formsets, status, sources)


@login_required
@require_http_methods(["GET", "POST"])
def challenge_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Edit a draft (everything) or an open challenge (its wording and attachments)."""
    require(request.user, "challenges.manage_calls")
    item = selectors.challenge_for(request.user, code)
    if not CHALLENGE.allowed(request.user, item, "save"):
        if item.status in (ChallengeStatus.DRAFT, ChallengeStatus.OPEN):
            raise PermissionDenied("challenges.manage_calls")
        messages.error(request, _("This challenge can no longer be edited."))
        return render(request, "challenges/calls/detail.html", _detail_context(request, item), status=409)
    form = ChallengeForm(request.POST if request.method == "POST" and request.POST.get("action") == "save"
                         else None, instance=item)
    formsets = _formsets(request, item)
    if request.method == "GET":
        return _render_edit(request, item, form, formsets, 200)
    action = request.POST.get("action", "")
    status = 400
    if action == "attachment":
        upload_form = AttachmentForm(request.POST, request.FILES)
        if upload_form.is_valid():
            try:
                services.attachment_add(actor=_signed_in(request), challenge=item,
                                        title=upload_form.cleaned_data["title"],
                                        upload=upload_form.cleaned_data["upload"])
            except InvalidTransition as error:
                messages.error(request, " ".join(error.messages))
                status = 409
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The attachment is added."))
                return redirect("challenges:challenge_edit", code=item.code)
        else:
            messages.error(request, " ".join(str(e) for errors in upload_form.errors.values() for e in errors))
        return _render_edit(request, item, ChallengeForm(instance=item), _formsets_get(item), status)
    if action != "save":
        return HttpResponse(_("This action does not exist."), status=400)
    draft = item.status == ChallengeStatus.DRAFT
    if form.is_valid() and (not draft or all(f.is_valid() for f in formsets)):
        try:
            with transaction.atomic():
                item = services.challenge_save(actor=_signed_in(request), challenge=item, **form.service_fields())
                if draft:
                    services.criteria_set(actor=_signed_in(request), challenge=item, criteria=_rows(formsets[0]))
                    services.eligibility_set(actor=_signed_in(request), challenge=item, rules=_rows(formsets[1]))
        except InvalidTransition as error:
            add_validation_errors(form, error)
            status = 409
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("challenges:challenge_edit", code=item.code)
    item = selectors.challenge_for(request.user, code)
    return _render_edit(request, item, form, formsets, status)


def _formsets_get(item: Challenge) -> tuple[Any, Any]:
    criteria = [{"name_en": c.name_en, "name_zh_hans": c.name_zh_hans, "name_zh_hant": c.name_zh_hant,
                 "description": c.description, "weight": c.weight, "max_score": c.max_score,
                 "threshold": c.threshold} for c in item.criteria.all()]
    rules = [{"kind": r.kind, "text": r.text} for r in item.eligibility_rules.all()]
    return (CriterionFormSet(initial=criteria, prefix="criteria"), EligibilityFormSet(initial=rules, prefix="rules"))


@login_required
@require_POST
def challenge_action(request: HttpRequest, code: str) -> HttpResponse:
    """Publish, start the review or cancel: exactly the workflow's available transitions."""
    item = selectors.challenge_for(request.user, code)
    action = request.POST.get("action", "")
    cancel_form = CancelForm(request.POST)
    status = 400
    try:
        if action == "publish":
            services.challenge_publish(actor=_signed_in(request), challenge=item)
            messages.success(request, _("The challenge is open for bids."))
        elif action == "start_review":
            services.challenge_start_review(actor=_signed_in(request), challenge=item)
            messages.success(request, _("The call is closed and the blind review has started."))
        elif action == "cancel":
            reason = cancel_form.cleaned_data["reason"] if cancel_form.is_valid() else ""
            services.challenge_cancel(actor=_signed_in(request), challenge=item, reason=reason)
            messages.success(request, _("The challenge is cancelled and the bidders are told."))
        else:
            raise ValidationError(_("This action does not exist."))
    except InvalidTransition as error:
        messages.error(request, " ".join(error.messages))
        status = 409
    except ValidationError as error:
        add_validation_errors(cancel_form, error)
        messages.error(request, " ".join(error.messages))
    else:
        return redirect(item.get_absolute_url())
    item = selectors.challenge_for(request.user, code)
    return render(request, "challenges/calls/detail.html",
                  _detail_context(request, item, cancel_form=cancel_form), status=status)


urlpatterns: list[URLPattern] = [
    path("challenges/", challenges, name="challenges"),
    path("challenges/<str:code>/", challenge, name="challenge"),
    path("challenges/<str:code>/results/", results, name="results"),
    path("challenges/<str:code>/attachments/<int:pk>/", attachment, name="attachment"),
    path("research/challenges/", officer_challenges, name="officer_challenges"),
    path("research/challenges/new/", challenge_new, name="challenge_new"),
    path("research/challenges/<str:code>/edit/", challenge_edit, name="challenge_edit"),
    path("research/challenges/<str:code>/action/", challenge_action, name="challenge_action"),
]
