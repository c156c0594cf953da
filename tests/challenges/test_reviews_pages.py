"""Review pages, the panel, the team's result, the XLSX export, the consensus PDF and the reviews API."""

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from hetao.challenges.models import Award, ChallengeStatus, Consensus, Declaration, Review, ReviewStatus
from hetao.challenges.services import reviews as services
from tests.core.test_pdf import assert_every_font_embedded, text_of

from .test_reviews_services import assignment_of, criteria, final_consensus, in_review, review

pytestmark = pytest.mark.django_db
D = Decimal


def form_for(challenge, values, action="save", **extra):
    data = {"action": action, "comments_to_team": "Well argued.", "comments_to_panel": "Budget is tight."}
    for criterion, value in zip(criteria(challenge), values, strict=True):
        if value == "na":
            data[f"na_{criterion.pk}"] = "on"
        else:
            data[f"score_{criterion.pk}"] = str(value)
    return {**data, **extra}


def test_the_review_page_saves_and_submits(client, officer):
    challenge, (bid,), (expert, _other) = in_review(officer)
    assignment = assignment_of(bid, expert)
    client.force_login(expert.user)
    url = reverse("challenges:review", kwargs={"pk": assignment.pk})
    page = client.get(url).content.decode()
    assert bid.reference in page and "Technical merit" in page and 'step="0.5"' in page
    assert client.post(url, form_for(challenge, [8, 6, "na"])).status_code == 302
    saved = Review.objects.get(assignment=assignment)
    assert saved.status == ReviewStatus.DRAFT and saved.comments_to_team == "Well argued."
    assert client.post(url, form_for(challenge, [8, 6, "na"], action="submit")).status_code == 302
    saved.refresh_from_db()
    assert saved.status == ReviewStatus.SUBMITTED and saved.weighted_score == D("70.67")
    response = client.post(url, form_for(challenge, [1, 1, 1], action="save"))
    assert response.status_code == 409 and "already submitted" in response.content.decode()
    listing = client.get(reverse("challenges:my_reviews")).content.decode()
    assert bid.reference in listing and "Submitted" in listing


@pytest.mark.parametrize("values, message", [([11, 6, 5], "Ensure this value is less than or equal to 10"),
                                             (["7.125", 6, 5], "no more than 2 decimal places")])
def test_bad_scores_on_the_page_are_a_400(client, officer, values, message):
    challenge, (bid,), (expert, _other) = in_review(officer)
    client.force_login(expert.user)
    response = client.post(reverse("challenges:review", kwargs={"pk": assignment_of(bid, expert).pk}),
                           form_for(challenge, values))
    assert response.status_code == 400 and message in response.content.decode()
    assert not Review.objects.exists()


def test_the_review_page_is_refused_without_a_no_conflict_declaration(client, officer):
    challenge, (bid,), (expert, other) = in_review(officer, declaration=Declaration.PENDING)
    assignment = assignment_of(bid, expert)
    client.force_login(expert.user)
    assert client.get(reverse("challenges:review", kwargs={"pk": assignment.pk})).status_code == 403
    assert client.post(reverse("challenges:review", kwargs={"pk": assignment.pk}),
                       form_for(challenge, [5, 5, 5])).status_code == 403
    listing = client.get(reverse("challenges:my_reviews")).content.decode()
    assert bid.reference in listing
    client.force_login(other.user)  # another expert's assignment
    assert client.get(reverse("challenges:review", kwargs={"pk": assignment.pk})).status_code == 403
    assert not Review.objects.exists()


def awarded(officer):
    challenge, (winner, runner), (a, b) = in_review(officer, bids=2)
    for bid in (winner, runner):
        review(bid, a, [8, 8, 8])
        review(bid, b, [7, 7, 7])
    final_consensus(officer, winner, [9, 9, 9])
    final_consensus(officer, runner, [7, 7, 7])
    services.challenge_start_defence(actor=officer, challenge=challenge)
    services.challenge_award(actor=officer, challenge=challenge, winners=[(winner, D("1000000"))],
                             minutes="Unanimous.")
    return challenge, winner, runner, (a, b)


