"""The bid pages and endpoints: the lead's editor, sealing (officers and experts cannot open a bid before the
deadline; officers see only the count), the emergency opening, invitations, my bids, the PDF copy (embedded
fonts, extractable Chinese), and the API with the same rules."""

import json
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from hetao.challenges.models import Bid, BidMember, BidStatus, BudgetLine, Declaration, MemberStatus
from hetao.challenges.services import bids as svc
from tests import factories

from . import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge(officer):
    return builders.open_challenge(officer)


@pytest.fixture
def lead(db):
    return factories.make_user("lead")


def post(client, path, data=None, method="post"):
    return getattr(client, method)(path, json.dumps(data or {}), content_type="application/json")


def draft(challenge, lead, team_name="量子团队 Qubit Makers"):
    bid = svc.bid_start(actor=lead, challenge=challenge, team_name=team_name)
    svc.bid_save(actor=lead, bid=bid, summary="容错逻辑量子比特的方案", approach="Surface code.",
                 work_plan="24 months.", entity_to_register="Qubit Makers Ltd", declares_no_other_conflicts=True,
                 declares_truthful=True)
    svc.budget_set(actor=lead, bid=bid, lines=[{"category": "personnel", "description": "Engineers",
                                                "amount": "1000000"}])
    svc.milestones_set(actor=lead, bid=bid, milestones=[{"title": "芯片", "month": 6, "deliverable": "A chip"}])
    return Bid.objects.get(pk=bid.pk)


def submitted(challenge, lead, **extra):
    return svc.bid_submit(actor=lead, bid=draft(challenge, lead, **extra))


# ── Pages ──


def test_the_lead_starts_edits_and_submits_on_the_pages(client, challenge, lead):
    client.force_login(lead)
    response = client.post(f"/en/challenges/{challenge.code}/bid/", {"team_name": "Qubit Makers"})
    bid = Bid.objects.get(lead=lead)
    assert response.status_code == 302 and response["Location"].endswith(f"/bids/{bid.pk}/")
    page = client.get(f"/en/bids/{bid.pk}/")
    assert page.status_code == 200 and "Send the invitation" in page.content.decode()
    fields = {"team_name": "Qubit Makers", "summary": "S", "approach": "A", "work_plan": "W",
              "entity_to_register": "QM Ltd", "declares_no_other_conflicts": "on", "declares_truthful": "on",
              "declared_conflicts": "", "organisation": ""}
    assert client.post(f"/en/bids/{bid.pk}/", {**fields, "action": "save"}).status_code == 302
    budget = {"budget-TOTAL_FORMS": "2", "budget-INITIAL_FORMS": "0", "budget-MIN_NUM_FORMS": "0",
              "budget-MAX_NUM_FORMS": "100", "action": "budget",
              "budget-0-category": "personnel", "budget-0-description": "Engineers", "budget-0-amount": "6000000",
              "budget-1-category": "", "budget-1-description": "", "budget-1-amount": ""}
    over = client.post(f"/en/bids/{bid.pk}/", budget)
    assert over.status_code == 400 and "CNY 6,000,000.00" in over.content.decode()
    assert not BudgetLine.objects.filter(bid=bid).exists()
    assert client.post(f"/en/bids/{bid.pk}/", {**budget, "budget-0-amount": "4000000"}).status_code == 302
    invited = client.post(f"/en/bids/{bid.pk}/", {"action": "invite", "invite-email": "m@example.org",
                                                   "invite-name": "Member", "invite-role": ""})
    assert invited.status_code == 302
    refused = client.post(f"/en/bids/{bid.pk}/", {**fields, "action": "submit"})
    assert refused.status_code == 400 and "Member" in refused.content.decode()
    member = BidMember.objects.get(bid=bid, email="m@example.org")
    assert client.post(f"/en/bids/{bid.pk}/", {"action": "remove", "member": member.pk}).status_code == 302
    assert client.post(f"/en/bids/{bid.pk}/", {**fields, "action": "submit"}).status_code == 302
    bid.refresh_from_db()
    assert bid.status == BidStatus.SUBMITTED
    readonly = client.get(f"/en/bids/{bid.pk}/").content.decode()
    assert "Send the invitation" not in readonly and "Withdraw the bid" in readonly


