"""Reads of one network, each a fixed number of queries."""

import datetime
import statistics
from collections import defaultdict

from django.db.models import Avg, Count, Q, QuerySet, Value
from django.db.models.functions import Concat, TruncMonth
from django.utils import timezone

from hetao.core.chinese import normalise_for_search, to_simplified, to_traditional
from hetao.core.workdays import working_days_between

from . import formdef
from .models import (
    DECIDED_STATUSES,
    OPEN_STATUSES,
    Application,
    Service,
    ServiceVersion,
    Status,
    StoredDocument,
    Transition,
)


def catalogue(*, q: str = "", category: str = "") -> list[Service]:
    services = Service.objects.filter(published=True)
    if category:
        services = services.filter(category=category)
    found = list(services.order_by("category", "name_en"))
    term = normalise_for_search(q)
    if term:  # a few dozen services: match in Python across the three languages
        found = [s for s in found if term in normalise_for_search(
            " ".join([s.name_en, s.name_zh_hans, s.name_zh_hant, s.description_en, s.description_zh_hans, s.code]))]
    return found


def my_applications(user) -> QuerySet[Application]:
    return (Application.objects.filter(applicant=user).exclude(status=Status.WITHDRAWN, reference__isnull=True)
            .select_related("service_version__service").order_by("-updated_at"))


def display(spec: dict, value, documents: dict) -> str:
    """An answer as a person reads it."""
    if value in (None, "", []):
        return "—"
    kind = spec["type"]
    labels = {c["value"]: formdef.text(c["label"]) for c in spec.get("choices", [])}
    if kind == "choice":
        return labels.get(value, value)
    if kind == "multi_choice":
        return ", ".join(labels.get(v, v) for v in value)
    if kind == "yes_no":
        from django.utils.translation import gettext as _

        return _("Yes") if value == "yes" else _("No")
    if kind == "money":
        return f"{value.get('currency')} {value.get('amount')}"
    if kind == "date_range":
        return f"{value.get('start')} – {value.get('end')}"
    if kind == "file":
        document = documents.get(value.get("document"))
        return document.original_name if document else value.get("name", "—")
    if kind == "group":
        subs = {sub["id"]: sub for sub in spec.get("fields", [])}
        return "; ".join(", ".join(display(subs[k], v, documents) for k, v in row.items() if k in subs)
                         for row in value)
    return str(value)


def answer_rows(application: Application) -> list[dict]:
    definition, answers = application.definition, application.data
    ids = [v["document"] for v in answers.values() if isinstance(v, dict) and "document" in v]
    documents = {d.pk: d for d in StoredDocument.objects.filter(pk__in=ids)}
    rows = []
    for index, page in enumerate(definition.get("pages", [])):
        for spec in page.get("fields", []):
            if formdef.is_shown(spec, answers):
                value = answers.get(spec["id"])
                rows.append({"page": index, "label": formdef.text(spec.get("label")),
                             "value": display(spec, value, documents),
                             "document": value.get("document") if spec["type"] == "file" and value else None})
    return rows


def timeline(application: Application, *, officer: bool) -> list[Transition]:
    """The history in plain words; internal notes only for officers."""
    items = list(application.transitions.select_related("actor"))
    if not officer:
        for item in items:
            item.internal_note = ""
    return items


QUEUE_TABS = ("new", "mine", "overdue", "returned", "decided")
OPEN_HERE = (Status.SUBMITTED, Status.IN_REVIEW)


def _my_departments(user) -> list[str] | None:
    """The departments whose cases `user` works on; None for a superuser (all of them)."""
    if user.is_superuser:
        return None
    return list(user.staff_roles.values_list("department__code", flat=True))


def _versions_of(departments: list[str] | None) -> list[int] | None:
    """Service versions with a step owned by one of `departments` (decided cases have left every step, so
    "of my departments" means "of a service my departments act on"). One query; None means all."""
    if departments is None:
        return None
    return [pk for pk, steps in ServiceVersion.objects.values_list("pk", "definition__steps")
            if any(isinstance(step, dict) and step.get("department") in departments for step in steps or [])]


def _cases(departments, versions) -> Q:
    """Every non-draft case `user` may see as an officer (onestop.view): of a service their departments act on."""
    return ~Q(status=Status.DRAFT) if versions is None else (~Q(status=Status.DRAFT) & Q(service_version__in=versions))


def _at_my_step(departments) -> Q:
    return Q() if departments is None else Q(current_department__in=departments)


def _search(q: str) -> Q:
    """Reference, the applicant's name (as typed, in either Chinese script, either name order) or email, the
    registry person linked to the account, or the organisation (any name, alias or identifier)."""
    term = normalise_for_search(q)
    found = Q(reference__icontains=q.strip()) | Q(applicant__email__iexact=q.strip())
    for variant in {q.strip(), to_simplified(q.strip()), to_traditional(q.strip())} - {""}:
        found |= (Q(applicant_name_cjk__icontains=variant) | Q(applicant_name_latin__icontains=variant)
                  | Q(applicant_name_reversed__icontains=variant))
    if term:
        found |= Q(organisation__search_text__contains=term) | Q(applicant__person__search_text__contains=term)
    return found