def test_the_team_reads_its_result_without_any_reviewers_identity(client, officer):
    challenge, winner, runner, experts = awarded(officer)
    url = reverse("challenges:bid_result", kwargs={"pk": winner.pk})
    client.force_login(runner.lead)
    assert client.get(url).status_code == 403  # another team's result
    client.force_login(winner.lead)
    page = client.get(url).content.decode()
    assert "Clear plan." in page and "A strong bid." in page and "1000000" in page
    assert "Confidential" not in page and "Unanimous." not in page  # never the panel's notes
    for expert in experts:
        for leak in (expert.user.email, expert.user.email.split("@")[0], expert.user.get_full_name(),
                     expert.person.name_en, expert.user.username):
            assert leak not in page, leak
    api = client.get(f"/api/v1/bids/{winner.pk}/result").json()
    assert api["status"] == "awarded" and api["comments_to_team"] == ["Clear plan.", "Clear plan."]
    body = json.dumps(api, ensure_ascii=False)
    for expert in experts:
        assert expert.user.email not in body and expert.person.name_en not in body


def test_before_the_award_the_team_sees_no_result(client, officer):
    challenge, (bid,), (a, _b) = in_review(officer)
    review(bid, a, [8, 8, 8])
    client.force_login(bid.lead)
    assert client.get(reverse("challenges:bid_result", kwargs={"pk": bid.pk})).status_code == 403
    assert client.get(f"/api/v1/bids/{bid.pk}/result").status_code == 403


def test_the_consensus_pdf_embeds_its_fonts_and_holds_chinese_text(client, officer):
    challenge, winner, runner, experts = awarded(officer)
    client.force_login(winner.lead)
    for language, title, criterion in (("zh-hans", "容错逻辑量子比特", "技术水平"),
                                       ("zh-hant", "容錯邏輯量子位元", "技術水平"),
                                       ("en", "Fault-tolerantlogicalqubits", "Technicalmerit")):
        response = client.get(f"/{language}/consensus/{winner.pk}/pdf/")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert_every_font_embedded(response.content)
        text = text_of(response.content)
        assert title in text and criterion in text and "Clearplan." in text
        assert "Confidential" not in text and experts[0].person.name_en.replace(" ", "") not in text


def test_the_xlsx_export_holds_the_scores(client, officer):
    challenge, (first, second), (a, b) = in_review(officer, bids=2)
    review(first, a, [8, 6, 5])
    review(first, b, [7, 7, 7])
    final_consensus(officer, first, [9, 9, 9])
    client.force_login(a.user)
    assert client.get(reverse("challenges:export", kwargs={"code": challenge.code})).status_code == 403
    client.force_login(officer)
    response = client.get(reverse("challenges:export", kwargs={"code": challenge.code}))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    bids, scores = book.worksheets
    rows = list(bids.iter_rows(values_only=True))
    header = rows[0]
    line = next(r for r in rows if r and r[0] == first.reference)
    assert line[header.index("Consensus total")] == 90.0 and line[header.index("Rank")] == 1
    assert line[header.index("Technical merit")] == 9.0
    assert "Team" not in header  # phase 1: references only
    individual = list(scores.iter_rows(values_only=True))
    weighted = sorted(r[-2] for r in individual[1:] if r[0] == first.reference)
    assert weighted == [65.5, 70.0]
    assert any(r and isinstance(r[0], str) and "tie-breaks" in r[0] for r in rows)


