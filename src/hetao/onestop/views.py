"""Pages of one network: catalogue, eligibility, multi-page forms with drafts, check answers, submission,
my applications, officer queues and decisions, files, receipts and letters."""

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hetao.core.params import int_param, optional_int_param
from hetao.core.permissions import can, require
from hetao.registry.models import Organisation

from . import formdef, pdf, selectors, services
from .forms import QueueFilterForm
from .models import DECIDED_STATUSES, Application, Category, Service, Status, StoredDocument
from .workflow import APPLICATION, DECISIONS


def actions_for(user, application: Application) -> dict:
    """The workflow's transitions this user may take now, by action (APPLICATION.available): the buttons a page
    shows, in the table's order."""
    return {t.action: t for t in APPLICATION.available(user, application)}

# ── Catalogue ────────────────────────────────────────────────────────────────────────────────────────


@require_GET
def catalogue(request):
    q = request.GET.get("q", "").strip()[:100]
    category = request.GET.get("category", "")
    services_ = selectors.catalogue(q=q, category=category if category in Category.values else "")
    return render(request, "onestop/catalogue.html", {
        "services": services_, "q": q, "category": category, "categories": Category.choices})


@require_http_methods(["GET", "POST"])
def service(request, code: str):
    svc = get_object_or_404(Service.objects.select_related("current_version"), code=code, published=True)
    if svc.current_version is None:  # published but never given a version: not on offer (nor can it be started)
        raise Http404
    definition = svc.current_version.definition
    failed, replies = [], {}
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        replies = {q["id"]: request.POST.get(q["id"], "") for q in definition.get("eligibility", [])}
        unanswered = [q for q in definition.get("eligibility", []) if not replies[q["id"]]]
        failed = [_("Answer every question.")] if unanswered else formdef.check_eligibility(definition, replies)
        if not failed:
            organisation = None
            if svc.applicant == Service.Applicant.ORGANISATION_ADMIN:
                organisation = Organisation.objects.filter(slug=request.POST.get("organisation", "")).first()
            try:
                application = services.application_start(actor=request.user, service=svc, organisation=organisation)
            except ValidationError as error:
                failed = error.messages
            else:
                return redirect("onestop:page", pk=application.pk, index=0)
    admin_of = []
    if request.user.is_authenticated and svc.applicant == Service.Applicant.ORGANISATION_ADMIN:
        memberships = request.user.memberships.filter(role="admin").select_related("organisation")
        admin_of = [m.organisation for m in memberships]
    return render(request, "onestop/service.html", {
        "service": svc, "definition": definition, "failed": failed, "replies": replies, "admin_of": admin_of,
        "eligibility": [(q, formdef.text(q["question"])) for q in definition.get("eligibility", [])],
        "materials": [formdef.text(m) for m in definition.get("materials", [])],
        "guidance": formdef.text(definition.get("guidance")),
        "steps": [formdef.text(s["title"]) for s in definition.get("steps", [])],
    }, status=400 if failed else 200)


# ── Applicant: the form ──────────────────────────────────────────────────────────────────────────────


def _own(request, pk: int) -> Application:
    application = get_object_or_404(Application.objects.select_related("service_version__service"), pk=pk)
    if application.applicant_id != request.user.pk:
        raise Http404
    return application


def _row_change(post, groups: list[dict], rows: dict[str, int]) -> tuple[dict, dict[str, int], str] | None:
    """A click on "Add another" or "Remove" in a repeatable group: the answers as typed (rows renumbered after a
    removal), the new row counts, and the name of the field to focus; None for any other submission."""
    known = {g["id"]: g for g in groups}
    typed = {k: v if len(v) > 1 else v[0] for k, v in post.lists() if k != "csrfmiddlewaretoken"}
    if post.get("add_row") in known:
        group = known[post["add_row"]]
        new = rows[group["id"]]
        rows = {**rows, group["id"]: min(new + 1, group.get("max_items", formdef.MAX_GROUP_ITEMS))}
        first = group.get("fields", [{}])[0].get("id", "")
        return typed, rows, f"{group['id']}__{new}__{first}"
    if post.get("remove_row"):
        group_id, _sep, row = post["remove_row"].partition(":")
        if group_id not in known:
            return None
        removed = int_param({"row": row}, "row", maximum=formdef.MAX_GROUP_ITEMS)
        prefix = f"{group_id}__"
        renumbered = {}
        for key, value in typed.items():
            number, _sep, sub = key[len(prefix):].partition("__")
            if not key.startswith(prefix) or not number.isdigit() or not sub:
                renumbered[key] = value
            elif int(number) != removed:
                renumbered[f"{prefix}{int(number) - (int(number) > removed)}__{sub}"] = value
        rows = {**rows, group_id: max(1, rows[group_id] - 1)}
        first = known[group_id].get("fields", [{}])[0].get("id", "")
        return renumbered, rows, f"{group_id}__{min(removed, rows[group_id] - 1)}__{first}"
    return None