def test_a_team_member_who_is_not_the_lead_cannot_edit(client, challenge, lead):
    bid = draft(challenge, lead)
    mate = factories.make_user("mate")
    member = svc.member_invite(actor=lead, bid=bid, email=mate.email, name="Mate")
    svc.member_respond(actor=mate, member=member, accept=True)
    client.force_login(mate)
    page = client.get(f"/en/bids/{bid.pk}/")
    assert page.status_code == 200 and "Send the invitation" not in page.content.decode()
    response = client.post(f"/en/bids/{bid.pk}/", {"action": "save", "team_name": "Mine now", "summary": "",
                                                   "approach": "", "work_plan": ""})
    assert response.status_code == 403
    assert Bid.objects.get(pk=bid.pk).team_name == bid.team_name


def test_sealed_bids_are_closed_to_officers_and_experts_until_the_deadline(client, challenge, lead, officer):
    bid = submitted(challenge, lead)
    expert = builders.pool_expert("expert1")
    builders.deployed_run(challenge, [(bid, expert)], declaration=Declaration.NO_CONFLICT)
    for who in (officer, expert.user):
        client.force_login(who)
        assert client.get(f"/en/bids/{bid.pk}/").status_code == 404
        assert client.get(f"/en/bids/{bid.pk}/pdf/").status_code == 404
        assert client.get(f"/api/v1/bids/{bid.pk}").status_code == 404
    client.force_login(officer)
    listing = client.get(f"/en/research/challenges/{challenge.code}/bids/").content.decode()
    assert "1 bid is submitted" in listing and bid.team_name not in listing and "Engineers" not in listing
    assert client.get(f"/api/v1/challenges/{challenge.code}/bids").json() == {"count": 1, "sealed": True}
    client.force_login(expert.user)
    assert client.get(f"/en/research/challenges/{challenge.code}/bids/").status_code == 403
    assert client.get(f"/api/v1/challenges/{challenge.code}/bids").status_code == 403
    builders.close(challenge)
    assert client.get(f"/en/bids/{bid.pk}/").status_code == 404  # experts read bids on the reviews pages
    client.force_login(officer)
    assert client.get(f"/en/bids/{bid.pk}/").status_code == 200
    listing = client.get(f"/en/research/challenges/{challenge.code}/bids/").content.decode()
    assert bid.team_name in listing and bid.reference in listing
    body = client.get(f"/api/v1/challenges/{challenge.code}/bids").json()
    assert body["sealed"] is False and body["items"][0]["team_name"] == bid.team_name


def test_the_emergency_opening_on_the_officer_page(client, challenge, lead, officer):
    bid = submitted(challenge, lead)
    client.force_login(officer)
    url = f"/en/research/challenges/{challenge.code}/bids/"
    assert client.post(url, {"bid": bid.pk, "reason": ""}).status_code == 400
    assert Bid.objects.get(pk=bid.pk).unsealed_at is None
    response = client.post(url, {"bid": bid.pk, "reason": "A court order"})
    assert response.status_code == 302
    assert client.get(f"/en/bids/{bid.pk}/").status_code == 200
    client.force_login(lead)
    assert "A court order" in client.get(f"/en/bids/{bid.pk}/").content.decode()


def test_invitation_page_and_my_bids(client, challenge, lead):
    bid = draft(challenge, lead)
    member = svc.member_invite(actor=lead, bid=bid, email="joiner@example.org", name="Joiner")
    intruder = factories.make_user("intruder")
    client.force_login(intruder)
    assert client.get(f"/en/bids/invitations/{member.token}/").status_code == 403
    assert client.post(f"/en/bids/invitations/{member.token}/", {"action": "accept"}).status_code == 403
    joiner = factories.make_user("joiner")
    client.force_login(joiner)
    mine = client.get("/en/my-bids/").content.decode()
    assert f"/bids/invitations/{member.token}/" in mine
    assert client.post(f"/en/bids/invitations/{member.token}/", {"action": "accept"}).status_code == 302
    assert BidMember.objects.get(pk=member.pk).status == MemberStatus.CONFIRMED
    assert bid.reference in client.get("/en/my-bids/").content.decode()
    assert client.get(f"/en/bids/{bid.pk}/").status_code == 200


@pytest.mark.parametrize("language, chinese", [("en", "量子团队"), ("zh-hans", "容错逻辑量子比特"),
                                               ("zh-hant", "容錯邏輯量子位元")])
