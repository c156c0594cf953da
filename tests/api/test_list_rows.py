"""The registry's API lists build their rows from the page's values (hetao.api.schemas.RowPage, registry/api.py):
each item is what the output schema's resolvers give for the model instance, in every language, and the counts
are exact (the page query carries the count)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from hetao.registry import selectors
from hetao.registry.api import OrganisationOut, PersonOut
from hetao.registry.models import Affiliation, Organisation, Person

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "zh-hans", "zh-hant"]


def as_resolved(schema, obj, language: str) -> dict:
    with translation.override(language):
        return schema.model_validate(obj).model_dump(mode="json")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("query", [{}, {"page": 2, "page_size": 40}, {"q": "hk"}, {"direction": "quantum"}])
def test_organisation_rows_are_what_the_resolvers_give(client, language, query):
    body = client.get("/api/v1/organisations", query, HTTP_ACCEPT_LANGUAGE=language).json()
    assert body["items"]
    objects = Organisation.objects.select_related("park", "parent").prefetch_related("key_directions")
    for item in body["items"]:
        assert item == as_resolved(OrganisationOut, objects.get(slug=item["slug"]), language)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("query", [{}, {"q": "chan"}, {"region": "hong_kong", "page": 3}, {"organisation": ""}])
def test_person_rows_are_what_the_resolvers_give(client, language, query):
    if "organisation" in query:  # an organisation with people (DISTINCT)
        query = {"organisation": Affiliation.objects.order_by("pk").values_list("organisation__slug", flat=True)[0]}
    body = client.get("/api/v1/people", query, HTTP_ACCEPT_LANGUAGE=language).json()
    assert body["items"]
    objects = Person.objects.prefetch_related(selectors.current_affiliations())
    for item in body["items"]:
        assert item == as_resolved(PersonOut, objects.get(pk=item["id"]), language)


@pytest.mark.parametrize("query", [{"q": "chan"}, {"q": "陈"}, {"q": "chan", "region": "hong_kong"},
                                   {"q": "chan", "organisation": "hkust"}, {"q": "a", "organisation": "hkust"},
                                   {"q": "no-such-person-anywhere"}])
def test_people_counts_are_exact(client, query):
    expected = selectors.person_list(**query).count()
    assert client.get("/api/v1/people", query).json()["count"] == expected
    past_the_end = {**query, "page": expected // 25 + 2}
    body = client.get("/api/v1/people", past_the_end).json()
    assert body == {"items": [], "count": expected}


@pytest.mark.parametrize("query", [{}, {"q": "hk"}, {"kind": "university_institute"}, {"direction": "quantum"},
                                   {"park": "shenzhen"}, {"q": "no-such-organisation-anywhere"}])
def test_organisation_counts_are_exact(client, query):
    expected = selectors.organisation_list(**query).count()
    assert client.get("/api/v1/organisations", query).json()["count"] == expected
    body = client.get("/api/v1/organisations", {**query, "page": expected // 25 + 2}).json()
    assert body == {"items": [], "count": expected}


@pytest.mark.parametrize(("path", "query"), [("/api/v1/people", {"q": "chan"}), ("/api/v1/people", {}),
                                             ("/api/v1/organisations", {"page": 2})])
def test_the_page_query_carries_the_count(client, path, query):
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(path, query).json()
    assert body["count"] > len(body["items"]) > 0
    assert len(ctx.captured_queries) == 2  # the page with its count, then the affiliations or key directions
    assert "COUNT(" in ctx.captured_queries[0]["sql"]
