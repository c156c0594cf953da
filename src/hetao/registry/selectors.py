"""Reads from the registry. Each returns querysets or plain data with a fixed number of queries,
whatever the size of the park (pinned in tests/registry/test_query_counts.py)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Case, Count, IntegerField, Model, Prefetch, Q, QuerySet, Sum, Value, When
from django.db.models.functions import ExtractYear, Length
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hetao.core.chinese import normalise_for_search
from hetao.core.trilingual import FALLBACKS, active_suffix

from . import search_index
from .models import (
    RESEARCH_SPACE_USES,
    Affiliation,
    AffiliationRole,
    KeyDirection,
    Lease,
    Organisation,
    OrganisationKind,
    Park,
    Patent,
    Person,
    ProfessionalPark,
    Project,
    Region,
    SpaceUse,
    StandardOutput,
    StandardOutputKind,
    StandardsMembership,
    Unit,
)

HKSP_SHENZHEN_BRANCH = "hksp-shenzhen"
RESEARCH_ROLES = [AffiliationRole.RESEARCHER, AffiliationRole.PRINCIPAL_INVESTIGATOR, AffiliationRole.DEAN,
                  AffiliationRole.ENGINEER, AffiliationRole.STUDENT, AffiliationRole.EXECUTIVE]


def search_filter(queryset: QuerySet, q: str) -> QuerySet:
    """Every word of `q`, in any script or case, must appear in the record's names, aliases or identifiers;
    found through the search index of the connection's database (registry/search_index.py)."""
    words = search_index.query_words(q)
    if words is None:
        return queryset.none()
    return search_index.filter_words(queryset, words)


def exact_match(q: str) -> Case:
    """1 when `q` is one whole name, alias or identifier of the record (terms are joined by " | ")."""
    term = normalise_for_search(q)
    whole = (Q(search_text=term) | Q(search_text__startswith=f"{term} |") | Q(search_text__endswith=f"| {term}")
             | Q(search_text__contains=f"| {term} |"))
    return Case(When(whole, then=Value(1)), default=Value(0), output_field=IntegerField())


def ranked_search(queryset: QuerySet, q: str, name_field: str = "name_en") -> QuerySet:
    """Matches of `q`, whole-name matches first, then shorter names (the university before its institutes)."""
    return search_filter(queryset, q).annotate(exact=exact_match(q)).order_by(
        "-exact", Length(name_field), name_field, "pk")


def today() -> datetime.date:
    return timezone.localdate()


# ── Dashboard ─────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str | Promise
    value: float | int
    unit: str = ""


# key → (label, unit), in the order shown. The figures are stored without labels (language-neutral, see
# snapshots.py); labels are resolved in the request's language when the page is rendered.
KPI_LABELS = {
    "projects": (_("High-end research projects"), ""),
    "researchers": (_("Research and technology talents"), ""),
    "pct": (_("PCT international patent applications"), ""),
    "research_space": (_("Research space in Shenzhen Park"), _("m²")),
    "professional_parks": (_("Professional parks"), ""),
    "fortune500": (_("Fortune Global 500 R&D centres"), ""),
    "platforms": (_("Major research platforms"), ""),
    "hk_key_projects": (_("Key projects of Hong Kong universities"), ""),
    "pilot_platforms": (_("Pilot-scale platforms"), ""),
    "youth_bases": (_("Youth innovation and entrepreneurship bases"), ""),
    "hk_in_hksp_branch": (_("Hong Kong enterprises and institutions in the HKSP Shenzhen branch"), ""),
    "standards_orgs": (_("International industry and standards organisations"), ""),
    "standards": (_("Standards released"), ""),
    "white_papers": (_("White papers"), ""),
    "certified_products": (_("Products tested and certified"), ""),
    "standards_members": (_("Members of standards organisations"), ""),
}
NAME_SUFFIXES = ("en", "zh_hans", "zh_hant")


def dashboard_figures() -> dict:
    """Every figure of the home page as plain, picklable data: codes and numbers, names in all three languages."""
    return {"kpis": _kpi_values(), "charts": _chart_values()}