def queue(user, tab: str, filters: dict | None = None) -> QuerySet[Application]:
    """The rows of one tab of the work queue (or, with `q`, of all the officer's cases), filtered and sorted;
    a fixed number of queries whatever the number of applications."""
    from .forms import SORTS

    filters = filters or {}
    departments = _my_departments(user)
    today = timezone.localdate()
    qs = Application.objects.select_related("service_version__service", "applicant", "organisation", "assigned_to")
    if filters.get("q"):
        qs = qs.annotate(applicant_name_cjk=Concat("applicant__last_name", "applicant__first_name"),
                         applicant_name_latin=Concat("applicant__first_name", Value(" "), "applicant__last_name"),
                         applicant_name_reversed=Concat("applicant__last_name", Value(" "), "applicant__first_name"))
        qs = qs.filter((_cases(departments, _versions_of(departments)) | Q(assigned_to=user)) & _search(filters["q"]))
    elif tab == "mine":
        qs = qs.filter(assigned_to=user, status__in=OPEN_STATUSES)
    elif tab == "overdue":
        qs = qs.filter(_at_my_step(departments), status__in=OPEN_HERE, step_due__lt=today)
    elif tab == "returned":
        qs = qs.filter(_at_my_step(departments), status=Status.RETURNED)
    elif tab == "decided":
        qs = qs.filter(_cases(departments, _versions_of(departments)), status__in=DECIDED_STATUSES)
    else:
        qs = qs.filter(_at_my_step(departments), status__in=OPEN_HERE, assigned_to__isnull=True)
    if filters.get("service"):
        qs = qs.filter(service_version__service__code=filters["service"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("overdue"):
        qs = qs.filter(status__in=OPEN_HERE, step_due__lt=today)
    default = "-decided" if tab == "decided" and not filters.get("q") else "due"
    return qs.order_by(*SORTS[filters.get("sort") or default])


def queue_counts(user) -> dict[str, int]:
    departments = _my_departments(user)
    versions = _versions_of(departments)
    today = timezone.localdate()
    open_here = _at_my_step(departments) & Q(status__in=OPEN_HERE)
    return Application.objects.aggregate(
        new=Count("id", filter=open_here & Q(assigned_to__isnull=True)),
        mine=Count("id", filter=Q(assigned_to=user, status__in=OPEN_STATUSES)),
        overdue=Count("id", filter=open_here & Q(step_due__lt=today)),
        returned=Count("id", filter=_at_my_step(departments) & Q(status=Status.RETURNED)),
        decided=Count("id", filter=_cases(departments, versions) & Q(status__in=DECIDED_STATUSES)),
    )


def service_figures() -> list[dict]:
    """Per service: applications per month (last 12), median working days to decision, share decided
    within the committed time, and satisfaction. Decided applications are read once, not per service."""
    services = list(Service.objects.filter(published=True).order_by("name_en"))
    per_month: dict[int, dict[str, int]] = defaultdict(dict)
    since = timezone.localdate().replace(day=1) - datetime.timedelta(days=335)
    for service_id, month, n in (Application.objects.filter(submitted_at__date__gte=since)
                                 .annotate(month=TruncMonth("submitted_at"))
                                 .values_list("service_version__service", "month")
                                 .annotate(n=Count("id")).order_by()):
        per_month[service_id][month.strftime("%Y-%m")] = n
    decided = defaultdict(list)
    for row in (Application.objects.filter(status__in=DECIDED_STATUSES, decided_at__isnull=False)
                .values("service_version__service", "service_version__service__calendar", "submitted_at",
                        "decided_at", "due_date")):
        decided[row["service_version__service"]].append(row)
    ratings = dict(Application.objects.filter(rating__isnull=False).values_list("service_version__service")
                   .annotate(a=Avg("rating__score")).order_by())
    out = []
    for service in services:
        rows = decided.get(service.pk, [])
        days = [working_days_between(timezone.localtime(r["submitted_at"]).date(),
                                     timezone.localtime(r["decided_at"]).date(),
                                     r["service_version__service__calendar"]) for r in rows]
        # A submitted application always has its committed date; one without cannot count as decided in time.
        in_time = [r for r in rows if r["due_date"] is not None
                   and timezone.localtime(r["decided_at"]).date() <= r["due_date"]]
        out.append({
            "service": service,
            "submitted": sum(per_month.get(service.pk, {}).values()),  # in the last 12 months
            "by_month": per_month.get(service.pk, {}),
            "decided": len(rows),
            "median_days": statistics.median(days) if days else None,
            "in_time_share": round(100 * len(in_time) / len(rows)) if rows else None,
            "satisfaction": round(ratings[service.pk], 1) if service.pk in ratings else None,
        })
    return out


def months_chart(rows: list[dict]) -> dict:
    """Applications per month, last 12 months, one series per service that had any."""
    first = timezone.localdate().replace(day=1)
    months = []
    for back in range(11, -1, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        months.append(f"{year}-{month + 1:02d}")
    return {"months": months, "series": [
        {"name": row["service"].name, "data": [row["by_month"].get(m, 0) for m in months]}
        for row in rows if row["submitted"]]}


def working_days_left(application: Application) -> int | None:
    if application.step_due is None:
        return None
    return working_days_between(timezone.localdate(), application.step_due, application.service.calendar)
