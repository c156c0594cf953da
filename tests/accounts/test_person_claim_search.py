"""Linking oneself to a registry person: search by any script or romanisation, then "this is me"; staff confirm."""

import pytest
from django.contrib.auth import get_user_model

from hetao.accounts.models import PersonClaim
from hetao.registry.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(client):
    user = get_user_model().objects.create_user("newcomer", "newcomer@example.org", "pw-claim-12345")
    client.force_login(user)
    return user


@pytest.fixture
def person():
    return Person.objects.get(name_en="Yang Jinglei")  # 杨晶磊 / 楊晶磊 in the demo registry


@pytest.mark.parametrize("query", ["杨晶磊", "楊晶磊", "Yang Jinglei", "yang jinglei"])
def test_search_finds_the_person_in_any_script(client, newcomer, person, query):
    response = client.get("/en/account/person/search/", {"q": query}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f'name="person" value="{person.pk}"' in html and "This is me" in html
    assert "Hong Kong University of Science and Technology" in html or "HKUST" in html  # the organisation


def test_a_person_linked_to_another_account_is_not_offered(client, newcomer, person):
    get_user_model().objects.create_user("owner", "owner@example.org", "pw-claim-12345", person=person)
    html = client.get("/en/account/person/search/", {"q": "Yang Jinglei"}).content.decode()
    assert f'value="{person.pk}"' not in html and "No one in the registry matches" in html


def test_a_one_letter_query_searches_nothing(client, newcomer):
    html = client.get("/en/account/person/search/", {"q": "Y"}).content.decode()
    assert 'name="person"' not in html and "No one in the registry matches" not in html


def test_the_home_page_shows_results_without_javascript(client, newcomer, person):
    html = client.get("/en/account/", {"q": "杨晶磊"}).content.decode()
    assert 'hx-get="/en/account/person/search/"' in html
    assert f'name="person" value="{person.pk}"' in html


def test_this_is_me_makes_a_claim_that_staff_confirm(client, newcomer, person):
    response = client.post("/en/account/person/", {"person": person.pk})
    assert response.status_code == 302
    claim = PersonClaim.objects.get(user=newcomer)
    assert claim.person == person and claim.status == PersonClaim.Status.PENDING
    newcomer.refresh_from_db()
    assert newcomer.person is None  # linked only when staff confirm
    page = client.get("/en/account/").content.decode()
    assert "Waiting for staff" in page


@pytest.mark.parametrize(("value", "status"), [("abc", 400), ("", 400), ("0", 400), ("999999999", 404)])
def test_a_bad_person_id_is_a_4xx_not_a_500(client, newcomer, value, status):
    assert client.post("/en/account/person/", {"person": value}).status_code == status
    assert not PersonClaim.objects.filter(user=newcomer).exists()


def test_search_needs_a_signed_in_user(client):
    assert client.get("/en/account/person/search/", {"q": "Yang"}).status_code == 302
