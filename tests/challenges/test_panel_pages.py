"""The panel's pages and endpoints: who may open what, bad input answered 4xx with the message (nothing
changed), deploy twice answered 409, and the declaration page blind in phase 1 (no team name, email or
organisation, in any script)."""

import datetime
import json

import pytest

from hetao.challenges.models import (
    Assignment,
    AssignmentRun,
    BidMember,
    ChallengeStatus,
    ConflictOverride,
    Declaration,
    Expert,
    ExpertStatus,
    MemberStatus,
    RunStatus,
)
from hetao.registry.models import Organisation
from tests import factories

from . import builders

pytestmark = pytest.mark.django_db

QUANTUM = "量子纠错与超导量子比特的实时解码 surface code qubit decoding"


@pytest.fixture
def officer(db):
    from tests.conftest import staff_in

    return staff_in("pageofficer", "research_management")


def post(client, url, data=None, method="post"):
    return getattr(client, method)(url, json.dumps(data or {}), content_type="application/json")


def in_review(officer, **fields):
    return builders.challenge(officer, status=ChallengeStatus.REVIEW, closes_in=-datetime.timedelta(hours=1),
                              **fields)


def test_the_officers_pages_and_the_invitation(client, officer):
    candidate = factories.make_user("candidate", person=factories.PersonFactory(name_en="Candidate Person"))
    builders.pool_expert("inpool", region="macao", disciplines="optics")
    client.force_login(candidate)
    assert client.get("/en/research/experts/").status_code == 403
    client.force_login(officer)
    page = client.get("/en/research/experts/?region=macao").content.decode()
    assert "optics" in page and "Candidate Person" in page  # in the pool; in the invitation's choices
    assert "optics" not in client.get("/en/research/experts/?region=mainland").content.decode()
    response = client.post("/en/research/experts/", {"user": candidate.pk, "disciplines": "", "region": "mainland",
                                                     "sector": "academia", "languages": "en", "max_load": 30})
    assert response.status_code == 400 and not Expert.objects.filter(user=candidate).exists()
    response = client.post("/en/research/experts/", {"user": candidate.pk, "disciplines": "physics",
                                                     "region": "mainland", "sector": "academia", "languages": "en",
                                                     "max_load": 3})
    assert response.status_code == 302 and Expert.objects.get(user=candidate).status == ExpertStatus.INVITED
    client.force_login(candidate)
    assert "Accept the invitation" in client.get("/en/expert/").content.decode()
    assert client.post("/en/expert/", {"action": "accept"}).status_code == 302
    response = client.post("/en/expert/", {"action": "profile", "disciplines": "physics", "keywords": "",
                                           "languages": "en", "region": "mainland", "sector": "academia",
                                           "available": "on", "max_load": 0})
    assert response.status_code == 400 and Expert.objects.get(user=candidate).max_load == 3
    assert Expert.objects.get(user=candidate).status == ExpertStatus.ACTIVE


def test_propose_inspect_swap_and_deploy_on_the_page(client, officer):
    challenge = in_review(officer, experts_per_bid=1, max_load=1, min_hk_macao_experts=0, min_mainland_experts=0)
    bid = builders.bid(challenge, factories.make_user("teamlead"))
    first, second = (builders.pool_expert("pe1", disciplines=QUANTUM),
                     builders.pool_expert("pe2", disciplines="botany"))
    client.force_login(first.user)
    assert client.get(f"/en/research/challenges/{challenge.code}/assignment/").status_code == 403
    client.force_login(officer)
    assert client.post(f"/en/research/challenges/{challenge.code}/assignment/",
                       {"action": "propose"}).status_code == 302
    run = AssignmentRun.objects.get()
    assert {a.expert_id for a in run.assignments.all()} == {first.pk}
    page = client.get(f"/en/research/challenges/{challenge.code}/assignment/").content.decode()
    assert bid.reference in page and str(first.person) in page and "Deploy" in page
    response = client.post(f"/en/research/challenges/{challenge.code}/assignment/",
                           {"action": "swap", "run": run.pk, "bid": bid.pk, "remove": first.pk, "add": first.pk})
    assert response.status_code == 400 and "already assigned" in response.content.decode()
    response = client.post(f"/en/research/challenges/{challenge.code}/assignment/",
                           {"action": "swap", "run": run.pk, "bid": bid.pk, "remove": first.pk, "add": second.pk})
    assert response.status_code == 302 and run.assignments.get().expert_id == second.pk
    for bad in ({"action": "deploy", "run": "abc"}, {"action": "deploy"}, {"action": "swap", "run": run.pk + 99}):
        assert client.post(f"/en/research/challenges/{challenge.code}/assignment/", bad).status_code == 404
    assert client.post(f"/en/research/challenges/{challenge.code}/assignment/",
                       {"action": "nonsense", "run": run.pk}).status_code == 400
    assert client.post(f"/en/research/challenges/{challenge.code}/assignment/",
                       {"action": "deploy", "run": run.pk}).status_code == 302
    response = client.post(f"/en/research/challenges/{challenge.code}/assignment/",
                           {"action": "deploy", "run": run.pk})
    assert response.status_code == 409
    assert AssignmentRun.objects.filter(status=RunStatus.DEPLOYED).count() == 1
    page = client.get(f"/en/research/challenges/{challenge.code}/assignment/").content.decode()
    assert "Deployed assignment" in page and "Not yet declared" in page


