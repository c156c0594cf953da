"""Pages and endpoints cost a fixed number of queries, whatever the size of the park (NetBox, Zulip).

The same figures hold at `load_demo_park --scale 10`: `make bench` measures them there and fails on a change.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import OrganisationFactory, PersonFactory, ProjectFactory

pytestmark = pytest.mark.django_db

# path → queries. The detail page of an organisation queries each related list once and all its counts in one
# query (registry/selectors.py organisation_detail). The home page is measured
# with its dashboard snapshot warm (registry/snapshots.py): only the park list; recomputing costs RECOMPUTE_HOME.
PINNED = {
    "/en/": 1,
    "/en/organisations/": 4,
    "/en/organisations/?q=hk&kind=university_institute": 4,
    "/en/organisations/hkust-sz-hk-institute/": 7,
    "/en/people/": 3,
    "/en/people/?region=hong_kong&q=chan": 3,
    "/en/projects/": 3,
    "/en/projects/?direction=quantum": 3,
    "/en/spaces/": 3,
    "/en/parks/shenzhen/": 5,
    "/en/search/?q=HKUST": 6,
    "/api/v1/organisations": 2,  # the page carries its count (hetao.api.schemas.RowPage)
    "/api/v1/organisations?q=hk": 2,
    "/api/v1/people": 2,
    "/api/v1/projects": 2,
    "/api/v1/spaces": 2,
    "/api/v1/patents": 3,
    "/api/v1/organisations/hkust": 2,
}


def count_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


WARM = {"/en/"}  # pages served from a snapshot: one request first fills it
RECOMPUTE_HOME = 15


def measure(client) -> dict[str, int]:
    for path in WARM:
        client.get(path)
    return {path: count_queries(client, path) for path in PINNED}


def test_home_recomputes_its_figures_in_a_fixed_number_of_queries(client):
    assert count_queries(client, "/en/") == RECOMPUTE_HOME  # each test starts with an empty cache


def test_home_with_a_warm_snapshot_costs_the_same_at_two_sizes(client, django_capture_on_commit_callbacks):
    from hetao.registry.services import person_create

    client.get("/en/")
    small = count_queries(client, "/en/")
    for _ in range(30):
        ProjectFactory(lead_organisation=OrganisationFactory(kind="fortune500_rd"))
    with django_capture_on_commit_callbacks(execute=True):
        person_create(actor=None, system=True, name_en="Chan Grow", region="hong_kong")  # the write that invalidates
    assert count_queries(client, "/en/") == RECOMPUTE_HOME  # stale: recomputed once, at the larger size
    assert count_queries(client, "/en/") == small == PINNED["/en/"]


def test_query_counts_are_pinned(client):
    assert measure(client) == PINNED


def test_query_counts_do_not_grow_with_the_data(client):
    institute = OrganisationFactory(slug="grow-institute", kind="university_institute", name_en="HK Grow Institute")
    for _ in range(30):
        org = OrganisationFactory(kind="university_institute", name_en="HK Extra Institute")
        PersonFactory(affiliation=institute, name_en="Chan Extra", region="hong_kong")
        ProjectFactory(lead_organisation=org, partners=[institute, org])
    assert measure(client) == PINNED
    assert count_queries(client, "/en/organisations/grow-institute/") == PINNED[
        "/en/organisations/hkust-sz-hk-institute/"]
