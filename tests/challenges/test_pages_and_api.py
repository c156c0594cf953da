"""The topic pages and endpoints: who sees what, bad input answered 4xx with the message, and the same rules on
both channels."""

import json

import pytest

from hetao.challenges.models import Status, Topic, TopicSupport

from .conftest import accepted, draft, published, submitted

pytestmark = pytest.mark.django_db

FORM = {"title_en": "Cold-chain tracking", "problem": "Samples spoil.", "importance": "Joint labs.",
        "outcome": "24-hour clearance.", "key_direction": "", "budget_amount": "", "budget_currency": "", "tags": ""}


def form(**extra):
    from hetao.registry.models import KeyDirection

    return {**FORM, "key_direction": KeyDirection.objects.get(code="biomedicine").pk, **extra}


def test_propose_save_and_submit_on_the_pages(client, proposer):
    client.force_login(proposer)
    response = client.post("/en/topics/propose/", form())
    topic = Topic.objects.get(proposer=proposer)
    assert response.status_code == 302 and response.url == f"/en/topics/{topic.pk}/edit/"
    response = client.post(f"/en/topics/{topic.pk}/edit/", form(title_en="Cold chain", action="submit"))
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.status == Status.SUBMITTED and topic.title_en == "Cold chain"
    assert "Cold chain" in client.get("/en/my-topics/").content.decode()


