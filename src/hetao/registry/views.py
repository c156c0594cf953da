"""Public pages of the registry: dashboard, directory, detail pages and search."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors, snapshots
from .forms import (
    OrganisationFilterForm,
    PersonFilterForm,
    ProjectFilterForm,
    SearchForm,
    UnitFilterForm,
    cleaned_filters,
)


def _page(request, queryset):
    return Paginator(queryset, settings.HETAO_PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _directory(request, *, form_class, select, template: str):
    form = form_class(request.GET or None)
    page = _page(request, select(**cleaned_filters(form)))
    return render(request, template, {"form": form, "page": page, "query": _query_without_page(request)})


@require_GET
def home(request):
    figures = snapshots.dashboard_figures()  # from the snapshot: no aggregate queries per request
    return render(request, "registry/home.html", {
        "kpis": selectors.dashboard_kpis(figures),
        "charts": selectors.dashboard_charts(figures),
        "parks": selectors.parks(),
    })


@require_GET
def organisation_list(request):
    return _directory(request, form_class=OrganisationFilterForm, select=selectors.organisation_list,
                      template="registry/organisation_list.html")


@require_GET
def person_list(request):
    return _directory(request, form_class=PersonFilterForm, select=selectors.person_list,
                      template="registry/person_list.html")


@require_GET
def project_list(request):
    return _directory(request, form_class=ProjectFilterForm, select=selectors.project_list,
                      template="registry/project_list.html")


@require_GET
def unit_list(request):
    return _directory(request, form_class=UnitFilterForm, select=selectors.unit_list,
                      template="registry/unit_list.html")


def _detail(request, template: str, load, *args):
    """Render a detail page; a missing record is a 404, never an error page."""
    try:
        context = load(*args)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    return render(request, template, context)


@require_GET
def organisation_detail(request, slug: str):
    return _detail(request, "registry/organisation_detail.html", selectors.organisation_detail, slug)


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


@require_GET
def search(request):
    form = SearchForm(request.GET or None)
    q = cleaned_filters(form).get("q", "")
    return render(request, "registry/search.html", {"form": form, "result": selectors.search_everything(q)})