def _names(form, prefix: str) -> list[str]:
    """The form fields that collect one answer (a money answer has an amount and a currency, …)."""
    return [name for name in form.fields if name == prefix or name.startswith(f"{prefix}__")]


def _layout(form) -> list[dict]:
    """The page in order: single answers, and each repeatable group as one block of numbered rows with its own
    add and remove controls. A row's sub-field keeps its own "required" (checked once the row is used)."""
    blocks: list[dict[str, Any]] = []
    for spec in form.specs:
        if spec["type"] != "group":
            blocks.append({"fields": [form[name] for name in _names(form, spec["id"])]})
            continue
        subs = spec.get("fields", [])
        rows: list[dict[str, Any]] = []
        while subs and _names(form, f"{spec['id']}__{len(rows)}__{subs[0]['id']}"):
            n, fields = len(rows), []
            for sub in subs:
                for name in _names(form, f"{spec['id']}__{n}__{sub['id']}"):
                    if sub.get("required"):
                        form.fields[name].widget.attrs["aria-required"] = "true"
                    fields.append(form[name])
            rows.append({"index": n, "number": n + 1, "fields": fields})
        blocks.append({"group": spec, "label": formdef.text(spec.get("label")), "help": formdef.text(spec.get("help")),
                       "item": formdef.text(spec.get("item_label")), "rows": rows,
                       "can_add": len(rows) < spec.get("max_items", formdef.MAX_GROUP_ITEMS)})
    return blocks