def _kpi_values() -> dict[str, int]:
    on = today()
    org_counts = Organisation.objects.aggregate(
        fortune500=Count("id", filter=Q(kind=OrganisationKind.FORTUNE_500_RD)),
        platforms=Count("id", filter=Q(kind=OrganisationKind.RESEARCH_PLATFORM)),
        standards_orgs=Count("id", filter=Q(kind=OrganisationKind.STANDARDS_ORG)),
        pilot=Count("id", filter=Q(kind=OrganisationKind.PILOT_PLATFORM)),
        youth=Count("id", filter=Q(kind=OrganisationKind.INCUBATOR)),
    )
    project_counts = Project.objects.aggregate(
        total=Count("id"), hk_key=Count("id", filter=Q(is_hk_university_key_project=True))
    )
    outputs = StandardOutput.objects.aggregate(
        **{kind.value: Count("id", filter=Q(kind=kind)) for kind in StandardOutputKind}
    )
    researchers = (
        Affiliation.objects.filter(Q(end_date__isnull=True) | Q(end_date__gt=on), role__in=RESEARCH_ROLES)
        .values("person").distinct().count()
    )
    hk_in_branch = (
        Lease.objects.filter(
            start_date__lte=on, end_date__gt=on, organisation__origin=Region.HONG_KONG,
            unit__floor__building__professional_park__code=HKSP_SHENZHEN_BRANCH,
        ).values("organisation").distinct().count()
    )
    research_space = Unit.objects.filter(
        use__in=RESEARCH_SPACE_USES, floor__building__park__region=Region.MAINLAND
    ).aggregate(s=Sum("area_m2"))["s"] or 0
    return {
        "projects": project_counts["total"],
        "researchers": researchers,
        "pct": Patent.objects.count(),
        "research_space": int(research_space),
        "professional_parks": ProfessionalPark.objects.count(),
        "fortune500": org_counts["fortune500"],
        "platforms": org_counts["platforms"],
        "hk_key_projects": project_counts["hk_key"],
        "pilot_platforms": org_counts["pilot"],
        "youth_bases": org_counts["youth"],
        "hk_in_hksp_branch": hk_in_branch,
        "standards_orgs": org_counts["standards_orgs"],
        "standards": outputs[StandardOutputKind.STANDARD],
        "white_papers": outputs[StandardOutputKind.WHITE_PAPER],
        "certified_products": outputs[StandardOutputKind.CERTIFIED_PRODUCT],
        "standards_members": StandardsMembership.objects.count(),
    }


def _chart_values() -> dict:
    names = [f"key_direction__name_{s}" for s in NAME_SUFFIXES]
    by_direction = Project.objects.values("key_direction__code", *names).annotate(n=Count("id")).order_by("-n")
    by_region = dict(Person.objects.values_list("region").annotate(n=Count("id")).order_by())
    by_year = (
        Patent.objects.annotate(year=ExtractYear("filing_date")).values_list("year")
        .annotate(n=Count("id")).order_by("year")
    )
    space = (
        Unit.objects.values_list("floor__building__park__code", "use").annotate(area=Sum("area_m2")).order_by()
    )
    park_names = {p["code"]: p for p in Park.objects.values("code", *(f"name_{s}" for s in NAME_SUFFIXES))}
    space_by_park: dict[str, dict[str, float]] = {}
    for park_code, use, area in space:
        space_by_park.setdefault(park_code, {})[use] = float(area)
    return {
        "projects_by_direction": [
            {"names": {s: row[f"key_direction__name_{s}"] for s in NAME_SUFFIXES}, "value": row["n"]}
            for row in by_direction
        ],
        "researchers_by_region": {value: n for value, n in by_region.items()},
        "pct_by_year": {"years": [str(y) for y, _n in by_year], "counts": [n for _y, n in by_year]},
        "space_by_park_and_use": {
            "parks": [
                {"code": code, "names": {s: (park_names.get(code) or {}).get(f"name_{s}", "") for s in NAME_SUFFIXES}}
                for code in space_by_park
            ],
            "by_use": {use: [round(space_by_park[code].get(use, 0)) for code in space_by_park]
                       for use in SpaceUse.values},
        },
    }


def dashboard_kpis(figures: dict | None = None) -> list[Kpi]:
    """The KPIs, labelled in the active language (computed now unless `figures` from a snapshot are given)."""
    values = (figures or dashboard_figures())["kpis"]
    return [Kpi(key, label, values[key], str(unit)) for key, (label, unit) in KPI_LABELS.items()]


def dashboard_charts(figures: dict | None = None) -> dict:
    """Series for the home page's charts, labels in the active language."""
    charts = (figures or dashboard_figures())["charts"]
    suffix = active_suffix()
    by_region = charts["researchers_by_region"]
    space = charts["space_by_park_and_use"]
    return {
        "projects_by_direction": [
            {"name": row["names"][suffix] or row["names"]["en"], "value": row["value"]}
            for row in charts["projects_by_direction"]
        ],
        "researchers_by_region": [
            {"name": str(label), "value": by_region[value]} for value, label in Region.choices if value in by_region
        ],
        "pct_by_year": charts["pct_by_year"],
        "space_by_park_and_use": {
            # A park missing from the park table shows its code, as before.
            "parks": [_localised_name(park["names"], suffix) or park["code"] for park in space["parks"]],
            "series": [{"name": str(label), "data": space["by_use"].get(use, [])} for use, label in SpaceUse.choices],
        },
    }


