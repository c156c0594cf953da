"""Topic solicitation pages: the public list and a topic (supports, comments), propose and edit a draft, my
topics, and the research officers' screening queue (the buttons are the workflow's available transitions)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hetao.accounts.models import User
from hetao.core.forms import add_validation_errors
from hetao.core.permissions import can, require
from hetao.core.workflow import InvalidTransition

from . import selectors, services
from .forms import CommentForm, ScreenForm, TopicFilterForm, TopicForm
from .models import Status, Topic
from .workflow import TOPIC


def _signed_in(request: HttpRequest) -> User:
    """The signed-in user (the views below are behind login_required)."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return user


def _actions(user, topic: Topic) -> dict:
    return {t.action: t for t in TOPIC.available(user, topic)}


@require_GET
def topics(request: HttpRequest) -> HttpResponse:
    form = TopicFilterForm(request.GET or None)
    direction = status = ""
    if form.is_valid():
        direction = form.cleaned_data["direction"].code if form.cleaned_data["direction"] else ""
        status = form.cleaned_data["status"]
    page = Paginator(selectors.public_topics(direction=direction, status=status), 20).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in (("direction", direction), ("status", status)) if v)
    return render(request, "challenges/topics.html", {"form": form, "page": page, "query": query,
                                                      "may_propose": can(request.user, "challenges.propose"),
                                                      "may_screen": can(request.user, "challenges.screen")})


@require_http_methods(["GET", "POST"])
def topic(request: HttpRequest, pk: int) -> HttpResponse:
    """A topic: its supports against the threshold and its comments; signed-in people support and comment."""
    item = selectors.topic_for(request.user, pk)
    comment_form = CommentForm()
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        action = request.POST.get("action", "")
        try:
            if action == "support":
                services.topic_support(actor=request.user, topic=item)
                messages.success(request, _("Thank you: your support is counted."))
            elif action == "withdraw":
                services.topic_support_withdraw(actor=request.user, topic=item)
                messages.success(request, _("Your support is withdrawn."))
            elif action == "comment":
                comment_form = CommentForm(request.POST)
                if comment_form.is_valid():
                    services.topic_comment(actor=request.user, topic=item, body=comment_form.cleaned_data["body"])
                    messages.success(request, _("Your comment is published."))
                else:
                    status = 400
            else:
                messages.error(request, _("This action does not exist."))
                status = 400
        except ValidationError as error:
            if action == "comment":
                add_validation_errors(comment_form, error)
            else:
                messages.error(request, " ".join(error.messages))
            status = 400
        if status == 200:
            return redirect(item.get_absolute_url())
        item = selectors.topic_for(request.user, pk)
    return render(request, "challenges/topic.html", {
        "topic": item, **selectors.topic_page(request.user, item), "comment_form": comment_form,
        "may_support": can(request.user, "challenges.support", item),
        "may_comment": can(request.user, "challenges.comment", item),
        "actions": _actions(request.user, item)}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest) -> HttpResponse:
    require(request.user, "challenges.propose")
    form = TopicForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.topic_propose(actor=_signed_in(request), **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Your draft is saved. Submit it when it is ready."))
            return redirect("challenges:edit", pk=made.pk)
    return render(request, "challenges/edit.html", {"form": form, "topic": None},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The proposer's draft (save, submit) or, from submission on, an officer's edit."""
    item = selectors.topic_for(request.user, pk)
    actions = _actions(request.user, item)
    if not ({"save", "edit"} & set(actions)):
        raise PermissionDenied("challenges.edit")
    form = TopicForm(request.POST or None, instance=item, user=request.user)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action not in ("save", "submit", "edit"):
            return HttpResponse(status=400)
        if form.is_valid():
            try:
                with transaction.atomic():
                    item = services.topic_save(actor=_signed_in(request), topic=item, **form.cleaned_data)
                    if action == "submit":
                        item = services.topic_submit(actor=_signed_in(request), topic=item)
            except InvalidTransition as error:
                add_validation_errors(form, error)
                status = 409
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("The topic is submitted to the research management department.")
                                 if action == "submit" else _("Your changes are saved."))
                if action == "submit":
                    return redirect("challenges:mine")
                return redirect("challenges:edit", pk=item.pk)
        status = status if status != 200 else 400
    return render(request, "challenges/edit.html", {"form": form, "topic": item, "actions": actions},
                  status=status)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "challenges/mine.html", {"topics": selectors.my_topics(request.user)[:200]})


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    require(request.user, "challenges.screen")
    tab = Status.ACCEPTED if request.GET.get("tab") == Status.ACCEPTED else Status.SUBMITTED
    return render(request, "challenges/queue.html", {"tab": tab,
                                                     "topics": selectors.screening_queue(status=tab)[:200]})


@login_required
@require_http_methods(["GET", "POST"])
def screen(request: HttpRequest, pk: int) -> HttpResponse:
    """An officer's decision on a topic: the buttons are exactly TOPIC.available() (accept, merge, decline,
    publish)."""
    require(request.user, "challenges.screen")
    item = selectors.topic_for(request.user, pk)
    actions = _actions(request.user, item)
    form = ScreenForm(request.POST or None, targets=selectors.merge_targets(item))
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if form.is_valid():
            try:
                if action == "publish":
                    services.topic_publish(actor=_signed_in(request), topic=item)
                else:
                    services.topic_screen(actor=_signed_in(request), topic=item, action=action,
                                          reason=form.cleaned_data["reason"],
                                          merged_into=form.cleaned_data["merged_into"])
            except InvalidTransition as error:
                add_validation_errors(form, error)
                status = 409
            except ValidationError as error:
                add_validation_errors(form, error)
                status = 400
            else:
                messages.success(request, _("The decision is recorded and the proposer is notified."))
                return redirect("challenges:queue")
        else:
            status = 400
    decisions = [actions[a] for a in ("accept", "merge", "decline", "publish") if a in actions]
    return render(request, "challenges/screen.html", {"topic": item, "form": form, "decisions": decisions,
                                                      "actions": actions}, status=status)