def test_the_panel_page_shows_scores_names_and_tie_breaks_to_officers(client, officer):
    challenge, (bid,), (a, b) = in_review(officer)
    review(bid, a, [9, 9, 9])
    review(bid, b, [5, 5, 5])
    url = reverse("challenges:panel", kwargs={"code": challenge.code})
    client.force_login(a.user)
    assert client.get(url).status_code == 403
    client.force_login(officer)
    page = client.get(url).content.decode()
    assert a.person.name_en in page and "90.00" in page and "flagged" in page
    assert "the lower total budget" in page
    response = client.post(url, {"action": "rapporteur", "bid": bid.pk, "rapporteur": a.user.pk})
    assert response.status_code == 302 and Consensus.objects.get(bid=bid).rapporteur == a.user
    response = client.post(url, {"action": "rapporteur", "bid": bid.pk, "rapporteur": officer.pk})
    assert response.status_code == 400 and "already open" in response.content.decode()
    response = client.post(url, {"action": "defence", "bid": bid.pk, "scheduled_at": "2030-01-02T10:00",
                                 "mode": "online", "place": "https://meet.example.org/a"})
    assert response.status_code == 302
    assert client.post(url, {"action": "start_defence"}).status_code == 302
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.DEFENCE
    response = client.post(url, {"action": "award", f"win_{bid.pk}": "on", f"amount_{bid.pk}": "100",
                                 "minutes": ""})
    assert response.status_code == 400 and not Award.objects.exists()
    response = client.post(url, {"action": "award", f"win_{bid.pk}": "on", f"amount_{bid.pk}": "100",
                                 "minutes": "Decided."})
    assert response.status_code == 400 and "no final consensus" in response.content.decode()
    assert client.post(url, {"action": "nonsense"}).status_code == 400


def test_the_rapporteur_writes_the_consensus_on_its_page(client, officer):
    challenge, (bid,), (a, b) = in_review(officer)
    review(bid, a, [8, 8, 8])
    services.consensus_open(actor=officer, bid=bid, rapporteur=a.user)
    url = reverse("challenges:consensus", kwargs={"pk": bid.pk})
    client.force_login(b.user)
    assert client.get(url).status_code == 403
    client.force_login(a.user)
    page = client.get(url).content.decode()
    assert "Reviewer 1" in page and "Confidential: check the costs." in page and a.person.name_en not in page
    data = {"action": "finalise", "report_to_team": "Agreed.", "notes_to_panel": ""}
    data.update({f"score_{c.pk}": "8" for c in criteria(challenge)})
    assert client.post(url, {**data, f"score_{criteria(challenge)[0].pk}": "12"}).status_code == 400
    assert client.post(url, data).status_code == 302
    consensus = Consensus.objects.get(bid=bid)
    assert consensus.status == "final" and consensus.total == D("80.00")


# ── API ──


def put(client, path, data):
    return client.put(path, json.dumps(data), content_type="application/json")


def post(client, path, data=None):
    return client.post(path, json.dumps(data or {}), content_type="application/json")


def test_the_reviews_api_for_experts(client, officer):
    challenge, (bid,), (expert, other) = in_review(officer)
    first, second, third = criteria(challenge)
    assignment = assignment_of(bid, expert)
    client.force_login(expert.user)
    mine = client.get("/api/v1/me/reviews").json()
    assert [row["bid"] for row in mine] == [bid.reference]
    page = client.get(f"/api/v1/reviews/{assignment.pk}").json()
    assert page["bid"]["reference"] == bid.reference and "team" not in page["bid"] and page["review"] is None
    bad = put(client, f"/api/v1/reviews/{assignment.pk}", {"scores": [{"criterion": first.pk, "score": "10.5"}]})
    assert bad.status_code == 422 and "between 0 and 10" in bad.content.decode()
    bad = put(client, f"/api/v1/reviews/{assignment.pk}", {"scores": [{"criterion": 987654, "score": "5"}]})
    assert bad.status_code == 422 and "not in this challenge's rubric" in bad.content.decode()
    assert put(client, f"/api/v1/reviews/{assignment.pk}",
               {"scores": [{"criterion": first.pk, "score": "1.234"}]}).status_code == 422
    assert not Review.objects.exists()
    response = put(client, f"/api/v1/reviews/{assignment.pk}", {
        "scores": [{"criterion": first.pk, "score": "8"}, {"criterion": second.pk, "score": "6"},
                   {"criterion": third.pk, "not_applicable": True}], "comments_to_team": "Good."})
    assert response.status_code == 200 and response.json()["review"]["status"] == "draft"
    response = post(client, f"/api/v1/reviews/{assignment.pk}/submit")
    assert response.status_code == 200 and response.json()["review"]["weighted_score"] == "70.67"
    assert post(client, f"/api/v1/reviews/{assignment.pk}/submit").status_code == 409
    client.force_login(other.user)
    assert client.get(f"/api/v1/reviews/{assignment.pk}").status_code == 404
    client.force_login(bid.lead)
    assert client.get("/api/v1/me/reviews").status_code == 403


