"""Pages of one network: catalogue, eligibility, multi-page forms with drafts, check answers, submission,
my applications, officer queues and decisions, files, receipts and letters."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hetao.accounts.permissions import can, require
from hetao.registry.models import Organisation

from . import formdef, pdf, selectors, services
from .models import Application, Category, Service, Status, StoredDocument

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


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _int(value) -> int:
    try:
        return max(0, min(int(value or 0), formdef.MAX_GROUP_ITEMS))
    except ValueError:
        return 0


def _own(request, pk: int) -> Application:
    application = get_object_or_404(Application.objects.select_related("service_version__service"), pk=pk)
    if application.applicant_id != request.user.pk:
        raise Http404
    return application


@login_required
@require_http_methods(["GET", "POST"])
def page(request, pk: int, index: int):
    application = _own(request, pk)
    if application.status not in (Status.DRAFT, Status.RETURNED):
        return redirect("onestop:mine_detail", reference=application.reference)
    pages = application.definition["pages"]
    if index >= len(pages):
        raise Http404
    spec = pages[index]
    locker = request.user.stored_documents.all()
    groups = {f["id"]: _int(request.POST.get(f"{f['id']}__rows")) or max(1, len(application.data.get(f["id"]) or []))
              for f in spec.get("fields", []) if f["type"] == "group"}
    if request.method == "POST" and request.POST.get("add_row"):
        groups[request.POST["add_row"]] = groups.get(request.POST["add_row"], 1) + 1
    form = formdef.PageForm(spec, answers=application.data, locker=locker, rows=groups,
                            data=request.POST if request.method == "POST" else None,
                            files=request.FILES if request.method == "POST" else None,
                            initial=formdef.form_data_from_answers(spec, application.data))
    if request.method == "POST" and not request.POST.get("add_row"):
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
        "title": formdef.text(spec.get("title")), "groups": groups,
        "returned": application.transitions.filter(to_status=Status.RETURNED).last()
        if application.status == Status.RETURNED else None,
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def check(request, pk: int):
    application = _own(request, pk)
    if application.status not in (Status.DRAFT, Status.RETURNED):
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
        "application": application, "errors": errors,
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
                                     score=int(request.POST.get("score") or 0), comment=request.POST.get("comment", ""))
                messages.success(request, _("Thank you for rating this service."))
        except (ValidationError, ValueError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("onestop:mine_detail", reference=reference)
    return render(request, "onestop/mine_detail.html", {
        "application": application, "answers": selectors.answer_rows(application),
        "timeline": selectors.timeline(application, officer=False),
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


@login_required
@require_GET
def queue(request):
    require(request.user, "onestop.work_queue")
    tab = request.GET.get("tab", "new")
    return render(request, "onestop/queue.html", {
        "tab": tab, "tabs": selectors.QUEUE_TABS, "applications": selectors.queue(request.user, tab),
        "counts": selectors.queue_counts(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def review(request, reference: str):
    application = get_object_or_404(Application.objects.select_related("service_version__service", "applicant"),
                                     reference=reference)
    require(request.user, "onestop.view", application)
    if application.applicant_id == request.user.pk:
        return redirect("onestop:mine_detail", reference=reference)
    error = None
    if request.method == "POST":
        expected = int(request.POST.get("version", -1))
        try:
            if request.POST.get("action") in ("claim", "assign"):
                assignee = None
                if request.POST.get("action") == "assign":
                    assignee = get_user_model().objects.filter(pk=_int_or_none(request.POST.get("assignee"))).first()
                    if assignee is None or not can(assignee, "onestop.decide", application):
                        raise ValidationError(_("Choose an officer of the department of this step."))
                services.application_claim(actor=request.user, application=application, expected_version=expected,
                                           assignee=assignee)
            else:
                services.application_decide(actor=request.user, application=application,
                                            action=request.POST.get("action", ""),
                                            comment=request.POST.get("comment", ""),
                                            internal_note=request.POST.get("internal_note", ""),
                                            expected_version=expected)
        except services.Conflict as exc:
            error = exc.messages[0]
            application.refresh_from_db()
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except PermissionDenied:
            raise
        else:
            messages.success(request, _("Done."))
            return redirect("onestop:review", reference=reference)
    return render(request, "onestop/review.html", {
        "application": application, "answers": selectors.answer_rows(application),
        "timeline": selectors.timeline(application, officer=True), "error": error,
        "may_decide": can(request.user, "onestop.decide", application)
        and application.status in (Status.SUBMITTED, Status.IN_REVIEW),
        "step": formdef.text((application.current_step or {}).get("title")),
        "days_left": selectors.working_days_left(application),
        "days_overdue": -(selectors.working_days_left(application) or 0),
        "officers": get_user_model().objects.filter(
            staff_roles__department__code=application.current_department, is_active=True).distinct(),
    }, status=409 if error and "while you had it open" in error else (400 if error else 200))


@require_GET
def figures(request):
    """Public: how each service performs (no personal data), as Shanghai's 一网通办 publishes."""
    rows = selectors.service_figures()
    return render(request, "onestop/figures.html", {
        "rows": rows, "chart_data": {"applications_per_month": selectors.months_chart(rows)}})