@login_required
@require_http_methods(["GET", "POST"])
def page(request, pk: int, index: int):
    application = _own(request, pk)
    if not APPLICATION.allowed(request.user, application, "save"):
        return redirect("onestop:mine_detail", reference=application.reference)
    pages = application.definition["pages"]
    if index >= len(pages):
        raise Http404
    spec = pages[index]
    locker = request.user.stored_documents.all()
    group_specs = [f for f in spec.get("fields", []) if f["type"] == "group"]
    groups = {f["id"]: optional_int_param(request.POST, f"{f['id']}__rows", maximum=formdef.MAX_GROUP_ITEMS)
              or max(1, len(application.data.get(f["id"]) or [])) for f in group_specs}
    change = _row_change(request.POST, group_specs, groups) if request.method == "POST" else None
    if change:  # add or remove a row: the page again with the answers as typed, not checked yet
        typed, groups, focus = change
        form = formdef.PageForm(spec, answers=application.data, locker=locker, rows=groups, initial=typed)
        if focus in form.fields:
            form.fields[focus].widget.attrs["autofocus"] = True
    else:
        form = formdef.PageForm(spec, answers=application.data, locker=locker, rows=groups,
                                data=request.POST if request.method == "POST" else None,
                                files=request.FILES if request.method == "POST" else None,
                                initial=formdef.form_data_from_answers(spec, application.data))
    if request.method == "POST" and not change:
        if form.is_valid():
            cleaned = form.cleaned_data
            files = {f["id"]: (cleaned.get(f"{f['id']}__upload"), cleaned.get(f"{f['id']}__existing"))
                     for f in form.specs if f["type"] == "file"}
            try:
                services.application_save_page(actor=request.user, application=application,
                                               page_answers=form.answers_from_cleaned(), files=files)
            except ValidationError as error:
                for field, errors in getattr(error, "message_dict", {"__all__": error.messages}).items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                if request.htmx and request.POST.get("autosave"):
                    return HttpResponse(_("Draft saved."))
                if request.POST.get("leave"):
                    messages.success(request, _("Your draft is saved. Continue any time from My applications."))
                    return redirect("onestop:mine")
                if index + 1 < len(pages):
                    return redirect("onestop:page", pk=pk, index=index + 1)
                return redirect("onestop:check", pk=pk)
        elif request.htmx and request.POST.get("autosave"):
            return HttpResponse(_("Not saved yet: some answers need attention."), status=200)
    return render(request, "onestop/page.html", {
        "application": application, "form": form, "spec": spec, "index": index, "pages": pages,
        "title": formdef.text(spec.get("title")), "blocks": _layout(form),
        "returned": application.transitions.filter(to_status=Status.RETURNED).last()
        if application.status == Status.RETURNED else None,
    }, status=400 if form.is_bound and form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def check(request, pk: int):
    application = _own(request, pk)
    actions = actions_for(request.user, application)
    send = actions.get("submit") or actions.get("resubmit")
    if send is None:
        return redirect("onestop:mine_detail", reference=application.reference)
    errors = formdef.validate_all(application.definition, application.data)
    if request.method == "POST":
        try:
            application = services.application_submit(actor=request.user, application=application,
                                                      consent=bool(request.POST.get("consent")))
        except ValidationError as error:
            errors = getattr(error, "message_dict", {"__all__": error.messages})
        else:
            return redirect("onestop:confirmation", reference=application.reference)
    return render(request, "onestop/check.html", {
        "application": application, "errors": errors, "send": send,
        "answers": selectors.answer_rows(application), "pages": application.definition["pages"],
    }, status=400 if errors and request.method == "POST" else 200)


@login_required
@require_GET
def confirmation(request, reference: str):
    application = get_object_or_404(Application, reference=reference, applicant=request.user)
    return render(request, "onestop/confirmation.html", {"application": application})


# ── Applicant: my applications ───────────────────────────────────────────────────────────────────────


@login_required
@require_GET
def mine(request):
    return render(request, "onestop/mine.html", {"applications": selectors.my_applications(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def mine_detail(request, reference: str):
    application = get_object_or_404(Application.objects.select_related("service_version__service"),
                                     reference=reference)
    require(request.user, "onestop.view", application)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "withdraw":
                services.application_withdraw(actor=request.user, application=application)
                messages.success(request, _("Your application is withdrawn."))
            elif action == "rate":
                services.rating_give(actor=request.user, application=application,
                                     score=optional_int_param(request.POST, "score") or 0,
                                     comment=request.POST.get("comment", ""))
                messages.success(request, _("Thank you for rating this service."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("onestop:mine_detail", reference=reference)
    return render(request, "onestop/mine_detail.html", {
        "application": application, "answers": selectors.answer_rows(application),
        "timeline": selectors.timeline(application, officer=False),
        "actions": actions_for(request.user, application),
        "may_rate": application.status in DECIDED_STATUSES and can(request.user, "onestop.rate", application),
    })


@login_required
@require_GET
def receipt(request, reference: str):
    application = get_object_or_404(Application, reference=reference)
    require(request.user, "onestop.view", application)
    return _pdf(pdf.receipt(application), f"{reference}-receipt.pdf")


@login_required
@require_GET
def letter(request, reference: str):
    application = get_object_or_404(Application, reference=reference)
    require(request.user, "onestop.view", application)
    if application.status not in (Status.APPROVED, Status.REJECTED):
        raise Http404
    return _pdf(pdf.decision_letter(application), f"{reference}-decision.pdf")


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def document(request, pk: int):
    doc = get_object_or_404(StoredDocument, pk=pk)
    if not services.may_read_document(request.user, doc):
        raise Http404  # do not even confirm the file exists
    response = FileResponse(doc.file.open("rb"), content_type=doc.content_type, as_attachment=True,
                            filename=doc.original_name)
    response["Cache-Control"] = "private, no-store"
    return response


# ── Officers ─────────────────────────────────────────────────────────────────────────────────────────


QUEUE_PAGE_ROWS = 200


@login_required
@require_GET
def queue(request):
    require(request.user, "onestop.work_queue")
    tab = request.GET.get("tab", "new")
    tab = tab if tab in selectors.QUEUE_TABS else "new"
    form = QueueFilterForm(request.GET)
    filters = form.filters()
    applications = selectors.queue(request.user, tab, filters)
    if request.GET.get("format") == "csv":
        return _queue_csv(request, applications, tab, filters)
    return render(request, "onestop/queue.html", {
        "tab": tab, "tabs": selectors.QUEUE_TABS, "applications": applications[:QUEUE_PAGE_ROWS],
        "counts": selectors.queue_counts(request.user), "form": form, "filters": filters,
        "ignored": form.ignored(), "today": timezone.localdate(), "page_rows": QUEUE_PAGE_ROWS,
        "export_query": request.GET.urlencode(),
    })


def _cell(value) -> str:
    """A spreadsheet cell that is never read as a formula (applicants choose their names)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _queue_csv(request, applications, tab: str, filters: dict) -> StreamingHttpResponse:
    """The queue view as CSV (UTF-8 with a byte-order mark, so spreadsheets read Chinese), streamed."""
    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())
    header = [_("Reference"), _("Service"), _("Applicant"), _("Organisation"), _("Status"), _("Submitted"),
              _("Step due"), _("Committed decision date"), _("Decided"), _("Officer")]

    def date(value):
        return timezone.localtime(value).date().isoformat() if value else ""

    def rows():
        yield "\ufeff" + writer.writerow(header)
        for a in applications.iterator(chunk_size=500):
            yield writer.writerow([_cell(v) for v in (
                a.reference, a.service.name, a.applicant, a.organisation.name if a.organisation else "",
                a.get_status_display(), date(a.submitted_at), a.step_due.isoformat() if a.step_due else "",
                a.due_date.isoformat() if a.due_date else "", date(a.decided_at), a.assigned_to or "")])

    services.queue_exported(actor=request.user, tab=tab, filters=filters)
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="work-queue-{tab}-{timezone.localdate().isoformat()}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def review(request, reference: str):
    application = get_object_or_404(
        Application.objects.select_related("service_version__service", "applicant", "organisation"),
        reference=reference)
    require(request.user, "onestop.view", application)
    if application.applicant_id == request.user.pk:
        return redirect("onestop:mine_detail", reference=reference)
    error, conflict = None, False
    if request.method == "POST":
        expected = int_param(request.POST, "version")
        try:
            if request.POST.get("action") in ("claim", "assign"):
                assignee = None
                if request.POST.get("action") == "assign":
                    assignee = get_user_model().objects.filter(pk=int_param(request.POST, "assignee")).first()
                    if assignee is None:
                        raise ValidationError(_("Choose an officer of the department of this step."))
                services.application_claim(actor=request.user, application=application, expected_version=expected,
                                           assignee=assignee)
            else:
                services.application_decide(actor=request.user, application=application,
                                            action=request.POST.get("action", ""),
                                            comment=request.POST.get("comment", ""),
                                            internal_note=request.POST.get("internal_note", ""),
                                            expected_version=expected)
        except services.Conflict as exc:  # typed: never recognised by its (translated) text
            error, conflict = " ".join(exc.messages), True
            application.refresh_from_db()
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Done."))
            return redirect("onestop:review", reference=reference)
    timeline = selectors.timeline(application, officer=True)
    is_open = application.status in (Status.SUBMITTED, Status.IN_REVIEW)
    days_left = selectors.working_days_left(application) if is_open else None
    actions = actions_for(request.user, application)
    return render(request, "onestop/review.html", {
        "application": application, "answers": selectors.answer_rows(application),
        "timeline": timeline, "error": error, "is_open": is_open,
        "last": timeline[-1] if timeline else None,
        "decided": application.status in DECIDED_STATUSES,
        "actions": actions, "decisions": [t for action, t in actions.items() if action in DECISIONS],
        "step": formdef.text((application.current_step or {}).get("title")) if is_open else "",
        "days_left": days_left, "days_overdue": -(days_left or 0),
        "officers": get_user_model().objects.filter(
            staff_roles__department__code=application.current_department, is_active=True).distinct(),
    }, status=409 if conflict else (400 if error else 200))


@require_GET
def figures(request):
    """Public: how each service performs (no personal data), as Shanghai's 一网通办 publishes."""
    rows = selectors.service_figures()
    return render(request, "onestop/figures.html", {
        "rows": rows, "chart_data": {"applications_per_month": selectors.months_chart(rows)}})
