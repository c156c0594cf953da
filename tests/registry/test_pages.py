import pytest
from django.urls import reverse
from django.utils import translation

from hetao.registry.models import Organisation, Person, Project

pytestmark = pytest.mark.django_db

LANGS = ["en", "zh-hans", "zh-hant"]


def url(name, lang, **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", ["registry:home", "registry:organisations", "registry:people",
                                  "registry:projects", "registry:spaces", "registry:search"])
def test_public_pages_in_three_languages(client, lang, name):
    response = client.get(url(name, lang))
    assert response.status_code == 200
    assert response.headers["Content-Language"] == lang
    assert "Content-Security-Policy" in response.headers


def test_home_shows_kpis_and_chart_data(client):
    response = client.get("/zh-hant/")
    html = response.content.decode()
    assert "15,2" in html  # researchers, computed (> 15,000)
    assert 'id="chart-data"' in html and "projects_by_direction" in html
    assert "河套深港科技創新合作區" in html


@pytest.mark.parametrize("q", ["HKUST", "hkust", "港科大", "香港科技大學", "香港科技大学"])
def test_search_finds_hkust_by_any_name(client, q):
    response = client.get("/en/search/", {"q": q})
    assert response.status_code == 200
    first = response.context["result"]["organisations"][0]
    assert first.slug == "hkust"


def test_search_finds_people_by_romanisation_and_other_script(client):
    response = client.get("/en/search/", {"q": "俞大鵬"})
    assert [p.name_en for p in response.context["result"]["people"]] == ["Yu Dapeng"]
    response = client.get("/en/search/", {"q": "yu da peng"})
    assert "Yu Dapeng" in [p.name_en for p in response.context["result"]["people"]]


def test_search_by_identifier(client):
    org = Organisation.objects.exclude(uscc="").order_by("pk").first()
    response = client.get("/en/search/", {"q": org.uscc.lower()})
    assert org in response.context["result"]["organisations"]


@pytest.mark.parametrize("q", ["", "   ", "%", "'; drop table x; --", "x" * 500, "\x00"])
def test_search_odd_input_never_fails(client, q):
    assert client.get("/en/search/", {"q": q}).status_code == 200


def test_directory_filters_and_bad_filters(client):
    response = client.get("/en/organisations/", {"kind": "university"})
    assert {o.slug for o in response.context["page"]} == {"hku", "hkust", "cuhk", "cityu", "polyu"}
    response = client.get("/en/organisations/", {"kind": "not-a-kind", "page": "999999"})
    assert response.status_code == 200
    assert "not-a-kind" in response.content.decode()  # the message names the refused value
    assert response.context["form"].errors["kind"]