def test_the_api_propose_infeasible_swap_deploy_twice(client, officer):
    challenge = in_review(officer, experts_per_bid=3, max_load=1, min_hk_macao_experts=0, min_mainland_experts=0)
    bid = builders.bid(challenge, factories.make_user("apilead"))
    experts = [builders.pool_expert(f"api{i}", disciplines=QUANTUM) for i in range(2)]
    client.force_login(experts[0].user)
    assert post(client, f"/api/v1/challenges/{challenge.code}/assignment-runs").status_code == 403
    client.force_login(officer)
    response = post(client, f"/api/v1/challenges/{challenge.code}/assignment-runs")
    assert response.status_code == 422 and not AssignmentRun.objects.exists()
    assert "Demand 3 reviews, but experts can give between 0 and 2." in json.dumps(response.json())
    extra = builders.pool_expert("api2", disciplines="botany")
    response = post(client, f"/api/v1/challenges/{challenge.code}/assignment-runs")
    assert response.status_code == 201, response.content
    run = response.json()
    assert len(run["assignments"]) == 3 and run["status"] == "proposed"
    assert client.get(f"/api/v1/assignment-runs/{run['id']}").json()["id"] == run["id"]
    response = post(client, f"/api/v1/assignment-runs/{run['id']}/swap",
                    {"bid": bid.pk, "remove": extra.pk, "add": experts[0].pk})
    assert response.status_code == 422
    assert post(client, f"/api/v1/assignment-runs/{run['id']}/deploy").status_code == 200
    response = post(client, f"/api/v1/assignment-runs/{run['id']}/deploy")
    assert response.status_code == 409 and "deployed" in response.json()["detail"]
    assert AssignmentRun.objects.filter(status=RunStatus.DEPLOYED).count() == 1
    # Conflicts on the API: add with a reason; without one a 422 and nothing stored.
    response = post(client, f"/api/v1/challenges/{challenge.code}/conflicts",
                    {"bid": bid.pk, "expert": extra.pk, "effect": "add", "reason": ""})
    assert response.status_code == 422 and not ConflictOverride.objects.exists()
    response = post(client, f"/api/v1/challenges/{challenge.code}/conflicts",
                    {"bid": bid.pk, "expert": extra.pk, "effect": "add", "reason": "Co-founder"})
    assert response.status_code == 200 and response.json()["effect"] == "add"
    listed = client.get(f"/api/v1/challenges/{challenge.code}/conflicts").json()
    assert any(row["expert"] == extra.pk and row["reasons"][0]["code"] == "officer" for row in listed)
    assert client.get("/api/v1/experts?region=mainland").status_code == 200


def test_the_expert_api(client, officer):
    expert = builders.pool_expert("meapi")
    client.force_login(expert.user)
    assert client.get("/api/v1/me/expert").json()["id"] == expert.pk
    assert post(client, "/api/v1/me/expert", {"max_load": 99}, method="patch").status_code == 422
    assert Expert.objects.get(pk=expert.pk).max_load == 4
    assert post(client, "/api/v1/me/expert", {"max_load": 6}, method="patch").json()["max_load"] == 6
    challenge = in_review(officer)
    bid = builders.bid(challenge, factories.make_user("melead"))
    run = builders.deployed_run(challenge, [(bid, expert)])
    assignment = run.assignments.get()
    assert client.get("/api/v1/me/assignments").json()[0]["reference"] == bid.reference
    response = post(client, f"/api/v1/assignments/{assignment.pk}/declare", {"conflict": True, "reason": ""})
    assert response.status_code == 422 and Assignment.objects.get().declaration == Declaration.PENDING
    response = post(client, f"/api/v1/assignments/{assignment.pk}/declare", {"conflict": False})
    assert response.status_code == 200 and response.json()["declaration"] == "no_conflict"
    assert post(client, f"/api/v1/assignments/{assignment.pk}/declare", {"conflict": False}).status_code == 409
    client.force_login(officer)
    assert post(client, f"/api/v1/assignments/{assignment.pk}/declare", {"conflict": False}).status_code == 404


