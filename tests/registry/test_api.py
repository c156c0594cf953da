import json

import pytest

from hetao.audit.models import AuditEvent
from hetao.registry.models import KeyDirection, Lease, Organisation, Project, Unit

pytestmark = pytest.mark.django_db


def post(client, path, data, **headers):
    return client.post(path, json.dumps(data), content_type="application/json", **headers)


def test_list_search_and_detail(client):
    body = client.get("/api/v1/organisations", {"q": "港科大"}).json()
    assert body["items"][0]["slug"] == "hkust"
    assert body["items"][0]["names"]["zh_hant"] == "香港科技大學"
    assert "港科大" in body["items"][0]["aliases"]
    detail = client.get("/api/v1/organisations/hkust", HTTP_ACCEPT_LANGUAGE="zh-hant").json()
    assert detail["name"] == "香港科技大學"


def test_pagination_and_filters(client):
    body = client.get("/api/v1/people", {"region": "hong_kong", "page": 2, "page_size": 10}).json()
    assert len(body["items"]) == 10 and body["count"] > 1000
    assert all(p["region"] == "hong_kong" for p in body["items"])
    assert client.get("/api/v1/projects", {"hk_key": True}).json()["count"] >= 14
    assert client.get("/api/v1/spaces", {"park": "hong-kong", "use": "lab"}).json()["count"] > 0
    assert client.get("/api/v1/patents", {"year": 2025}).json()["count"] > 0


@pytest.mark.parametrize("query", [{"kind": "nope"}, {"page": 0}, {"page": "x"}, {"page_size": -1}])
def test_bad_query_is_422_not_500(client, query):
    response = client.get("/api/v1/organisations", query)
    assert response.status_code == 422
    assert response.json()["errors"]