def _localised_name(names: dict[str, str], suffix: str) -> str:
    """The name in `suffix` or its fallback, as `NamedModel.name` does (core.trilingual.FALLBACKS)."""
    return next((names[s] for s in FALLBACKS[suffix] if names.get(s)), "")


# ── Directory ─────────────────────────────────────────────────────────────────────────────────────


def organisation_list(*, q: str = "", kind: str = "", park: str = "", direction: str = "",
                      origin: str = "") -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("park", "parent")
    if kind:
        qs = qs.filter(kind=kind)
    if park:
        qs = qs.filter(park__code=park)
    if direction:
        qs = qs.filter(key_directions__code=direction)
    if origin:
        qs = qs.filter(origin=origin)
    if q:
        return ranked_search(qs, q)
    return qs.order_by("name_en")


def current_affiliations() -> Prefetch:
    on = today()
    return Prefetch(
        "affiliations",
        queryset=Affiliation.objects.filter(Q(end_date__isnull=True) | Q(end_date__gt=on))
        .select_related("organisation").order_by("-start_date"),
        to_attr="current_affiliations",
    )


def person_list(*, q: str = "", region: str = "", organisation: str = "") -> QuerySet[Person]:
    qs = Person.objects.prefetch_related(current_affiliations())
    if region:
        qs = qs.filter(region=region)
    if organisation:
        qs = qs.filter(affiliations__organisation__slug=organisation).distinct()
    if q:
        return ranked_search(qs, q)
    return qs.order_by("name_en", "id")


def project_list(*, q: str = "", direction: str = "", status: str = "", organisation: str = "",
                 hk_key: bool = False) -> QuerySet[Project]:
    qs = Project.objects.select_related("lead_organisation", "key_direction")
    if direction:
        qs = qs.filter(key_direction__code=direction)
    if status:
        qs = qs.filter(status=status)
    if organisation:
        qs = qs.filter(Q(lead_organisation__slug=organisation) | Q(partners__slug=organisation)).distinct()
    if hk_key:
        qs = qs.filter(is_hk_university_key_project=True)
    if q:
        qs = search_filter(qs, q)
    return qs.order_by("-start_date", "code")


def patent_list(*, q: str = "", year: int | None = None) -> QuerySet[Patent]:
    qs = Patent.objects.prefetch_related("applicants")
    if year:
        qs = qs.filter(filing_date__year=year)
    if q:
        qs = qs.filter(Q(pct_number__icontains=q.strip()) | Q(title_en__icontains=q.strip()))
    return qs.order_by("-filing_date", "pct_number")


def unit_list(*, park: str = "", use: str = "", building: str = "") -> QuerySet[Unit]:
    qs = Unit.objects.select_related("floor__building__park")
    if park:
        qs = qs.filter(floor__building__park__code=park)
    if use:
        qs = qs.filter(use=use)
    if building:
        qs = qs.filter(floor__building__code=building)
    return qs.order_by("floor__building__code", "floor__level", "code")


def key_directions() -> QuerySet[KeyDirection]:
    return KeyDirection.objects.all()


# ── Detail pages ──────────────────────────────────────────────────────────────────────────────────

RELATED_LIMIT = 20
LEADERS_FIRST = Case(
    When(role__in=[AffiliationRole.DEAN, AffiliationRole.EXECUTIVE, AffiliationRole.OFFICIAL], then=Value(2)),
    When(role=AffiliationRole.PRINCIPAL_INVESTIGATOR, then=Value(1)), default=Value(0),
    output_field=IntegerField(),
)


def _org_projects(org: Organisation) -> QuerySet[Project]:
    """Projects the organisation leads or is a partner of: an `IN` on the partners' table, no join to
    de-duplicate (and so no DISTINCT over every column)."""
    partnered = Project.partners.through.objects.filter(organisation=org).values("project_id")
    return Project.objects.filter(Q(lead_organisation=org) | Q(pk__in=partnered))


