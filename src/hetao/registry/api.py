"""Registry API under /api/v1/: anyone reads; only staff write (through the services)."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from hetao.api.schemas import Id, Key, Pagination, PathId, Row, RowPage, RowSchema, Year, model_schema
from hetao.core.api_auth import PermissionSessionAuth
from hetao.core.templatetags.reverse_cache import row_url, url_env
from hetao.core.trilingual import FALLBACKS, active_suffix, localised

from . import selectors, services
from .models import (
    Affiliation,
    KeyDirection,
    Lease,
    Organisation,
    OrganisationKind,
    Park,
    Person,
    Project,
    ProjectStatus,
    Region,
    SpaceUse,
    Unit,
)

router = Router(tags=["registry"])
# Every write below: a signed-in member of staff allowed "registry.change" (hetao.registry.permissions).
may_change = PermissionSessionAuth("registry.change", gettext_lazy("Only park staff of the registry may change it."))


class Trilingual(RowSchema):
    en: str
    zh_hans: str
    zh_hant: str


def _tri(obj, field: str) -> dict:
    return {"en": getattr(obj, f"{field}_en"), "zh_hans": getattr(obj, f"{field}_zh_hans"),
            "zh_hant": getattr(obj, f"{field}_zh_hant")}


class NamedOut(RowSchema):
    name: str = Field(description="In the request's language")
    names: Trilingual

    @staticmethod
    def resolve_name(obj):
        return localised(obj, "name")

    @staticmethod
    def resolve_names(obj):
        return _tri(obj, "name")


class OrganisationOut(NamedOut):
    slug: str
    kind: str
    aliases: list[str]
    parent: str | None
    park: str | None
    origin: str
    key_directions: list[str]
    uscc: str
    hk_br: str
    website: str
    url: str

    @staticmethod
    def resolve_aliases(obj):
        return obj.alias_list

    @staticmethod
    def resolve_parent(obj):
        return obj.parent.slug if obj.parent_id else None

    @staticmethod
    def resolve_park(obj):
        return obj.park.code if obj.park_id else None

    @staticmethod
    def resolve_key_directions(obj):
        return [d.code for d in obj.key_directions.all()]

    @staticmethod
    def resolve_url(obj):
        return row_url("registry:organisation", "slug", obj.slug)  # obj.get_absolute_url(), reversed once


class AffiliationOut(RowSchema):
    organisation: str
    role: str
    start_date: datetime.date
    end_date: datetime.date | None

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.slug


class PersonOut(NamedOut):
    id: int
    romanisation: str
    region: str
    orcid: str
    public_role: str
    current_affiliations: list[AffiliationOut]

    @staticmethod
    def resolve_current_affiliations(obj):
        return getattr(obj, "current_affiliations", None) or []


class ProjectOut(Schema):
    code: str
    title: str
    titles: Trilingual
    lead_organisation: str
    key_direction: str
    status: str
    start_date: datetime.date
    end_date: datetime.date | None
    is_hk_university_key_project: bool

    @staticmethod
    def resolve_title(obj):
        return localised(obj, "title")

    @staticmethod
    def resolve_titles(obj):
        return _tri(obj, "title")

    @staticmethod
    def resolve_lead_organisation(obj):
        return obj.lead_organisation.slug

    @staticmethod
    def resolve_key_direction(obj):
        return obj.key_direction.code


class UnitOut(Schema):
    id: int
    park: str
    building: str
    level: int
    code: str
    area_m2: float
    use: str

    @staticmethod
    def resolve_park(obj):
        return obj.floor.building.park.code

    @staticmethod
    def resolve_building(obj):
        return obj.floor.building.code

    @staticmethod
    def resolve_level(obj):
        return obj.floor.level


class PatentOut(Schema):
    pct_number: str
    title: str
    filing_date: datetime.date
    applicants: list[str]

    @staticmethod
    def resolve_title(obj):
        return localised(obj, "title")

    @staticmethod
    def resolve_applicants(obj):
        return [a.slug for a in obj.applicants.all()]


# ── Rows of the lists, from the page's values ───────────────────────────────────────────────────────
# The same fields as the resolvers above give for a model instance, without building model instances (25 of each
# model a page, with their related managers) or resolving field by field: a page costs its queries, not its rows.


def _localised(values: dict, field: str, suffix: str) -> str:
    """hetao.core.trilingual.localised for a row of values."""
    for candidate in FALLBACKS[suffix]:
        value = values[f"{field}_{candidate}"]
        if value:
            return value
    return ""


def _names(values: dict, suffix: str) -> dict:
    return {"name": _localised(values, "name", suffix),
            "names": Row(en=values["name_en"], zh_hans=values["name_zh_hans"], zh_hant=values["name_zh_hant"])}


ORGANISATION_COLUMNS = ("id", "slug", "kind", "name_en", "name_zh_hans", "name_zh_hant", "aliases", "parent__slug",
                        "park__code", "origin", "uscc", "hk_br", "website")


def _organisation_rows(page: list[dict]) -> list[Row]:
    suffix, env = active_suffix(), url_env()
    directions: dict[int, list[str]] = {values["id"]: [] for values in page}
    # The order of `obj.key_directions.all()`: KeyDirection.Meta.ordering.
    for organisation_id, code in Organisation.key_directions.through.objects.filter(
            organisation_id__in=list(directions)).order_by("-keydirection__is_principal", "keydirection__code") \
            .values_list("organisation_id", "keydirection__code"):
        directions[organisation_id].append(code)
    return [Row(**_names(values, suffix), slug=values["slug"], kind=values["kind"],
                aliases=[a.strip() for a in values["aliases"].splitlines() if a.strip()],
                parent=values["parent__slug"], park=values["park__code"], origin=values["origin"],
                key_directions=directions[values["id"]], uscc=values["uscc"], hk_br=values["hk_br"],
                website=values["website"], url=row_url("registry:organisation", "slug", values["slug"], env))
            for values in page]


PERSON_COLUMNS = ("id", "name_en", "name_zh_hans", "name_zh_hant", "romanisation", "region", "orcid", "public_role")


def _person_rows(page: list[dict]) -> list[Row]:
    suffix = active_suffix()
    current: dict[int, list[Row]] = {values["id"]: [] for values in page}
    # selectors.current_affiliations(), as values
    for person_id, organisation, role, start_date, end_date in Affiliation.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gt=selectors.today()), person_id__in=list(current)) \
            .order_by("-start_date").values_list("person_id", "organisation__slug", "role", "start_date", "end_date"):
        current[person_id].append(Row(organisation=organisation, role=role, start_date=start_date,
                                      end_date=end_date))
    return [Row(**_names(values, suffix), id=values["id"], romanisation=values["romanisation"],
                region=values["region"], orcid=values["orcid"], public_role=values["public_role"],
                current_affiliations=current[values["id"]])
            for values in page]


# ── Reads ─────────────────────────────────────────────────────────────────────────────────────────


@router.get("/organisations", response=list[OrganisationOut])
@paginate(Pagination)
def list_organisations(request, q: str = "", kind: OrganisationKind | None = None, park: str = "",
                       direction: str = "", origin: Region | None = None):
    return RowPage(selectors.organisation_list(q=q, kind=kind or "", park=park, direction=direction,
                                               origin=origin or ""), ORGANISATION_COLUMNS, _organisation_rows,
                   counted_with_page=True)


@router.get("/organisations/{slug}", response=OrganisationOut)
def get_organisation(request, slug: Key):
    return get_object_or_404(
        Organisation.objects.select_related("park", "parent").prefetch_related("key_directions"), slug=slug
    )


@router.get("/people", response=list[PersonOut])
@paginate(Pagination)
def list_people(request, q: str = "", region: Region | None = None, organisation: str = ""):
    return RowPage(selectors.person_list(q=q, region=region or "", organisation=organisation), PERSON_COLUMNS,
                   _person_rows, counted_with_page=True)


@router.get("/people/{int:pk}", response=PersonOut)
def get_person(request, pk: PathId):
    return get_object_or_404(Person.objects.prefetch_related(selectors.current_affiliations()), pk=pk)


@router.get("/projects", response=list[ProjectOut])
@paginate(Pagination)
def list_projects(request, q: str = "", direction: str = "", status: ProjectStatus | None = None,
                  organisation: str = "", hk_key: bool = False):
    return selectors.project_list(q=q, direction=direction, status=status or "", organisation=organisation,
                                  hk_key=hk_key)


@router.get("/projects/{code}", response=ProjectOut)
def get_project(request, code: Key):
    return get_object_or_404(Project.objects.select_related("lead_organisation", "key_direction"), code=code)


@router.get("/spaces", response=list[UnitOut])
@paginate(Pagination)
def list_spaces(request, park: str = "", use: SpaceUse | None = None, building: str = ""):
    return selectors.unit_list(park=park, use=use or "", building=building)


@router.get("/spaces/{int:pk}", response=UnitOut)
def get_space(request, pk: PathId):
    return get_object_or_404(Unit.objects.select_related("floor__building__park"), pk=pk)


@router.get("/patents", response=list[PatentOut])
@paginate(Pagination)
def list_patents(request, q: str = "", year: Year | None = None):
    return selectors.patent_list(q=q, year=year)


# ── Writes (staff only) ───────────────────────────────────────────────────────────────────────────


# Types, lengths, choices, defaults and nullability come from the models (hetao.api.schemas.model_schema):
# a `null` the database would refuse is a 422 naming the field.
NAMES = ["name_en", "name_zh_hans", "name_zh_hant"]
ORGANISATION_FIELDS = ["uscc", "hk_br", "website"]


# Input bases built at run time from the models' fields (types, lengths, choices); `Any` to the type checker.
OrganisationFields: Any = model_schema(Organisation, ["slug", "kind", *NAMES, "origin", *ORGANISATION_FIELDS],
                                       name="OrganisationFields")
OrganisationPatchFields: Any = model_schema(Organisation, [*NAMES, *ORGANISATION_FIELDS],
                                            name="OrganisationPatchFields", partial=True)
ProjectFields: Any = model_schema(Project, ["code", "title_en", "title_zh_hans", "title_zh_hant", "status",
                                            "start_date", "end_date", "is_hk_university_key_project"],
                                  name="ProjectFields")
LeaseFields: Any = model_schema(Lease, ["start_date", "end_date"], name="LeaseFields")


class OrganisationIn(OrganisationFields):
    aliases: list[str] = []
    parent: str | None = None
    park: str | None = None
    key_directions: list[str] = []


class OrganisationPatch(OrganisationPatchFields):
    aliases: list[str] = Field(default_factory=list, description="Replaces the aliases when given")


def _references(payload: OrganisationIn) -> dict:
    refs = {
        "parent": get_object_or_404(Organisation, slug=payload.parent) if payload.parent else None,
        "park": get_object_or_404(Park, code=payload.park) if payload.park else None,
    }
    directions = list(KeyDirection.objects.filter(code__in=payload.key_directions))
    if len(directions) != len(set(payload.key_directions)):
        raise ValidationError({"key_directions": _("Unknown key direction.")})
    return {**refs, "key_directions": directions}


@router.post("/organisations", response={201: OrganisationOut}, auth=may_change)
def create_organisation(request, payload: OrganisationIn):
    data = payload.dict(exclude={"parent", "park", "key_directions", "aliases"})
    org = services.organisation_create(actor=request.user, aliases="\n".join(payload.aliases),
                                       **data, **_references(payload))
    return Status(201, org)


@router.patch("/organisations/{slug}", response=OrganisationOut, auth=may_change)
def update_organisation(request, slug: Key, payload: OrganisationPatch):
    org = get_object_or_404(Organisation, slug=slug)
    fields = payload.dict(exclude_unset=True)
    if "aliases" in fields:
        fields["aliases"] = "\n".join(fields["aliases"] or [])
    return services.organisation_update(actor=request.user, organisation=org, **fields)


class ProjectIn(ProjectFields):
    lead_organisation: str
    partners: list[str] = []
    key_direction: str


@router.post("/projects", response={201: ProjectOut}, auth=may_change)
def create_project(request, payload: ProjectIn):
    data = payload.dict(exclude={"lead_organisation", "partners", "key_direction"})
    project = services.project_create(
        actor=request.user,
        lead_organisation=get_object_or_404(Organisation, slug=payload.lead_organisation),
        key_direction=get_object_or_404(KeyDirection, code=payload.key_direction),
        partners=list(Organisation.objects.filter(slug__in=payload.partners)),
        **data,
    )
    return Status(201, project)


class LeaseIn(LeaseFields):
    unit: Id
    organisation: str
    start_date: datetime.date
    end_date: datetime.date


class LeaseOut(Schema):
    id: int
    unit: int = Field(alias="unit_id")
    organisation: str
    start_date: datetime.date
    end_date: datetime.date

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.slug


@router.post("/leases", response={201: LeaseOut}, auth=may_change)
def create_lease(request, payload: LeaseIn):
    lease = services.lease_create(
        actor=request.user,
        unit=get_object_or_404(Unit, pk=payload.unit),
        organisation=get_object_or_404(Organisation, slug=payload.organisation),
        start_date=payload.start_date, end_date=payload.end_date,
    )
    return Status(201, lease)