def test_openapi_and_docs(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/organisations" in spec["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"cdn" not in docs.content.lower()


NEW_ORG = {"slug": "new-lab", "kind": "enterprise", "name_en": "New Lab", "name_zh_hant": "新實驗室",
           "aliases": ["NL"], "park": "shenzhen", "key_directions": ["quantum"],
           "uscc": "91350100M000100Y43"}


def test_anonymous_and_non_staff_cannot_write_and_nothing_changes(client, member_user):
    count = Organisation.objects.count()
    assert post(client, "/api/v1/organisations", NEW_ORG).status_code == 401
    client.force_login(member_user)
    response = post(client, "/api/v1/organisations", NEW_ORG)
    assert response.status_code == 403
    assert Organisation.objects.count() == count
    assert not AuditEvent.objects.filter(action__startswith="registry.").exists()


def test_staff_write_derives_script_and_is_audited(staff_client):
    response = post(staff_client, "/api/v1/organisations", NEW_ORG)
    assert response.status_code == 201, response.content
    assert response.json()["names"]["zh_hans"] == "新实验室"
    assert AuditEvent.objects.filter(action="registry.organisation.create", target_label="New Lab").exists()
    assert staff_client.get("/api/v1/organisations", {"q": "新實驗室"}).json()["count"] == 1


def test_invalid_identifier_gives_message_in_the_callers_language_and_saves_nothing(staff_client):
    count = Organisation.objects.count()
    bad = {**NEW_ORG, "uscc": "91350100M000100Y44"}
    response = post(staff_client, "/api/v1/organisations", bad, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert "check character" in response.json()["errors"]["uscc"][0]
    response = post(staff_client, "/api/v1/organisations", bad, HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert response.status_code == 422
    assert "統一社會信用代碼" in response.json()["errors"]["uscc"][0]
    assert Organisation.objects.count() == count


def test_unknown_references_are_refused(staff_client):
    assert post(staff_client, "/api/v1/organisations", {**NEW_ORG, "park": "nowhere"}).status_code == 404
    response = post(staff_client, "/api/v1/organisations", {**NEW_ORG, "key_directions": ["astrology"]})
    assert response.status_code == 422 and "key_directions" in response.json()["errors"]
    assert not Organisation.objects.filter(slug="new-lab").exists()


def test_project_ending_before_start_is_refused(staff_client):
    data = {"code": "HT-NEW-1", "title_en": "New", "lead_organisation": "hkust", "key_direction": "quantum",
            "start_date": "2026-01-01", "end_date": "2025-01-01"}
    response = post(staff_client, "/api/v1/projects", data)
    assert response.status_code == 422 and "end_date" in response.json()["errors"]
    assert not Project.objects.filter(code="HT-NEW-1").exists()
    response = post(staff_client, "/api/v1/projects", {**data, "end_date": "2028-01-01"})
    assert response.status_code == 201


def test_overlapping_lease_refused_through_api(staff_client):
    lease = Lease.objects.order_by("pk").first()
    data = {"unit": lease.unit_id, "organisation": "hkust", "start_date": str(lease.start_date),
            "end_date": str(lease.end_date)}
    response = post(staff_client, "/api/v1/leases", data)
    assert response.status_code == 422
    assert Lease.objects.filter(unit=lease.unit_id).count() == 1


def test_patch_organisation(staff_client):
    response = staff_client.patch("/api/v1/organisations/hkust", json.dumps({"aliases": ["HKUST", "港科大", "UST"]}),
                                  content_type="application/json")
    assert response.status_code == 200
    assert staff_client.get("/api/v1/organisations", {"q": "UST"}).json()["items"][0]["slug"] == "hkust"


def test_write_needs_csrf_token(member_user):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(member_user)
    assert post(csrf_client, "/api/v1/organisations", NEW_ORG).status_code in (401, 403)
    assert Unit.objects.exists() and KeyDirection.objects.exists()


# ── Paging, ids and nulls are bounded in one place (hetao.api.schemas) ───────────────────────────────

LISTS = ["/api/v1/organisations", "/api/v1/people", "/api/v1/projects", "/api/v1/patents", "/api/v1/spaces",
         "/api/v1/services", "/api/v1/applications"]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("query", [{"page": 10**12}, {"page": 2**63}, {"page": 10**30}, {"page": 0},
                                   {"page_size": 101}, {"page_size": 0}, {"page": "1e3"}])
def test_every_list_refuses_paging_out_of_bounds_with_a_message(client, member_user, path, query):
    client.force_login(member_user)
    response = client.get(path, query)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] and [e for e in body["errors"] if set(query) & set(map(str, e["loc"]))]


@pytest.mark.parametrize("path", LISTS)
def test_every_list_pages_the_same_way(client, member_user, path):
    client.force_login(member_user)
    body = client.get(path, {"page": 1000000, "page_size": 100}).json()
    assert body["items"] == [] and isinstance(body["count"], int)


@pytest.mark.parametrize(("path", "status"), [
    (f"/api/v1/people/{2**63 - 1}", 404), (f"/api/v1/people/{2**63}", 422), (f"/api/v1/people/{10**40}", 422),
    (f"/api/v1/spaces/{2**64}", 422), ("/api/v1/spaces/0", 404),
    ("/api/v1/patents?year=0", 422), (f"/api/v1/patents?year={10**20}", 422), ("/api/v1/patents?year=9999", 200),
    ("/api/v1/organisations/a%00b", 422), ("/api/v1/organisations?q=a%00b", 400),
])
def test_ids_and_numbers_beyond_the_database_are_refused_not_a_500(client, path, status):
    response = client.get(path)
    assert response.status_code == status, response.content
    assert response.json()


def test_a_null_where_the_model_refuses_one_is_a_422_naming_the_field(staff_client):
    before = Organisation.objects.get(slug="hkust")
    for field in ("name_zh_hans", "name_en", "uscc", "website", "aliases"):
        response = staff_client.patch("/api/v1/organisations/hkust", json.dumps({field: None}),
                                      content_type="application/json")
        assert response.status_code == 422, (field, response.content)
        assert [e for e in response.json()["errors"] if field in e["loc"]], field
    assert Organisation.objects.get(slug="hkust").name_zh_hans == before.name_zh_hans
    response = post(staff_client, "/api/v1/organisations", {**NEW_ORG, "name_zh_hant": None})
    assert response.status_code == 422 and not Organisation.objects.filter(slug="new-lab").exists()
    # Where the model allows NULL, so does the schema: a project without an end date.
    data = {"code": "HT-NULL-1", "title_en": "Open-ended", "lead_organisation": "hkust", "key_direction": "quantum",
            "start_date": "2026-01-01", "end_date": None}
    assert post(staff_client, "/api/v1/projects", data).status_code == 201


def test_the_openapi_document_says_which_fields_may_be_null():
    from hetao.api.api import api

    schemas = api.get_openapi_schema()["components"]["schemas"]
    patch = schemas["OrganisationPatch"]["properties"]
    assert patch["name_zh_hans"]["type"] == "string" and "anyOf" not in patch["name_zh_hans"]
    assert "default" not in patch["name_zh_hans"] and not schemas["OrganisationPatch"].get("required")
    assert {"type": "null"} in schemas["ProjectIn"]["properties"]["end_date"]["anyOf"]


def test_staff_lease_for_a_unit_number_beyond_the_database_is_a_422(staff_client):
    data = {"unit": 2**64, "organisation": "hkust", "start_date": "2026-01-01", "end_date": "2027-01-01"}
    assert post(staff_client, "/api/v1/leases", data).status_code == 422


@pytest.mark.parametrize(("department", "status"), [("data", 201), ("enterprise_services", 201),
                                                    ("talent_services", 403)])
def test_who_may_write_through_the_api(client, department, status):
    from tests.conftest import staff_in

    client.force_login(staff_in("writer", department))
    response = post(client, "/api/v1/organisations", NEW_ORG)
    assert response.status_code == status, response.content
    assert Organisation.objects.filter(slug="new-lab").exists() == (status == 201)
    assert AuditEvent.objects.filter(action="registry.organisation.create").exists() == (status == 201)
