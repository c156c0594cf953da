"""Public pages of the registry: dashboard, directory, detail pages and search."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from hetao.core.templatetags.reverse_cache import row_url, url_env
from hetao.core.templatetags.trilingual import trilingual_html
from hetao.core.trilingual import active_suffix

from . import selectors, snapshots
from .forms import (
    OrganisationFilterForm,
    PersonFilterForm,
    ProjectFilterForm,
    SearchForm,
    UnitFilterForm,
    cleaned_filters,
)
from .models import AffiliationRole, OrganisationKind, ProjectStatus, Region, SpaceUse

# ── Rows prepared once per page ───────────────────────────────────────────────────────────────────
# A list's rows get their links, names (with the `lang` of a fallback, as {% trilingual %} marks it) and choice
# labels here, in one pass, as `row_*` attributes: the template then only prints them. Per row, the template
# tag, `reverse()` and `get_FOO_display()` (which translates every label of the field's choices) cost more than
# the page's queries. The output is the same as the tag's, the model's `get_absolute_url()` and the display's.


class _Rows:
    """What a page's rows share: the language's column suffix, choice labels and names already made."""

    def __init__(self) -> None:
        self.active = active_suffix()
        self.env = url_env()
        self._labels: dict[type, dict[str, str]] = {}
        self._names: dict[tuple, str] = {}

    def label(self, choices, value) -> str:
        """`get_FOO_display()` for a value of the TextChoices `choices`."""
        labels = self._labels.get(choices)
        if labels is None:
            labels = self._labels[choices] = {v: str(label) for v, label in choices.choices}
        return labels.get(value, value)

    def name(self, obj, field: str = "name") -> str:
        """`{% trilingual obj field %}`, once per record."""
        if obj is None:
            return ""
        key = (type(obj), obj.pk, field)
        html = self._names.get(key)
        if html is None:
            html = self._names[key] = trilingual_html(obj, field, self.active)
        return html

    def organisation(self, org) -> None:
        if org is not None and not hasattr(org, "row_url"):
            org.row_url = row_url("registry:organisation", "slug", org.slug, self.env)
            org.row_name = self.name(org)


def _organisation_rows(organisations) -> list:
    rows = _Rows()
    organisations = list(organisations)
    for org in organisations:
        rows.organisation(org)
        org.row_kind = rows.label(OrganisationKind, org.kind)
        rows.organisation(org.parent)
        if org.park is not None:
            org.park.row_name = rows.name(org.park)
    return organisations


def _project_rows(projects) -> list:
    rows = _Rows()
    projects = list(projects)
    for project in projects:
        project.row_url = row_url("registry:project", "code", project.code, rows.env)
        project.row_title = rows.name(project, "title")
        project.row_status = rows.label(ProjectStatus, project.status)
        project.row_direction = rows.name(project.key_direction)
        rows.organisation(project.lead_organisation)
    return projects


def _unit_rows(units) -> list:
    rows = _Rows()
    units = list(units)
    for unit in units:
        building = unit.floor.building
        building.row_name = rows.name(building)
        unit.row_use = rows.label(SpaceUse, unit.use)
        park = building.park
        if not hasattr(park, "row_url"):
            park.row_url = row_url("registry:park", "code", park.code, rows.env)
            park.row_name = rows.name(park)
    return units


def _person_rows(people) -> list:
    rows = _Rows()
    people = list(people)
    for person in people:
        person.row_url = row_url("registry:person", "pk", person.pk, rows.env)
        person.row_name = rows.name(person)
        person.row_region = rows.label(Region, person.region)
        for aff in person.current_affiliations:
            rows.organisation(aff.organisation)
            aff.row_role = rows.label(AffiliationRole, aff.role)
    return people


def _page(request, queryset):
    return Paginator(queryset, settings.HETAO_PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _directory(request, *, form_class, select, template: str, rows=None):
    form = form_class(request.GET or None)
    page = _page(request, select(**cleaned_filters(form)))
    if rows is not None:
        page.object_list = rows(page.object_list)
    return render(request, template, {"form": form, "page": page, "query": _query_without_page(request)})


# The home page's figures sections, rendered, by (snapshot version, language): kept in this process (a dictionary
# read instead of a cache round trip); a new snapshot has a new version, so an entry never goes stale, and the
# oldest entries are dropped past FIGURES_KEPT.
_FIGURES_HTML: dict[tuple[str, str], str] = {}
FIGURES_KEPT = 12


def _figures_html(request, kpis: list, charts: dict, version: str | None) -> str:
    key = (version, get_language()) if version else None
    html = _FIGURES_HTML.get(key) if key else None
    if html is None:
        html = render_to_string("registry/home_figures.html", {"kpis": kpis, "charts": charts}, request)
        if key:
            while len(_FIGURES_HTML) >= FIGURES_KEPT:
                _FIGURES_HTML.pop(next(iter(_FIGURES_HTML)))
            _FIGURES_HTML[key] = html
    return html  # render_to_string's SafeString: the template escaped it when it was rendered


@require_GET
def home(request):
    figures, version = snapshots.dashboard_snapshot()  # from the snapshot: no aggregate queries per request
    kpis, charts = selectors.dashboard_kpis(figures), selectors.dashboard_charts(figures)
    return render(request, "registry/home.html", {
        "kpis": kpis,
        "charts": charts,
        "parks": selectors.parks().select_related(None),  # names, areas and links: nothing of the zone
        # The page's figures sections are rendered once for each snapshot (`figures_version`) and language; not
        # kept when the figures were computed without a snapshot (then `figures_timeout` is 0).
        "figures_html": _figures_html(request, kpis, charts, version),
        "figures_version": version,
        "figures_timeout": settings.HETAO_DASHBOARD_MAX_AGE if version else 0,
    })


@require_GET
def organisation_list(request):
    return _directory(request, form_class=OrganisationFilterForm, select=selectors.organisation_list,
                      template="registry/organisation_list.html", rows=_organisation_rows)


@require_GET
def person_list(request):
    return _directory(request, form_class=PersonFilterForm, select=selectors.person_list,
                      template="registry/person_list.html", rows=_person_rows)


@require_GET
def project_list(request):
    return _directory(request, form_class=ProjectFilterForm, select=selectors.project_list,
                      template="registry/project_list.html", rows=_project_rows)


@require_GET
def unit_list(request):
    return _directory(request, form_class=UnitFilterForm, select=selectors.unit_list,
                      template="registry/unit_list.html", rows=_unit_rows)


def _detail(request, template: str, load, *args):
    """Render a detail page; a missing record is a 404, never an error page."""
    try:
        context = load(*args)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    return render(request, template, context)


def _organisation_detail(slug: str) -> dict:
    context = selectors.organisation_detail(slug)
    rows = _Rows()
    for child in context["children"]:
        rows.organisation(child)
    for project in context["projects"]:
        project.row_url = row_url("registry:project", "code", project.code, rows.env)
        project.row_title = rows.name(project, "title")
        project.row_direction = rows.name(project.key_direction)
        project.row_status = rows.label(ProjectStatus, project.status)
    for aff in context["people"]:
        aff.person.row_url = row_url("registry:person", "pk", aff.person.pk, rows.env)
        aff.person.row_name = rows.name(aff.person)
        aff.row_role = rows.label(AffiliationRole, aff.role)
    for lease in context["leases"]:
        lease.unit.floor.building.row_name = rows.name(lease.unit.floor.building)
        lease.unit.row_use = rows.label(SpaceUse, lease.unit.use)
    return context


@require_GET
def organisation_detail(request, slug: str):
    return _detail(request, "registry/organisation_detail.html", _organisation_detail, slug)


@require_GET
def person_detail(request, pk: int):
    return _detail(request, "registry/person_detail.html", selectors.person_detail, pk)


@require_GET
def project_detail(request, code: str):
    return _detail(request, "registry/project_detail.html",
                   lambda c: {"project": selectors.project_detail(c)}, code)


@require_GET
def park_detail(request, code: str):
    return _detail(request, "registry/park_detail.html", selectors.park_detail, code)


def _search_rows(result: dict) -> dict:
    """Links and kinds of the matches (the names are shown as plain text, in the page's language)."""
    rows = _Rows()
    for org in result["organisations"]:
        org.row_url = row_url("registry:organisation", "slug", org.slug, rows.env)
        org.row_kind = rows.label(OrganisationKind, org.kind)
    for person in result["people"]:
        person.row_url = row_url("registry:person", "pk", person.pk, rows.env)
    for project in result["projects"]:
        project.row_url = row_url("registry:project", "code", project.code, rows.env)
    return result


@require_GET
def search(request):
    form = SearchForm(request.GET or None)
    q = cleaned_filters(form).get("q", "")
    return render(request, "registry/search.html", {"form": form,
                                                    "result": _search_rows(selectors.search_everything(q))})