def test_the_declaration_page_is_blind_in_phase_one(client, officer):
    org = Organisation.objects.create(slug="blind-org", kind="enterprise", name_en="Blindspot Robotics Ltd",
                                      name_zh_hans="盲点机器人有限公司", name_zh_hant="盲點機器人有限公司")
    lead = factories.make_user("blindlead", first_name="Siu Ming", last_name="Cheung")
    member = factories.make_user("blindmember", first_name="Wei", last_name="Zhao")
    for user, email in ((lead, "smcheung@blindspot.hk"), (member, "zhaowei@blindspot.cn")):
        user.email = email
        user.save(update_fields=["email"])
    challenge = in_review(officer)
    bid = builders.bid(challenge, lead, organisation=org, team_name="Team Blindspot 盲點隊", members=(member,))
    BidMember.objects.filter(bid=bid, user=member).update(name="趙偉 Zhao Wei", status=MemberStatus.CONFIRMED)
    bid.declared_conflicts = "張小紅 Cheung Siu Hung"
    bid.save(update_fields=["declared_conflicts"])
    expert = builders.pool_expert("blindexpert")
    run = builders.deployed_run(challenge, [(bid, expert)])
    assignment = run.assignments.get()
    forbidden = ["Blindspot", "盲点", "盲點", "Cheung", "Siu Ming", "smcheung", "blindspot.hk", "blindspot.cn",
                 "Zhao", "趙偉", "赵伟", "zhaowei", "blindlead", "blindmember", "張小紅", "张小红", "Team Blindspot"]
    client.force_login(expert.user)
    pages = [client.get(f"/{lang}/expert/assignments/{assignment.pk}/declare/") for lang in ("en", "zh-hans",
                                                                                              "zh-hant")]
    pages.append(client.get("/en/expert/"))
    pages.append(client.get("/api/v1/me/assignments"))
    for response in pages:
        assert response.status_code == 200
        text = response.content.decode()
        assert bid.reference in text
        for word in forbidden:
            assert word not in text, word
    response = client.post(f"/en/expert/assignments/{assignment.pk}/declare/", {"action": "conflict", "reason": ""})
    assert response.status_code == 400 and Assignment.objects.get().declaration == Declaration.PENDING
    for word in forbidden:
        assert word not in response.content.decode()
    response = client.post(f"/en/expert/assignments/{assignment.pk}/declare/", {"action": "no_conflict"})
    assert response.status_code == 302 and Assignment.objects.get().declaration == Declaration.NO_CONFLICT
    other = factories.make_user("stranger")
    client.force_login(other)
    assert client.get(f"/en/expert/assignments/{assignment.pk}/declare/").status_code == 403
    client.force_login(lead)  # the team never sees who reviewed them
    assert client.get(f"/en/expert/assignments/{assignment.pk}/declare/").status_code == 403
    assert client.get(f"/en/research/challenges/{challenge.code}/assignment/").status_code == 403


def test_the_conflicts_page(client, officer):
    challenge = in_review(officer)
    lead_person = factories.PersonFactory(name_en="Lead Person")
    bid = builders.bid(challenge, factories.make_user("conflictlead", person=lead_person))
    expert = builders.pool_expert("selfish", user=bid.lead, person=lead_person)
    client.force_login(officer)
    page = client.get(f"/en/research/challenges/{challenge.code}/conflicts/").content.decode()
    assert "The expert is a member of the team." in page
    response = client.post(f"/en/research/challenges/{challenge.code}/conflicts/",
                           {"bid": bid.pk, "expert": expert.pk, "effect": "lift", "reason": ""})
    assert response.status_code == 400 and not ConflictOverride.objects.exists()
    response = client.post(f"/en/research/challenges/{challenge.code}/conflicts/",
                           {"bid": bid.pk, "expert": expert.pk, "effect": "lift", "reason": "Checked"})
    assert response.status_code == 302 and ConflictOverride.objects.get().effect == "lift"
    sealed = builders.challenge(officer, code="HT-2026-09")
    builders.bid(sealed, factories.make_user("sealedlead"), team_name="Sealed Team")
    page = client.get(f"/en/research/challenges/{sealed.code}/conflicts/").content.decode()
    assert "Sealed Team" not in page and "sealed" in page


def test_query_counts_do_not_grow_with_the_data(client, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def build(code, n):
        challenge = in_review(officer, code=code, experts_per_bid=1, max_load=n, min_hk_macao_experts=0,
                              min_mainland_experts=1)
        experts = [builders.pool_expert(f"{code}e{i}", disciplines=QUANTUM) for i in range(n)]
        bids = [builders.bid(challenge, factories.make_user(f"{code}l{i}")) for i in range(n)]
        run = AssignmentRun.objects.create(challenge=challenge, created_by=officer)
        for made_bid, expert in zip(bids, experts, strict=True):
            Assignment.objects.create(run=run, bid=made_bid, expert=expert, affinity=0.3)
        return challenge, experts[0]

    small, small_expert = build("HT-2026-31", 1)
    large, _ = build("HT-2026-32", 4)
    client.force_login(officer)
    client.get(f"/en/research/challenges/{small.code}/assignment/")  # warm up the session and the caches
    counts = []
    for challenge in (small, large):
        for page in ("assignment", "conflicts"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"/en/research/challenges/{challenge.code}/{page}/").status_code == 200
            counts.append(len(queries))
    assert counts[:2] == counts[2:]
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/en/research/experts/").status_code == 200
    few = len(queries)
    builders.pool_expert("onemore")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/en/research/experts/").status_code == 200
    assert len(queries) == few
