"""Writes of one network: drafts, submission, officer decisions, withdrawal, files, ratings, service import.

Every change of an application's state is a transition of the declared workflow (workflow.py, APPLICATION): a
service locks the row, then asks `APPLICATION.begin(actor, application, action)`, which checks the state, the
permission rule and any condition (e.g. the second sign-off by another officer). The approval steps are data
(each owned by a department). Every change the applicant can see becomes an immutable Transition, an audit event,
and a notification sent after commit.
"""

import datetime
import hashlib
import json
import re

import filetype
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hetao.accounts.models import User
from hetao.audit.models import AuditEvent
from hetao.audit.service import audit_record
from hetao.community.services import notify
from hetao.core.permissions import can, require
from hetao.core.workdays import add_working_days
from hetao.core.workflow import InvalidTransition
from hetao.core.workflow import Transition as WorkflowStep

from . import formdef
from .models import (
    DECIDED_STATUSES,
    Application,
    Rating,
    ReferenceCounter,
    Service,
    ServiceVersion,
    Status,
    StoredDocument,
    Transition,
)
from .workflow import APPLICATION, DECISIONS, awaits_first_signoff, needs_second_signoff

__all__ = [
    "escalate_overdue",
    "application_claim",
    "application_decide",
    "application_save_page",
    "application_start",
    "application_submit",
    "application_withdraw",
    "document_store",
    "queue_exported",
    "rating_give",
    "service_import",
    "service_import_as_system",
]

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ALLOWED_UPLOADS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


class Conflict(ValidationError):
    """Someone else acted on the application since this page was opened."""


def today() -> datetime.date:
    return timezone.localdate()


# ── Files (documents locker) ─────────────────────────────────────────────────────────────────────────