def test_the_pdf_copy_embeds_its_fonts_and_chinese_is_extractable(client, challenge, lead, language, chinese):
    bid = submitted(challenge, lead)
    client.force_login(lead)
    response = client.get(f"/{language}/bids/{bid.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert chinese in text and bid.reference in text
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                fonts.append((font["/BaseFont"], descriptor is not None and (
                    "/FontFile2" in descriptor.get_object() or "/FontFile3" in descriptor.get_object())))
    assert fonts and all(embedded for _name, embedded in fonts), fonts


# ── API ──


def test_api_start_edit_budget_members_and_submit(client, challenge, lead):
    client.force_login(lead)
    made = post(client, f"/api/v1/challenges/{challenge.code}/bids", {"team_name": "API team"})
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    again = post(client, f"/api/v1/challenges/{challenge.code}/bids", {"team_name": "Twice"})
    assert again.status_code == 422 and Bid.objects.filter(lead=lead).count() == 1
    patched = post(client, f"/api/v1/bids/{pk}", {"summary": "S", "approach": "A", "work_plan": "W",
                                                 "entity_to_register": "API Ltd", "declares_truthful": True,
                                                 "declares_no_other_conflicts": True}, method="patch")
    assert patched.status_code == 200 and patched.json()["team_name"] == "API team"
    over = post(client, f"/api/v1/bids/{pk}/budget", {"lines": [
        {"category": "personnel", "description": "d", "amount": "5000000.01"}]}, method="put")
    assert over.status_code == 422 and "CNY 5,000,000.01" in json.dumps(over.json(), ensure_ascii=False)
    assert Bid.objects.get(pk=pk).budget_total == 0
    ok = post(client, f"/api/v1/bids/{pk}/budget", {"lines": [
        {"category": "personnel", "description": "d", "amount": "4999999.99"}]}, method="put")
    assert ok.status_code == 200 and ok.json()["budget_total"] == "4999999.99"
    member = post(client, f"/api/v1/bids/{pk}/members", {"email": "p@example.org", "name": "Pending"})
    assert member.status_code == 201
    assert post(client, f"/api/v1/bids/{pk}/members", {"email": "P@example.org", "name": "Dup"}).status_code == 422
    pending = post(client, f"/api/v1/bids/{pk}/actions/submit")
    assert pending.status_code == 422 and "Pending" in json.dumps(pending.json())
    assert client.delete(f"/api/v1/bids/{pk}/members/{member.json()['id']}").status_code == 204
    milestones = post(client, f"/api/v1/bids/{pk}/milestones", {"milestones": [
        {"title": "T", "month": 99, "deliverable": "D"}]}, method="put")
    assert milestones.status_code == 422
    done = post(client, f"/api/v1/bids/{pk}/actions/submit")
    assert done.status_code == 200 and done.json()["status"] == "submitted"
    assert post(client, f"/api/v1/bids/{pk}/actions/submit").status_code == 409
    assert [b["id"] for b in client.get("/api/v1/bids").json()] == [pk]
    other = factories.make_user("other")
    client.force_login(other)
    assert client.get(f"/api/v1/bids/{pk}").status_code == 404
    assert post(client, f"/api/v1/bids/{pk}/actions/withdraw").status_code == 404


def test_api_deadline_unseal_and_clarifications(client, challenge, lead, officer):
    bid = submitted(challenge, lead)
    client.force_login(lead)
    assert post(client, f"/api/v1/bids/{bid.pk}/unseal", {"reason": "me"}).status_code == 403
    client.force_login(officer)
    assert post(client, f"/api/v1/bids/{bid.pk}/unseal", {"reason": " "}).status_code == 422
    assert Bid.objects.get(pk=bid.pk).unsealed_at is None
    builders.close(challenge)
    late = post(client, f"/api/v1/bids/{bid.pk}/unseal", {"reason": "Too late"})
    assert late.status_code == 422 and Bid.objects.get(pk=bid.pk).unsealed_at is None
    asked = post(client, f"/api/v1/bids/{bid.pk}/clarifications", {"question": "Which fab?"})
    assert asked.status_code == 201
    client.force_login(lead)
    withdraw = post(client, f"/api/v1/bids/{bid.pk}/actions/withdraw")
    assert withdraw.status_code == 422 and "The deadline was" in json.dumps(withdraw.json())
    assert Bid.objects.get(pk=bid.pk).status == BidStatus.SUBMITTED
    answer = post(client, f"/api/v1/clarifications/{asked.json()['id']}/answer", {"answer": "Our own."})
    assert answer.status_code == 200 and answer.json()["answer"] == "Our own."
    assert post(client, f"/api/v1/clarifications/{asked.json()['id']}/answer", {"answer": "x"}).status_code == 422
    assert Bid.objects.get(pk=bid.pk).budget_total == Decimal("1000000")


def test_documents_on_the_page_warn_the_team_and_are_served_only_to_it(client, challenge, lead, officer):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": "陳大文 Chan Tai Man"})
    out = BytesIO()
    writer.write(out)
    bid = draft(challenge, lead)
    client.force_login(lead)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("cv.pdf", out.getvalue(), content_type="application/pdf")
    response = client.post(f"/en/bids/{bid.pk}/", {"action": "document", "document-title": "CV",
                                                   "document-upload": upload})
    assert response.status_code == 302
    page = client.get(f"/en/bids/{bid.pk}/").content.decode()
    assert "This PDF names its author" in page and "陳大文 Chan Tai Man" in page
    document = bid.documents.get()
    download = client.get(f"/en/bids/{bid.pk}/documents/{document.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == out.getvalue()
    fake = SimpleUploadedFile("x.pdf", b"not a pdf at all", content_type="application/pdf")
    refused = client.post(f"/en/bids/{bid.pk}/", {"action": "document", "document-title": "X",
                                                  "document-upload": fake})
    assert refused.status_code == 400 and "Only PDF files can be attached." in refused.content.decode()
    assert bid.documents.count() == 1
    client.force_login(officer)
    assert client.get(f"/en/bids/{bid.pk}/documents/{document.pk}/").status_code == 404


def test_clarification_on_the_pages_and_a_withdrawn_draft(client, challenge, lead, officer):
    bid = submitted(challenge, lead)
    builders.close(challenge)
    client.force_login(officer)
    assert client.post(f"/en/bids/{bid.pk}/", {"action": "clarify", "clarify-question": ""}).status_code == 400
    assert client.post(f"/en/bids/{bid.pk}/", {"action": "clarify",
                                               "clarify-question": "Which fab?"}).status_code == 302
    clarification = bid.clarifications.get()
    assert client.post(f"/en/bids/{bid.pk}/", {"action": "withdraw"}).status_code == 403
    client.force_login(lead)
    page = client.get(f"/en/bids/{bid.pk}/").content.decode()
    assert "Which fab?" in page and "Withdraw the bid" not in page
    answered = client.post(f"/en/bids/{bid.pk}/", {"action": "answer", "clarification": clarification.pk,
                                                   f"answer-{clarification.pk}-answer": "Our own."})
    assert answered.status_code == 302 and bid.clarifications.get().answer == "Our own."
    late = client.post(f"/en/bids/{bid.pk}/", {"action": "withdraw"})
    assert late.status_code == 400 and "The deadline was" in late.content.decode()
    assert Bid.objects.get(pk=bid.pk).status == BidStatus.SUBMITTED
    other_challenge = builders.open_challenge(officer, code="HT-2024-09")
    mine = svc.bid_start(actor=lead, challenge=other_challenge, team_name="Draft")
    assert client.post(f"/en/bids/{mine.pk}/", {"action": "withdraw"}).status_code == 302
    assert not Bid.objects.filter(pk=mine.pk).exists()


def test_query_counts_do_not_grow_with_the_data(client, challenge, lead, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    bid = draft(challenge, lead)
    client.force_login(lead)

    def count(path):
        client.get(path)  # the first request of a session records it (usersessions)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    small = count(f"/en/bids/{bid.pk}/"), count("/en/my-bids/")
    for n in range(4):
        svc.member_invite(actor=lead, bid=bid, email=f"m{n}@example.org", name=f"M{n}")
    svc.budget_set(actor=lead, bid=bid, lines=[{"category": "personnel", "description": f"L{n}", "amount": "10"}
                                               for n in range(5)])
    svc.bid_start(actor=lead, challenge=builders.open_challenge(officer, code="HT-2024-07"), team_name="Second")
    assert (count(f"/en/bids/{bid.pk}/"), count("/en/my-bids/")) == small
    builders.close(challenge)
    client.force_login(officer)
    builders.bid(challenge, factories.make_user("first_lead"))
    one = count(f"/en/research/challenges/{challenge.code}/bids/")
    for n in range(3):
        builders.bid(challenge, factories.make_user(f"lead{n}"))
    assert count(f"/en/research/challenges/{challenge.code}/bids/") == one