def test_detail_pages_show_related_things(client):
    response = client.get("/en/organisations/cityu-futian-institute/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "City University of Hong Kong" in html  # its university
    assert "Chen Furong" in html  # its people
    assert response.context["projects_count"] >= 1 and response.context["leases"]
    person = Person.objects.get(name_en="Chen Furong")
    assert client.get(person.get_absolute_url()).status_code == 200
    project = Project.objects.filter(is_hk_university_key_project=True).first()
    assert project.lead_organisation.name_en in client.get(project.get_absolute_url()).content.decode()
    assert client.get("/en/parks/shenzhen/").status_code == 200


@pytest.mark.parametrize("path", ["/en/organisations/nope/", "/en/people/999999999/", "/en/projects/NOPE/",
                                  "/en/parks/nope/"])
def test_missing_things_are_404(client, path):
    assert client.get(path).status_code == 404


def test_language_choice_is_remembered(client):
    response = client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/en/organisations/"})
    assert response.status_code == 302 and response.url == "/zh-hant/organisations/"
    assert client.cookies["hetao_language"].value == "zh-hant"
    assert client.get("/").url == "/zh-hant/"


def test_no_asset_comes_from_another_origin(client):
    html = client.get("/en/").content.decode()
    import re

    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    external = [s for s in sources if s.startswith(("http://", "https://", "//")) and "127.0.0.1" not in s]
    assert external == []
    assert "/static/vendor/echarts/echarts.min.js" in html


def test_organisation_counts_match_the_records(client):
    """The detail page's counts come from one query of subqueries (selectors.organisation_detail): each equals a
    count of the records themselves, a project the organisation both leads and partners counted once."""
    import datetime
    from decimal import Decimal

    from hetao.registry import selectors
    from hetao.registry.models import Affiliation, Lease, Patent, StandardOutput, StandardsMembership
    from tests.factories import OrganisationFactory, PersonFactory, ProjectFactory, unit_in_new_building

    org = OrganisationFactory(slug="counted-org", kind="standards_org")
    other = OrganisationFactory()
    ProjectFactory(lead_organisation=org, partners=[other])
    ProjectFactory(lead_organisation=org, partners=[org, other])  # leads and partners: once
    ProjectFactory(lead_organisation=other, partners=[org])
    ProjectFactory(lead_organisation=other, partners=[other])  # not its project
    for n in range(3):
        PersonFactory(affiliation=org, name_en=f"Counted Person {n}")
    ended = PersonFactory(affiliation=other)
    Affiliation.objects.create(person=ended, organisation=org, role="researcher", start_date=datetime.date(2020, 1, 1),
                               end_date=datetime.date(2021, 1, 1))
    today = selectors.today()
    for area, end in [(Decimal("120.50"), today + datetime.timedelta(days=30)), (Decimal("80"), today)]:
        Lease.objects.create(unit=unit_in_new_building(area=area), organisation=org,
                             start_date=datetime.date(2020, 1, 1), end_date=end)  # the second ended today
    patent = Patent.objects.create(pct_number="PCT/CN2024/000001", title_en="Counted", filing_date="2024-03-01")
    patent.applicants.set([org, other])
    StandardOutput.objects.create(organisation=org, kind="standard", reference="S-1", title_en="S",
                                  released_on="2024-01-01")
    StandardOutput.objects.create(organisation=org, kind="standard", reference="S-2", title_en="S",
                                  released_on="2024-01-01")
    StandardsMembership.objects.create(standards_organisation=org, member=other, joined_on="2024-01-01")

    context = client.get("/en/organisations/counted-org/").context
    assert context["projects_count"] == 3 and len(context["projects"]) == 3
    assert context["people_count"] == 3
    assert context["leased_area"] == Decimal("120.50") and len(context["leases"]) == 1
    assert context["patents_count"] == 1
    assert context["outputs"] == {"standard": 2}
    assert context["members_count"] == 1
    empty = client.get(f"/en/organisations/{other.slug}/").context
    assert empty["leased_area"] == 0 and empty["outputs"] == {} and empty["members_count"] == 0


@pytest.mark.parametrize("lang", LANGS)
def test_directory_rows_link_and_mark_their_language(client, lang):
    """Rows prepared by the view (links, names, labels) read as the template tag and the models would give them."""
    from hetao.core.templatetags.trilingual import trilingual_html
    from tests.factories import OrganisationFactory, PersonFactory

    org = OrganisationFactory(slug="rows-org", name_en="Rows Org", name_zh_hans="", name_zh_hant="")
    person = PersonFactory(affiliation=org, name_en="Rows Person", name_zh_hans="行人", region="hong_kong")
    html = client.get(url("registry:people", lang), {"q": "rows person"}).content.decode()
    with translation.override(lang):
        assert f'<a href="{person.get_absolute_url()}">{trilingual_html(person, "name")}</a>' in html
        assert f'<a href="{org.get_absolute_url()}">{trilingual_html(org, "name")}</a>' in html
        assert f"<td>{person.get_region_display()}</td>" in html
        assert f'({person.affiliations.get().get_role_display()})' in html
    assert ('<span lang="en">Rows Org</span>' in html) == (lang != "en")