def _safe_name(name: str) -> str:
    stem = re.sub(r"[^\w.\-]+", "_", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip("._") or "document"
    return stem[:100]


@transaction.atomic
def document_store(*, actor: User, upload, label: str) -> StoredDocument:
    """Keep an uploaded file in the user's locker after checking what it really is (not its name)."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."), code="too_large")
    head = upload.read(2048)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_UPLOADS:
        raise ValidationError(_("Only PDF, PNG and JPEG files are accepted."), code="file_type")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = _safe_name(upload.name)
    if not name.lower().endswith("." + ALLOWED_UPLOADS[kind.mime]):
        name = f"{name}.{ALLOWED_UPLOADS[kind.mime]}"
    document = StoredDocument(owner=actor, label=label[:120] or name, original_name=name, content_type=kind.mime,
                              size=upload.size, sha256=digest.hexdigest())
    document.full_clean(exclude=["file"])
    document.file.save(name, upload, save=False)
    document.save(force_insert=True)
    return document


def may_read_document(user: User, document: StoredDocument) -> bool:
    if document.owner_id == user.pk:
        return True
    applications = Application.objects.filter(applicant=document.owner).exclude(status=Status.DRAFT)
    return any(
        can(user, "onestop.view", application)
        for application in applications.select_related("service_version")
        if any(isinstance(v, dict) and v.get("document") == document.pk for v in application.data.values())
    )


# ── Applicant ────────────────────────────────────────────────────────────────────────────────────────


def prefill(definition: dict, user: User, organisation=None) -> tuple[dict, list[str]]:
    """Answers the park already knows (submit once), and the list of fields it filled (for consent)."""
    known = {
        "user.full_name": user.get_full_name(), "user.email": user.email, "user.mobile": user.mobile,
        "person.name": user.person.name if user.person is not None else "",
        "organisation.name": organisation.name if organisation else "",
        "organisation.uscc": organisation.uscc if organisation else "",
        "organisation.hk_br": organisation.hk_br if organisation else "",
    }
    answers, used = {}, []
    for page in definition.get("pages", []):
        for spec in page.get("fields", []):
            value = known.get(spec.get("prefill", ""))
            if value:
                answers[spec["id"]] = value
                used.append(spec["id"])
    return answers, used


def _begin(actor: User, application: Application, action: str, *, message: str | None = None,
           code: str = "") -> WorkflowStep:
    """APPLICATION.begin (permission, state, condition), telling a refused state in this service's own words."""
    try:
        return APPLICATION.begin(actor, application, action)
    except InvalidTransition as exc:
        if message is not None and exc.code == "invalid_state":
            raise InvalidTransition(message, code=code) from exc
        raise


# Every field a workflow transition may change (saved by name: a transition never overwrites the answers).
WORKFLOW_FIELDS = ["status", "step_index", "current_department", "first_signoff_by", "assigned_to", "version",
                   "step_due", "decided_at", "escalated_at", "updated_at"]


def _save(application: Application, *extra: str) -> None:
    """Check and save a transition's changes. `version` counts officer actions; it is incremented while the row
    is locked (select_for_update), so two actions never read the same value."""
    application.full_clean()
    application.save(update_fields=[*WORKFLOW_FIELDS, *extra])


@transaction.atomic
def application_start(*, actor: User, service: Service, organisation=None) -> Application:
    if not service.published or service.current_version is None:
        raise ValidationError(_("This service is not open for applications."), code="closed")
    application = Application(service_version=service.current_version, applicant=actor, organisation=organisation)
    if not can(actor, "onestop.apply", application):  # open service: the one other refusal is the organisation's
        raise ValidationError(_("Only an admin of the applying organisation may apply for this service."),
                              code="not_org_admin")
    _begin(actor, application, "start")
    application.data, application.prefill_consent = prefill(service.current_version.definition, actor, organisation)
    application.full_clean()
    application.save(force_insert=True)
    audit_record(actor=actor, action="onestop.application.start", target=application,
                 changes={"service": service.code, "version": service.current_version.number,
                          "organisation": organisation.slug if organisation else None,
                          "prefilled": application.prefill_consent})
    return application


def _own_draft(actor: User, application: Application) -> Application:
    application = Application.objects.select_for_update().select_related("service_version").get(pk=application.pk)
    _begin(actor, application, "save", message=_("This application can no longer be changed."), code="not_editable")
    return application


@transaction.atomic
def application_save_page(*, actor: User, application: Application, page_answers: dict,
                          files: dict | None = None) -> Application:
    """Save answers into the draft (autosave, "continue", the API). Every channel's answers are cleaned here,
    exactly as the page form cleans them (formdef.clean_answers): only cleaned values are stored, answers to
    fields hidden by a condition are dropped. Files go to the locker first."""
    application = _own_draft(actor, application)
    cleaned, errors = formdef.clean_answers(application.definition, page_answers, saved=application.data)
    if errors:
        raise ValidationError(errors)
    for field_id, (upload, existing) in (files or {}).items():
        if upload:
            document = document_store(actor=actor, upload=upload, label=field_id)
            cleaned[field_id] = {"document": document.pk, "name": document.original_name}
        elif existing:
            chosen = StoredDocument.objects.filter(owner=actor, pk=existing).first()
            if chosen is None:
                raise ValidationError({f"{field_id}__existing": _("Choose one of your own documents.")})
            cleaned[field_id] = {"document": chosen.pk, "name": chosen.original_name}
    application.data = formdef.without_hidden(application.definition, {**application.data, **cleaned},
                                              before=application.data)
    application.full_clean()
    application.save(update_fields=["data", "updated_at"])
    return application


def _next_reference(year: int) -> str:
    """The year's next number. The counter stays under its row lock (select_for_update) from read to save, so
    concurrent submissions queue here: no duplicate and no gap (a failed submission rolls its number back)."""
    counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"HT-{year}-{counter.last:06d}"


def _record(application: Application, *, actor, action: str, before: str, comment: str = "", note: str = "",
            step: str = "", first_signoff_by: User | None = None) -> Transition:
    transition = Transition(application=application, actor=actor, action=action, from_status=before,
                            to_status=application.status, step=step, comment=comment, internal_note=note,
                            first_signoff_by=first_signoff_by)
    transition.full_clean()
    transition.save(force_insert=True)
    changes = {"from": before, "to": application.status, "step": step}
    if first_signoff_by is not None:
        changes["first_signoff_by"] = f"user:{first_signoff_by.pk}"
    audit_record(actor=actor, action=f"onestop.application.{action}", target=application, changes=changes)
    return transition


def _tell_applicant(application: Application, key: str, comment: str = "") -> None:
    """Notify the applicant in their own language (render runs once per language, inside its override)."""
    params = {"reference": application.reference,
              "date": application.due_date.isoformat() if application.due_date else ""}

    def render() -> tuple[str, str]:
        titles = {
            "submitted": _("Application %(reference)s received"),
            "returned": _("Application %(reference)s: changes needed"),
            "approved": _("Application %(reference)s approved"),
            "rejected": _("Application %(reference)s not approved"),
            "in_review": _("Application %(reference)s moves to the next step"),
        }
        body = _("We will decide by %(date)s.") % params if key == "submitted" else comment
        return titles[key] % params, body

    url = reverse("onestop:mine_detail", kwargs={"reference": application.reference})  # notify() drops the language
    notify(users=[application.applicant], kind="application", url=url, render=render)


@transaction.atomic
def application_submit(*, actor: User, application: Application, consent: bool) -> Application:
    """Submit (or resubmit after a return). Idempotent: a second click or tab gets the same application."""
    application = Application.objects.select_for_update().select_related("service_version__service").get(
        pk=application.pk)
    require(actor, "onestop.submit", application)
    if application.status in (Status.SUBMITTED, Status.IN_REVIEW) and application.reference:
        return application  # already submitted: double click, second tab
    action = "submit" if application.status == Status.DRAFT else "resubmit"
    step = _begin(actor, application, action, message=_("This application can no longer be submitted."),
                  code="not_editable")
    if application.prefill_consent and not consent:
        raise ValidationError({"consent": _("Confirm that the park may reuse the details it already holds.")})
    formdef.raise_if_invalid(application.definition, application.data)
    before, service = application.status, application.service
    if action == "submit":
        application.reference = _next_reference(today().year)
        application.submitted_at = timezone.now()
        application.due_date = add_working_days(today(), service.working_days, service.calendar)
    application.status = step.target_for(application)
    _enter_step(application)
    application.version += 1
    _save(application, "reference", "submitted_at", "due_date")
    _record(application, actor=actor, action=action, before=before)
    if application.prefill_consent:  # the applicant agreed that these known details be reused
        audit_record(actor=actor, action="onestop.application.consent", target=application,
                     changes={"reused_fields": application.prefill_consent})
    if action == "submit":
        _tell_applicant(application, "submitted")
    return application


def _enter_step(application: Application) -> None:
    step = application.current_step or {}
    application.current_department = step.get("department", "")
    application.escalated_at = None
    application.step_due = add_working_days(today(), int(step.get("days", application.service.working_days)),
                                            application.service.calendar)
    application.first_signoff_by = None


@transaction.atomic
def application_withdraw(*, actor: User, application: Application) -> Application:
    application = Application.objects.select_for_update().select_related("service_version__service").get(
        pk=application.pk)
    decided = application.status in (*DECIDED_STATUSES, Status.WITHDRAWN)
    step = _begin(actor, application, "withdraw",
                  message=_("A decided application cannot be withdrawn.") if decided else None, code="decided")
    before = application.status
    application.status = step.target_for(application)
    application.version += 1
    _save(application)
    _record(application, actor=actor, action="withdraw", before=before)
    return application


# ── Officers ─────────────────────────────────────────────────────────────────────────────────────────


def _last_actor(application: Application) -> str:
    """Who changed the application last: the audit trail, since a claim or an assignment leaves no Transition."""
    event = (AuditEvent.objects.filter(target_type=Application._meta.label_lower, target_id=str(application.pk),
                                       action__startswith="onestop.application.", actor__isnull=False)
             .select_related("actor").order_by("-at", "-id").first())
    return str(event.actor) if event else _("another officer")


def _locked_for_officer(actor: User, application: Application, expected_version: int | None) -> Application:
    application = Application.objects.select_for_update().select_related("service_version__service").get(
        pk=application.pk)
    require(actor, "onestop.view", application)
    if expected_version is not None and application.version != expected_version:
        raise Conflict(_("%(who)s acted on this application while you had it open. Here it is as it is now; "
                         "please check before you act again.") % {"who": _last_actor(application)}, code="conflict")
    require(actor, "onestop.decide", application)
    return application


@transaction.atomic
def application_claim(*, actor: User, application: Application, expected_version: int | None = None,
                      assignee: User | None = None) -> Application:
    """Take the application (`assignee` None) or give it to an officer of the step's department."""
    application = _locked_for_officer(actor, application, expected_version)
    step = _begin(actor, application, "assign" if assignee else "claim",
                  message=_("This application is not waiting for a decision."), code="not_open")
    if assignee is not None and not can(assignee, "onestop.decide", application):
        raise ValidationError(_("Choose an officer of the department of this step."), code="not_an_officer")
    application.assigned_to = assignee or actor
    application.status = step.target_for(application)
    application.version += 1
    _save(application)
    audit_record(actor=actor, action="onestop.application.assign", target=application,
                 changes={"to": f"user:{application.assigned_to_id}"})
    return application


@transaction.atomic
def queue_exported(*, actor: User, tab: str, filters: dict) -> None:
    """Record that an officer exported a queue view (it holds applicants' names). A search term may be a
    person's name: the trail says only that there was one."""
    require(actor, "onestop.work_queue")
    changes = {"tab": tab, **{k: str(v) for k, v in filters.items() if k != "q"}, "search": bool(filters.get("q"))}
    audit_record(actor=actor, action="onestop.queue.export", target=None, changes=changes)


ACTIONS = DECISIONS  # first_signoff, approve, return, reject (workflow.py)


@transaction.atomic
def application_decide(*, actor: User, application: Application, action: str, comment: str = "",
                       internal_note: str = "", expected_version: int | None = None) -> Application:
    """Approve, return for changes, or reject at the current step. Two officers at once: the second gets
    a Conflict (the row lock orders them; the version tells the second that things changed). At a step with a
    second sign-off, the first "approve" is the first sign-off, and the approval needs another officer."""
    if action not in ACTIONS:
        raise ValidationError({"action": _("Unknown action.")})
    application = _locked_for_officer(actor, application, expected_version)
    if application.status not in APPLICATION.transitions[action].source:
        raise InvalidTransition(_("This application is not waiting for a decision."), code="not_open")
    if action in ("return", "reject") and not comment.strip():
        raise ValidationError({"comment": _("Tell the applicant why.")})
    if action == "approve" and awaits_first_signoff(application):
        action = "first_signoff"
    if action == "approve" and needs_second_signoff(application) and application.first_signoff_by_id == actor.pk:
        raise ValidationError(_("The second sign-off must be given by another officer."), code="same_officer")
    step = _begin(actor, application, action)
    definition_step = application.current_step or {}
    before, target = application.status, step.target_for(application)
    first_signoff = application.first_signoff_by if action == "approve" and needs_second_signoff(application) \
        else None
    if action == "first_signoff":
        application.first_signoff_by = actor
        application.status = target
        application.version += 1
        _save(application)
        _record(application, actor=actor, action=action, before=before, comment=comment, note=internal_note,
                step=definition_step.get("id", ""))
        return application
    application.status = target
    if action == "approve" and target == Status.IN_REVIEW:  # on to the next step
        application.step_index += 1
        application.assigned_to = None
        _enter_step(application)
        key = "in_review"
    elif target in DECIDED_STATUSES:
        application.decided_at, key = timezone.now(), target
        application.current_department = ""
    else:
        key = "returned"
    application.version += 1
    _save(application)
    _record(application, actor=actor, action=action, before=before, comment=comment, note=internal_note,
            step=definition_step.get("id", ""), first_signoff_by=first_signoff)
    _tell_applicant(application, key, comment)
    return application


@transaction.atomic
def rating_give(*, actor: User, application: Application, score: int, comment: str = "") -> Rating:
    application = Application.objects.select_for_update().get(pk=application.pk)
    require(actor, "onestop.rate", application)
    if application.status not in DECIDED_STATUSES:
        raise ValidationError(_("You can rate a service once your application is decided."), code="not_decided")
    if not 1 <= int(score) <= 5:
        raise ValidationError({"score": _("Give between 1 and 5 stars.")})
    rating = Rating.objects.filter(application=application).first()
    created = rating is None
    if rating is None:
        rating = Rating(application=application)
    rating.score, rating.comment = int(score), comment[:2000]
    rating.full_clean()
    if created:
        rating.save(force_insert=True)
    else:
        rating.save(update_fields=["score", "comment"])
    # The score only: the applicant's own words may name them.
    audit_record(actor=actor, action="onestop.rating.give", target=application,
                 changes={"score": rating.score, "first": created})
    return rating


# ── Services as data: export and import ──────────────────────────────────────────────────────────────

SERVICE_FIELDS = ["code", "category", "applicant", "fee_amount", "fee_currency", "working_days", "calendar",
                  "output", "name_en", "name_zh_hans", "name_zh_hant", "description_en", "description_zh_hans",
                  "description_zh_hant"]


def service_export(service: Service) -> dict:
    data = {f: getattr(service, f) for f in SERVICE_FIELDS}
    data["fee_amount"] = str(service.fee_amount) if service.fee_amount is not None else None
    data["definition"] = service.current_version.definition if service.current_version else {}
    return data


@transaction.atomic
def service_import(*, actor: User, data: dict | str, publish: bool = True) -> Service:
    """Create a service, or add a new version to an existing one, from exported JSON (the back office). Applications
    made with an older version keep it. Needs onestop.manage_services."""
    require(actor, "onestop.manage_services")
    return _import_service(actor=actor, data=data, publish=publish)


@transaction.atomic
def service_import_as_system(*, data: dict | str, publish: bool = True) -> Service:
    """The same import made by no person: the `import_services` command (the seeded services, the demo park, a
    deployment). Whoever can run manage.py is trusted; the trail records the import as "system"."""
    return _import_service(actor=None, data=data, publish=publish)


def _import_service(*, actor: User | None, data: dict | str, publish: bool) -> Service:
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise ValidationError(_("The file is not valid JSON: %(error)s") % {"error": exc.msg}) from exc
    if not isinstance(data, dict):
        raise ValidationError(_("The file is not valid JSON: %(error)s") % {"error": "not an object"})
    definition = data.get("definition") or {}
    problems = formdef.check_definition(definition)
    if problems:
        raise ValidationError(problems)
    fields = {f: data.get(f) for f in SERVICE_FIELDS if f in data and f != "code"}
    if not data.get("code"):
        raise ValidationError({"code": _("The service needs a code.")})
    service = Service.objects.select_for_update().filter(code=data["code"]).first() or Service(code=data["code"])
    for name, value in fields.items():
        setattr(service, name, value if value is not None or name == "fee_amount" else getattr(service, name))
    service.fee_currency = service.fee_currency or ""
    service.full_clean(exclude=["current_version"])
    service.published = publish
    if service._state.adding:
        service.save(force_insert=True)
    else:
        # Every field the file may set (clean() may also have derived a Chinese script from the other one).
        service.save(update_fields=[f for f in SERVICE_FIELDS if f != "code"] + ["published"])
    number = (service.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = ServiceVersion(service=service, number=number, definition=definition, created_by=actor)
    version.full_clean()
    try:
        with transaction.atomic():
            version.save(force_insert=True)
    except IntegrityError as exc:
        raise ValidationError(_("Someone imported this service at the same moment; try again.")) from exc
    service.current_version = version
    service.save(update_fields=["current_version", "published"])
    audit_record(actor=actor, action="onestop.service.import", target=service, system=actor is None,
                 changes={"version": number, "published": publish})
    return service


def language_of(user: User) -> str:
    return user.preferred_language or translation.get_language() or "en"


def escalate_overdue() -> int:
    """Notify the head(s) of the department owning each overdue step, once per step; returns how many."""
    overdue = (Application.objects.filter(status__in=(Status.SUBMITTED, Status.IN_REVIEW), step_due__lt=today(),
                                          escalated_at__isnull=True)
               .select_related("service_version__service"))
    count = 0
    for application in overdue:
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=application.pk)
            if locked.escalated_at is not None:
                continue
            heads = User.objects.filter(staff_roles__department__code=locked.current_department,
                                        staff_roles__role="head", is_active=True)
            reference, due = locked.reference, locked.step_due

            def render(reference=reference, due=due):
                return (_("Overdue: %(reference)s") % {"reference": reference},
                        _("The current step was due on %(date)s.") % {"date": due.isoformat()})

            notify(users=heads, kind="application", url=f"/work/{reference}/", render=render)
            locked.escalated_at = timezone.now()
            locked.save(update_fields=["escalated_at"])
            audit_record(actor=None, system=True, action="onestop.application.escalate", target=locked,
                         changes={"department": locked.current_department})
            count += 1
    return count