def test_bad_input_on_the_page_is_a_400_with_the_message(client, proposer):
    client.force_login(proposer)
    response = client.post("/en/topics/propose/", form(title_en="", budget_amount="-3", budget_currency="CNY"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give a title in at least one language." in page
    response = client.post("/en/topics/propose/", form(budget_amount="100"))
    assert response.status_code == 400 and "Choose the currency of the budget." in response.content.decode()
    assert not Topic.objects.exists()


def test_the_public_list_shows_published_topics_with_filters(client, proposer, officer):
    shown = published(proposer, officer, title_en="Shown topic")
    submitted(proposer, title_en="Hidden topic")
    page = client.get("/en/topics/").content.decode()
    assert "Shown topic" in page and "Hidden topic" not in page
    assert "Shown topic" not in client.get("/en/topics/?direction=energy").content.decode()
    assert "Shown topic" in client.get("/en/topics/?direction=quantum&status=published").content.decode()
    assert client.get("/en/topics/?status=nonsense").status_code == 200  # an unknown filter is not applied
    assert client.get(f"/en/topics/{shown.pk}/").status_code == 200


def test_a_topic_not_public_is_seen_only_by_its_proposer_and_officers(client, proposer, other, officer):
    topic = draft(proposer)
    assert client.get(f"/en/topics/{topic.pk}/").status_code == 403
    client.force_login(other)
    assert client.get(f"/en/topics/{topic.pk}/").status_code == 403
    client.force_login(officer)
    assert client.get(f"/en/topics/{topic.pk}/").status_code == 403  # a draft is the proposer's alone
    client.force_login(proposer)
    assert client.get(f"/en/topics/{topic.pk}/").status_code == 200
    assert client.get("/en/topics/999999/").status_code == 404


def test_support_withdraw_and_comment_on_the_page(client, proposer, other, officer):
    topic = published(proposer, officer)
    client.force_login(other)
    assert client.post(f"/en/topics/{topic.pk}/", {"action": "support"}).status_code == 302
    response = client.post(f"/en/topics/{topic.pk}/", {"action": "support"})
    assert response.status_code == 400 and "You already support this topic." in response.content.decode()
    assert TopicSupport.objects.filter(topic=topic).count() == 1
    page = client.get(f"/en/topics/{topic.pk}/").content.decode()
    assert "1 support of 50 needed" in page and 'value="withdraw"' in page
    assert client.post(f"/en/topics/{topic.pk}/", {"action": "withdraw"}).status_code == 302
    assert client.post(f"/en/topics/{topic.pk}/", {"action": "comment", "body": ""}).status_code == 400
    assert client.post(f"/en/topics/{topic.pk}/", {"action": "comment", "body": "Good."}).status_code == 302
    assert "Good." in client.get(f"/en/topics/{topic.pk}/").content.decode()


def test_the_screening_page_declines_with_a_reason(client, proposer, officer):
    topic = submitted(proposer)
    client.force_login(officer)
    response = client.post(f"/en/screening/topics/{topic.pk}/", {"action": "decline", "reason": ""})
    assert response.status_code == 400 and "Give the reason: the proposer reads it." in response.content.decode()
    response = client.post(f"/en/screening/topics/{topic.pk}/", {"action": "publish"})
    assert response.status_code == 409
    response = client.post(f"/en/screening/topics/{topic.pk}/", {"action": "decline", "reason": "Out of scope."})
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.status == Status.DECLINED
    client.force_login(proposer)
    assert "Out of scope." in client.get(f"/en/topics/{topic.pk}/").content.decode()


def test_the_queue_is_for_research_officers(client, proposer, officer, outsider_officer):
    submitted(proposer, title_en="Waiting topic")
    client.force_login(outsider_officer)
    assert client.get("/en/screening/topics/").status_code == 403
    client.force_login(officer)
    assert "Waiting topic" in client.get("/en/screening/topics/").content.decode()


# ── API ──


def post(client, path, data=None):
    return client.post(path, json.dumps(data or {}), content_type="application/json")


def test_api_propose_submit_screen_and_support(client, proposer, other, officer):
    client.force_login(proposer)
    response = post(client, "/api/v1/topics", {"title_zh_hans": "冷链追踪", "problem": "p", "importance": "i",
                                               "outcome": "o", "key_direction": "biomedicine",
                                               "budget_amount": "1000.50", "budget_currency": "HKD"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["title_zh_hant"] == "冷鏈追蹤" and body["actions"] == ["save", "submit"]
    pk = body["id"]
    assert post(client, f"/api/v1/topics/{pk}/submit").json()["status"] == "submitted"
    assert post(client, f"/api/v1/topics/{pk}/screen", {"action": "accept"}).status_code == 403
    client.force_login(officer)
    assert post(client, f"/api/v1/topics/{pk}/screen", {"action": "accept"}).json()["status"] == "accepted"
    assert post(client, f"/api/v1/topics/{pk}/screen", {"action": "publish"}).json()["status"] == "published"
    client.force_login(other)
    assert post(client, f"/api/v1/topics/{pk}/support").json() == {"supported": True, "support_count": 1}
    again = post(client, f"/api/v1/topics/{pk}/support")
    assert again.status_code == 422 and again.json()["errors"]["__all__"] == ["You already support this topic."]
    assert client.delete(f"/api/v1/topics/{pk}/support").json() == {"supported": False, "support_count": 0}
    client.logout()
    listed = client.get("/api/v1/topics").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == pk
    assert client.get(f"/api/v1/topics/{pk}").json()["budget_amount"] == "1000.50"


@pytest.mark.parametrize("data, status, field", [
    ({"budget_amount": "-1", "budget_currency": "CNY"}, 422, None),
    ({"budget_amount": "10"}, 422, "budget_currency"),
    ({"budget_currency": "USD"}, 422, None),
    ({"title_en": ""}, 422, "title_en"),
    ({"key_direction": "no-such-direction"}, 404, None),
    ({"organisation": "hkust-sz-hk-institute"}, 422, "organisation"),
])
def test_api_bad_input_is_a_4xx_with_the_message(client, proposer, data, status, field):
    client.force_login(proposer)
    payload = {"title_en": "T", "problem": "p", "importance": "i", "outcome": "o", "key_direction": "quantum", **data}
    response = post(client, "/api/v1/topics", payload)
    assert response.status_code == status, response.content
    assert response.json()["detail"]
    if field:
        assert field in response.json()["errors"]
    assert not Topic.objects.exists()


def test_api_hides_what_the_caller_may_not_see(client, proposer, other, officer):
    hidden = accepted(proposer, officer)
    assert client.get(f"/api/v1/topics/{hidden.pk}").status_code == 404
    assert post(client, "/api/v1/topics", {}).status_code == 401
    client.force_login(other)
    assert post(client, f"/api/v1/topics/{hidden.pk}/submit").status_code == 404
    assert post(client, f"/api/v1/topics/{hidden.pk}/screen", {"action": "publish"}).status_code == 403
    assert Topic.objects.get(pk=hidden.pk).status == Status.ACCEPTED


def test_the_edit_page_of_a_topic_with_an_organisation(client, officer):
    from hetao.accounts.models import Membership
    from hetao.registry.models import Organisation
    from tests import factories

    member = factories.make_user("member")
    organisation = Organisation.objects.get(slug="hkust-sz-hk-institute")
    Membership.objects.create(user=member, organisation=organisation, role="member")
    topic = submitted(member, organisation=organisation)
    client.force_login(member)
    assert client.get("/en/topics/propose/").status_code == 200
    client.force_login(officer)  # not a member: the topic's organisation stays a choice
    page = client.get(f"/en/topics/{topic.pk}/edit/").content.decode()
    assert f'value="{organisation.pk}" selected' in page