def test_the_reviews_api_for_officers(client, officer):
    challenge, (bid,), (a, b) = in_review(officer)
    review(bid, a, [8, 8, 8])
    client.force_login(a.user)
    assert post(client, f"/api/v1/bids/{bid.pk}/consensus", {"rapporteur": a.user.pk}).status_code == 403
    client.force_login(officer)
    response = post(client, f"/api/v1/bids/{bid.pk}/consensus", {"rapporteur": officer.pk})
    assert response.status_code == 201
    assert post(client, f"/api/v1/bids/{bid.pk}/consensus", {"rapporteur": officer.pk}).status_code == 422
    scores = [{"criterion": c.pk, "score": "9"} for c in criteria(challenge)]
    assert put(client, f"/api/v1/bids/{bid.pk}/consensus", {"scores": scores}).status_code == 200
    assert post(client, f"/api/v1/bids/{bid.pk}/consensus/finalise").json()["total"] == "90.00"
    ranking = client.get(f"/api/v1/challenges/{challenge.code}/ranking").json()
    assert ranking["items"][0]["reference"] == bid.reference and ranking["items"][0]["team_name"] is None
    assert len(ranking["tie_breaks"]) == 6
    assert post(client, f"/api/v1/bids/{bid.pk}/defence", {"scheduled_at": "2030-01-01T10:00:00Z",
                                                           "mode": "online", "place": "x"}).status_code == 200
    assert post(client, f"/api/v1/challenges/{challenge.code}/award",
                {"winners": [{"bid": bid.pk, "amount": "10"}], "minutes": "M"}).status_code == 409  # in review
    services.challenge_start_defence(actor=officer, challenge=challenge)
    over = post(client, f"/api/v1/challenges/{challenge.code}/award",
                {"winners": [{"bid": bid.pk, "amount": "99999999"}], "minutes": "M"})
    assert over.status_code == 422 and "budget ceiling" in over.content.decode()
    done = post(client, f"/api/v1/challenges/{challenge.code}/award",
                {"winners": [{"bid": bid.pk, "amount": "100000.50"}], "minutes": "Decided."})
    assert done.status_code == 200 and done.json()["status"] == "awarded"
    assert Award.objects.get().amount == D("100000.50")


def test_reviewer_pages_use_a_constant_number_of_queries(client, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hetao.challenges.models import BidMilestone

    def counts(bids, expert):
        client.force_login(expert.user)
        found = []
        for url in (reverse("challenges:my_reviews"),
                    reverse("challenges:review", kwargs={"pk": assignment_of(bids[0], expert).pk})):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    challenge, bids, (small, _b) = in_review(officer, bids=1, code="HT-2024-03")
    review(bids[0], small, [7, 7, 7], submit=False)
    few = counts(bids, small)
    challenge, bids, (large, _b) = in_review(officer, bids=4, code="HT-2024-04")
    for bid in bids:
        review(bid, large, [7, 7, 7], submit=False)
    for month in range(1, 6):
        BidMilestone.objects.create(bid=bids[0], title=f"M{month}", month=month, deliverable="A chip.")
    assert counts(bids, large) == few


def test_while_sealed_the_panel_shows_only_the_count_and_nothing_exports(client, officer):
    from tests import factories
    from tests.challenges import builders

    challenge = builders.challenge(officer, code="HT-2024-05")
    bid = builders.bid(challenge, factories.make_user("sealedlead"), team_name="Sealed Team Name")
    client.force_login(officer)
    page = client.get(reverse("challenges:panel", kwargs={"code": challenge.code}))
    assert page.status_code == 200 and "1 bid submitted" in page.content.decode()
    assert "Sealed Team Name" not in page.content.decode() and bid.reference not in page.content.decode()
    assert client.get(reverse("challenges:export", kwargs={"code": challenge.code})).status_code == 403
    assert client.get(f"/api/v1/challenges/{challenge.code}/ranking").status_code == 403
    assert client.get(reverse("challenges:review", kwargs={"pk": 987654})).status_code == 404