def _organisation_counts(org_id: int, on: datetime.date) -> dict:
    """The counts of an organisation's page in one query of scalar subqueries, each on an indexed foreign key.

    Written as SQL: built through the ORM, these nine subqueries cost more to compile (~4 ms) than to run. The
    projects are those it leads plus those it is a partner of and does not lead (a project lists a partner once)."""
    models: dict[str, type[Model]] = {
        "affiliation": Affiliation, "project": Project, "partners": Project.partners.through, "lease": Lease,
        "unit": Unit, "applicants": Patent.applicants.through, "members": StandardsMembership,
        "outputs": StandardOutput}
    tables = {name: model._meta.db_table for name, model in models.items()}
    kinds = list(StandardOutputKind.values)
    sql = (
        "SELECT (SELECT COUNT(*) FROM {affiliation}"
        "   WHERE organisation_id = %s AND (end_date IS NULL OR end_date > %s)),"
        " (SELECT COUNT(*) FROM {project} WHERE lead_organisation_id = %s)"
        " + (SELECT COUNT(*) FROM {partners} pp INNER JOIN {project} p ON p.id = pp.project_id"
        "    WHERE pp.organisation_id = %s AND p.lead_organisation_id <> %s),"
        " (SELECT SUM(u.area_m2) FROM {lease} l INNER JOIN {unit} u ON u.id = l.unit_id"
        "   WHERE l.organisation_id = %s AND l.end_date > %s),"
        " (SELECT COUNT(*) FROM {applicants} WHERE organisation_id = %s),"
        " (SELECT COUNT(*) FROM {members} WHERE standards_organisation_id = %s)"
        + "".join(", (SELECT COUNT(*) FROM {outputs} WHERE organisation_id = %s AND kind = %s)" for _kind in kinds)
    ).format(**tables)
    params: list[int | str | datetime.date] = [org_id, on, org_id, org_id, org_id, org_id, on, org_id, org_id]
    for kind in kinds:
        params += [org_id, kind]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        people, projects, area, patents, members, *outputs = cursor.fetchone()
    return {
        "people_count": people,
        "projects_count": projects,
        # As Sum() gives it: a Decimal of the column's places (SQLite hands back a float or an int), 0 if none.
        "leased_area": Decimal(str(area)).quantize(Decimal("0.01")) if area is not None else 0,
        "patents_count": patents,
        "outputs": {kind: n for kind, n in zip(kinds, outputs, strict=True) if n},
        "members_count": members,
    }


def organisation_detail(slug: str) -> dict:
    """The organisation, its counts (one query) and the first related records of each list."""
    org = Organisation.objects.select_related("park", "parent").prefetch_related("key_directions").get(slug=slug)
    on = today()
    people = (
        Affiliation.objects.filter(Q(end_date__isnull=True) | Q(end_date__gt=on), organisation=org)
        .select_related("person").annotate(leader=LEADERS_FIRST).order_by("-leader", "person__name_en")
    )
    projects = _org_projects(org).select_related("key_direction")
    leases = Lease.objects.filter(organisation=org, end_date__gt=on).select_related("unit__floor__building")
    return {
        "organisation": org,
        "children": list(org.children.order_by("name_en")[:RELATED_LIMIT]),
        "people": list(people[:RELATED_LIMIT]),
        "projects": list(projects[:RELATED_LIMIT]),
        "leases": list(leases[:RELATED_LIMIT]),
        **_organisation_counts(org.pk, on),
    }


def person_detail(pk: int) -> dict:
    person = Person.objects.get(pk=pk)
    affiliations = person.affiliations.select_related("organisation").order_by("-start_date")
    return {"person": person, "affiliations": list(affiliations)}


def project_detail(code: str) -> Project:
    return (
        Project.objects.select_related("lead_organisation", "key_direction")
        .prefetch_related("partners").get(code=code)
    )


def park_detail(code: str) -> dict:
    park = Park.objects.select_related("zone").get(code=code)
    professional_parks = park.professional_parks.annotate(n=Count("buildings")).order_by("code")
    space = dict(
        Unit.objects.filter(floor__building__park=park).values_list("use").annotate(a=Sum("area_m2")).order_by()
    )
    return {
        "park": park,
        "professional_parks": list(professional_parks),
        "space": [(label, space.get(value, 0)) for value, label in SpaceUse.choices],
        "organisations_count": park.organisations.count(),
        "buildings_count": park.buildings.count(),
    }


def parks() -> QuerySet[Park]:
    return Park.objects.select_related("zone").order_by("-area_km2")


# ── Search across the registry ────────────────────────────────────────────────────────────────────

SEARCH_LIMIT = 10


def search_everything(q: str) -> dict:
    if not normalise_for_search(q):
        return {"q": q, "organisations": [], "people": [], "projects": [], "total": 0}
    organisations = organisation_list(q=q)
    people = person_list(q=q)
    projects = ranked_search(Project.objects.select_related("lead_organisation"), q, "title_en")
    result: dict[str, Any] = {
        "q": q,
        "organisations": list(organisations[:SEARCH_LIMIT]),
        "organisations_count": organisations.count(),
        "people": list(people[:SEARCH_LIMIT]),
        "people_count": people.count(),
        "projects": list(projects[:SEARCH_LIMIT]),
        "projects_count": projects.count(),
    }
    result["total"] = result["organisations_count"] + result["people_count"] + result["projects_count"]
    return result
