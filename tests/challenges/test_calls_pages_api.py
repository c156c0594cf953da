"""Challenge pages and endpoints: the public list (filters, three languages), a challenge (everything a bidder
reads; the asker never shown; officers see only the count of sealed bids), results, the officers' pages, and
the API's answers to bad input (4xx, nothing written)."""

import datetime
import json
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from hetao.challenges.models import Award, BidStatus, Challenge, ChallengeQuestion, ChallengeStatus, Criterion
from hetao.challenges.services import calls
from tests import factories

from . import builders
from .conftest import accepted, direction

pytestmark = pytest.mark.django_db


def post(client, path, data=None, method="post"):
    return getattr(client, method)(path, json.dumps(data if data is not None else {}),
                                   content_type="application/json")


def make(officer, code="HT-2024-01", **extra):
    return builders.open_challenge(officer, code=code, **extra)


@pytest.mark.parametrize(("prefix", "words"), [("en", "Budget ceiling"), ("zh-hans", "容错逻辑量子比特"),
                                               ("zh-hant", "容錯邏輯量子位元")])
def test_the_public_list_and_detail_in_three_languages(client, officer, prefix, words):
    challenge = make(officer)
    builders.challenge(officer, code="HT-2024-09", status=ChallengeStatus.DRAFT, title_en="Secret draft")
    page = client.get(f"/{prefix}/challenges/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "HT-2024-01" in text and "Secret draft" not in text
    detail = client.get(f"/{prefix}/challenges/{challenge.code}/")
    assert detail.status_code == 200 and words in detail.content.decode()
    assert client.get(f"/{prefix}/challenges/HT-2024-09/").status_code == 404


def test_the_detail_shows_everything_a_bidder_reads(client, officer, proposer):
    topic = accepted(proposer, officer, title_en="Source topic of the qubit")
    challenge = make(officer, review_ends_on=datetime.date(2030, 1, 5))
    challenge.topics.add(topic)
    asker = factories.make_user("asker", first_name="Zhiqiang", last_name="Asker")
    question = calls.question_ask(actor=asker, challenge=challenge, question="May a Macao team bid?")
    calls.question_answer(actor=officer, question=question, answer="Yes, from either side of the border.")
    calls.question_ask(actor=asker, challenge=challenge, question="Unanswered question here")
    page = client.get(f"/en/challenges/{challenge.code}/").content.decode()
    for shown in ("Fault-tolerant logical qubits", "Physical qubits decohere.", "A logical qubit.",
                  "Error rate &lt; 1e-3.", "5000000", "CNY", "24 months", "Technical merit", "40%", "6.00 / 10",
                  "A registered entity in either park", "May a Macao team bid?", "Yes, from either side",
                  "Source topic of the qubit", "2030-01-05"):
        assert shown in page, shown
    assert "Unanswered question here" not in page and "Asker" not in page and "asker" not in page
    assert "bids received" not in page


def test_officers_see_only_the_count_of_sealed_bids(client, officer):
    challenge = make(officer)
    lead = factories.make_user("lead")
    builders.bid(challenge, lead, team_name="Team Photon")
    builders.bid(challenge, factories.make_user("drafter"), status=BidStatus.DRAFT, team_name="Team Draft")
    client.force_login(officer)
    page = client.get(f"/en/challenges/{challenge.code}/").content.decode()
    assert "1 bid received" in page and "sealed" in page
    assert "Team Photon" not in page and "Team Draft" not in page and lead.username not in page
    body = client.get(f"/api/v1/challenges/{challenge.code}").json()
    assert body["bid_count"] == 1 and "Team Photon" not in json.dumps(body)
    client.logout()
    assert client.get(f"/api/v1/challenges/{challenge.code}").json()["bid_count"] is None


def test_filters_and_bad_filter_values(client, officer):
    make(officer, code="HT-2024-01", title_zh_hans="", title_zh_hant="")
    make(officer, code="HT-2024-02", ceiling=Decimal("800000"), currency="HKD")
    listed = client.get("/en/challenges/?currency=HKD").content.decode()
    assert "HT-2024-02" in listed and "HT-2024-01" not in listed
    listed = client.get("/en/challenges/?language=zh-hans").content.decode()
    assert "HT-2024-02" in listed and "HT-2024-01" not in listed
    listed = client.get("/en/challenges/?budget_min=1000000&status=open&direction=quantum").content.decode()
    assert "HT-2024-01" in listed and "HT-2024-02" not in listed
    for bad in ("budget_min=abc", "budget_min=5&budget_max=1", "status=draft", "direction=nowhere",
                "language=fr", "budget_max=-3", "page=zzz&currency=EUR"):
        response = client.get(f"/en/challenges/?{bad}")
        assert response.status_code == 400 and "Some filters were not applied" in response.content.decode(), bad
    api = client.get("/api/v1/challenges?currency=HKD").json()
    assert [c["code"] for c in api["items"]] == ["HT-2024-02"] and api["count"] == 1
    assert client.get("/api/v1/challenges?language=zh-hans").json()["count"] == 1
    for bad in ("budget_min=abc", "budget_min=5&budget_max=1", "status=draft", "language=fr", "page=0",
                "page_size=1000", "currency=EUR", "budget_min=1e400"):
        assert client.get(f"/api/v1/challenges?{bad}").status_code in (400, 422), bad


def test_results_only_after_the_award(client, officer):
    challenge = make(officer)
    assert client.get(f"/en/challenges/{challenge.code}/results/").status_code == 404
    assert client.get(f"/api/v1/challenges/{challenge.code}/results").status_code == 404
    won = builders.bid(challenge, factories.make_user("winner"), team_name="Team Qubit")
    builders.close(challenge, status=ChallengeStatus.AWARDED)
    Award.objects.create(challenge=challenge, bid=won, amount=Decimal("1800000"), currency="CNY", awarded_by=officer)
    page = client.get(f"/zh-hant/challenges/{challenge.code}/results/")
    assert page.status_code == 200 and "Team Qubit" in page.content.decode() and "1800000" in page.content.decode()
    body = client.get(f"/api/v1/challenges/{challenge.code}/results").json()
    assert body["winners"] == [{"team_name": "Team Qubit", "amount": "1800000.00", "currency": "CNY"}]


def test_ask_on_the_page_and_answer_as_an_officer(client, officer, proposer):
    challenge = make(officer)
    assert client.post(f"/en/challenges/{challenge.code}/", {"action": "ask", "question": "x"}).status_code == 302
    assert not ChallengeQuestion.objects.exists()  # anonymous: sent to sign in
    client.force_login(proposer)
    assert client.post(f"/en/challenges/{challenge.code}/", {"action": "ask", "question": ""}).status_code == 400
    assert client.post(f"/en/challenges/{challenge.code}/",
                       {"action": "ask", "question": "Is HKD fine?"}).status_code == 302
    question = ChallengeQuestion.objects.get()
    response = client.post(f"/en/challenges/{challenge.code}/", {"action": "answer", "question_id": question.pk,
                                                                 "answer": "Yes"})
    assert response.status_code == 403
    client.force_login(officer)
    assert "Is HKD fine?" in client.get(f"/en/challenges/{challenge.code}/").content.decode()
    response = client.post(f"/en/challenges/{challenge.code}/", {"action": "answer", "question_id": question.pk,
                                                                 "answer": "Yes, HKD is fine."})
    assert response.status_code == 302
    again = client.post(f"/en/challenges/{challenge.code}/", {"action": "answer", "question_id": question.pk,
                                                              "answer": "No"})
    assert again.status_code == 400 and "already answered" in again.content.decode()
    assert client.post(f"/en/challenges/{challenge.code}/", {"action": "nope"}).status_code == 400
    assert ChallengeQuestion.objects.get().answer == "Yes, HKD is fine."


def test_officer_pages_new_from_topics_edit_and_publish(client, officer, proposer, outsider_officer):
    topic = accepted(proposer, officer, title_en="Cold chain", budget_amount=Decimal("900000"),
                     budget_currency="CNY")
    client.force_login(outsider_officer)
    assert client.get("/en/research/challenges/").status_code == 403
    assert client.get("/en/research/challenges/new/").status_code == 403
    client.force_login(officer)
    assert "Make a challenge from this topic" in client.get(f"/en/topics/{topic.pk}/").content.decode()
    assert "Make a challenge from this topic" in client.get(f"/en/screening/topics/{topic.pk}/").content.decode()
    page = client.get(f"/en/research/challenges/new/?topics={topic.pk}")
    assert page.status_code == 200 and "Cold chain" in page.content.decode()
    assert client.get("/en/research/challenges/new/?topics=abc").status_code == 400
    closes = (timezone.localtime() + datetime.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    data = {"topics": str(topic.pk), "title_en": "Cold chain challenge", "problem": "Samples spoil.",
            "deliverables": "A tracker.", "indicators": "Clearance in 24 hours.", "budget_ceiling": "900000",
            "currency": "CNY", "duration_months": "12", "key_direction": direction().pk, "closes_at": closes,
            "experts_per_bid": "3", "max_load": "4", "min_load": "0", "spread_threshold": "3",
            "min_hk_macao_experts": "1", "min_mainland_experts": "1", "min_industry_experts": "0",
            "criteria-TOTAL_FORMS": "2", "criteria-INITIAL_FORMS": "0",
            "criteria-0-name_en": "Merit", "criteria-0-description": "Quality.", "criteria-0-weight": "70",
            "criteria-1-name_en": "Plan", "criteria-1-description": "Feasible.", "criteria-1-weight": "30",
            "criteria-1-threshold": "4", "rules-TOTAL_FORMS": "1", "rules-INITIAL_FORMS": "0",
            "rules-0-kind": "capability", "rules-0-text": "PhD holders only", "action": "save"}
    response = client.post("/en/research/challenges/new/", data)
    assert response.status_code == 400 and "academic degree" in response.content.decode()
    assert not Challenge.objects.exists()  # nothing half-written
    data["rules-0-text"] = "A cold-chain logger that works at -20 °C"
    response = client.post("/en/research/challenges/new/", data)
    assert response.status_code == 302
    challenge = Challenge.objects.get()
    assert list(challenge.topics.all()) == [topic] and challenge.criteria.count() == 2
    assert "Cold chain challenge" in client.get("/en/research/challenges/").content.decode()
    assert f"{challenge.code}" in client.get(f"/en/topics/{topic.pk}/").content.decode()
    assert f"{challenge.code}" in client.get(f"/en/screening/topics/{topic.pk}/").content.decode()
    edit = client.get(f"/en/research/challenges/{challenge.code}/edit/")
    assert edit.status_code == 200 and "Merit" in edit.content.decode()
    data.update({"title_en": "Cold chain, renamed", "criteria-INITIAL_FORMS": "2"})
    assert client.post(f"/en/research/challenges/{challenge.code}/edit/", data).status_code == 302
    assert Challenge.objects.get().title_en == "Cold chain, renamed"
    action = f"/en/research/challenges/{challenge.code}/action/"
    assert client.post(action, {"action": "start_review"}).status_code == 409
    assert client.post(action, {"action": "publish"}).status_code == 302
    assert Challenge.objects.get().status == ChallengeStatus.OPEN
    refused = client.post(action, {"action": "start_review"})
    assert refused.status_code == 400 and "review can start only after" in refused.content.decode()
    assert client.post(action, {"action": "cancel", "reason": ""}).status_code == 400
    assert client.post(action, {"action": "dance"}).status_code == 400
    client.force_login(proposer)
    assert client.post(action, {"action": "cancel", "reason": "x"}).status_code == 403
    assert Challenge.objects.get().status == ChallengeStatus.OPEN


def test_the_api_path_and_its_refusals(client, officer, proposer):
    client.force_login(officer)
    closes = (timezone.now() + datetime.timedelta(days=5)).isoformat()
    made = post(client, "/api/v1/challenges", {"title_zh_hans": "冷链追踪", "problem": "p", "deliverables": "d",
                                               "indicators": "i", "budget_ceiling": "1000.50", "currency": "HKD",
                                               "duration_months": 6, "key_direction": "quantum", "closes_at": closes})
    assert made.status_code == 201, made.content
    code = made.json()["code"]
    assert made.json()["title_zh_hant"] == "冷鏈追蹤"
    bad_criteria = [[{"name_en": "Age of the lead", "description": "d", "weight": 100}],
                    [{"name_en": "M", "description": "d", "weight": 0}],
                    [{"name_en": "M", "description": "d", "weight": 100, "threshold": "11"}],
                    [{"name_en": "M", "weight": 100}], {"not": "a list"}]
    for body in bad_criteria:
        assert post(client, f"/api/v1/challenges/{code}/criteria", body, "put").status_code == 422, body
    assert not Criterion.objects.exists()
    assert post(client, f"/api/v1/challenges/{code}/eligibility",
                [{"kind": "capability", "text": "年齡不超過40歲"}], "put").status_code == 422
    assert post(client, f"/api/v1/challenges/{code}/eligibility", [{"kind": "x"}], "put").status_code == 422
    assert post(client, f"/api/v1/challenges/{code}/actions/publish").status_code == 422
    ok = post(client, f"/api/v1/challenges/{code}/criteria",
              [{"name_en": "Merit", "description": "d", "weight": 100, "threshold": "5"}], "put")
    assert ok.status_code == 200 and ok.json()[0]["threshold"] == "5.00"
    assert post(client, f"/api/v1/challenges/{code}/actions/dance").status_code == 422
    assert post(client, f"/api/v1/challenges/{code}/actions/publish").json()["status"] == "open"
    assert post(client, f"/api/v1/challenges/{code}/actions/publish").status_code == 409
    fixed = post(client, f"/api/v1/challenges/{code}", {"budget_ceiling": "5"}, "patch")
    assert fixed.status_code == 422 and "fixed" in json.dumps(fixed.json())
    assert post(client, f"/api/v1/challenges/{code}", {"problem": "Better wording"}, "patch").status_code == 200
    assert post(client, f"/api/v1/challenges/{code}", {"budget_ceiling": "abc"}, "patch").status_code == 422
    assert post(client, "/api/v1/challenges", {"topics": [99999999]}).status_code == 422
    assert post(client, "/api/v1/challenges", {"key_direction": "nowhere"}).status_code in (404, 422)
    client.force_login(proposer)
    assert post(client, "/api/v1/challenges", {"title_en": "x"}).status_code == 403
    assert post(client, f"/api/v1/challenges/{code}/actions/cancel", {"reason": "x"}).status_code == 403
    asked = post(client, f"/api/v1/challenges/{code}/questions", {"question": "Can we bid in HKD?"})
    assert asked.status_code == 201
    assert post(client, f"/api/v1/challenges/{code}/questions", {"question": ""}).status_code == 422
    pk = asked.json()["id"]
    assert post(client, f"/api/v1/challenges/questions/{pk}/answer", {"answer": "Yes"}).status_code == 403
    assert client.get(f"/api/v1/challenges/{code}/questions").json() == []
    client.force_login(officer)
    assert post(client, f"/api/v1/challenges/questions/{pk}/answer", {"answer": "Yes"}).status_code == 200
    assert post(client, f"/api/v1/challenges/questions/{pk}/answer", {"answer": "No"}).status_code == 422
    client.logout()
    listed = client.get(f"/api/v1/challenges/{code}/questions").json()
    assert listed == [{"id": pk, "question": "Can we bid in HKD?", "answer": "Yes",
                       "answered_at": listed[0]["answered_at"]}]
    assert post(client, f"/api/v1/challenges/{code}/questions", {"question": "anon"}).status_code == 401
    assert post(client, f"/api/v1/challenges/{code}/actions/cancel", {"reason": "x"}).status_code == 401
    assert client.get("/api/v1/challenges/NOPE-1").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_officers_answering_at_once_leave_one_answer(demo_park):
    from tests.conftest import staff_in

    first, second = staff_in("officer1", "research_management"), staff_in("officer2", "research_management")
    challenge = make(first)
    question = calls.question_ask(actor=factories.make_user("asker"), challenge=challenge, question="Q?")
    outcomes: list[str] = []

    def answer(officer, text):
        try:
            calls.question_answer(actor=officer, question=question, answer=text)
            outcomes.append("ok")
        except Exception as error:  # noqa: BLE001 - the refusal is what we count
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(o, t)) for o, t in ((first, "A"), (second, "B"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1
    assert ChallengeQuestion.objects.get().answer in ("A", "B")


def test_attachments_download_and_drafts_stay_hidden(client, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    challenge = make(officer)
    shown = calls.attachment_add(actor=officer, challenge=challenge, title="Terms of the call",
                                 upload=SimpleUploadedFile("terms.pdf", pdf))
    draft = builders.challenge(officer, code="HT-2024-05", status=ChallengeStatus.DRAFT)
    hidden = calls.attachment_add(actor=officer, challenge=draft, title="Draft terms",
                                  upload=SimpleUploadedFile("draft.pdf", pdf))
    assert "Terms of the call" in client.get(f"/en/challenges/{challenge.code}/").content.decode()
    response = client.get(f"/en/challenges/{challenge.code}/attachments/{shown.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == pdf
    assert client.get(f"/en/challenges/{draft.code}/attachments/{hidden.pk}/").status_code == 404
    assert client.get(f"/en/challenges/{challenge.code}/attachments/{hidden.pk}/").status_code == 404
    attachments = client.get(f"/api/v1/challenges/{challenge.code}").json()["attachments"]
    assert [a["title"] for a in attachments] == ["Terms of the call"]


def test_the_public_list_query_count_does_not_grow(client, officer, django_assert_max_num_queries):
    for n in range(1, 4):
        make(officer, code=f"HT-2024-2{n}")
    with django_assert_max_num_queries(12) as few:
        client.get("/en/challenges/")
    for n in range(4, 9):
        make(officer, code=f"HT-2024-2{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/en/challenges/")
    with django_assert_max_num_queries(12):
        client.get("/api/v1/challenges")


def test_api_starts_the_defence_only_from_the_review(client, officer, proposer):
    item = builders.close(make(officer, code="HT-2024-09"), status=ChallengeStatus.REVIEW)
    client.force_login(proposer)
    assert post(client, f"/api/v1/challenges/{item.code}/actions/start_defence").status_code == 403
    client.force_login(officer)
    answer = post(client, f"/api/v1/challenges/{item.code}/actions/start_defence")
    assert answer.status_code == 200 and answer.json()["status"] == "defence"
    assert post(client, f"/api/v1/challenges/{item.code}/actions/start_defence").status_code == 409
    item.refresh_from_db()
    assert item.status == ChallengeStatus.DEFENCE
