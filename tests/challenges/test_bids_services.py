"""The bid services: each success and each refusal, with nothing changed after a refusal."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from hetao.audit.models import AuditEvent
from hetao.challenges import tasks
from hetao.challenges.documents import pdf_author_metadata, pdf_without_metadata
from hetao.challenges.models import (
    Bid,
    BidDocument,
    BidMember,
    BidMilestone,
    BidStatus,
    BudgetLine,
    Challenge,
    Clarification,
    MemberStatus,
)
from hetao.challenges.services import bids as svc
from hetao.community.models import Notification
from hetao.core.workflow import InvalidTransition
from tests import factories

from . import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge(officer):
    return builders.open_challenge(officer)


@pytest.fixture
def lead(db):
    return factories.make_user("lead")


def ready_bid(challenge, lead, **extra):
    """A complete draft: texts, an entity, declarations and one budget line."""
    bid = svc.bid_start(actor=lead, challenge=challenge, team_name="Qubit Makers")
    svc.bid_save(actor=lead, bid=bid, summary="A logical qubit.", approach="Surface code.", work_plan="24 months.",
                 entity_to_register="Qubit Makers Ltd", declares_no_other_conflicts=True, declares_truthful=True,
                 **extra)
    svc.budget_set(actor=lead, bid=bid, lines=[{"category": "personnel", "description": "Two engineers",
                                                "amount": "1000000.00"}])
    return Bid.objects.get(pk=bid.pk)


def pdf_bytes(author: str | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if author:
        writer.add_metadata({"/Author": author, "/Title": "Plan"})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def snapshot(bid: Bid) -> tuple:
    bid.refresh_from_db()
    return (bid.status, bid.budget_total, bid.submitted_at, bid.withdrawn_at, bid.unsealed_at, bid.team_name,
            list(BidMember.objects.filter(bid=bid).values_list("email", "status")),
            list(BudgetLine.objects.filter(bid=bid).values_list("amount", flat=True)))


# ── Start and save ──


def test_bid_start_makes_a_draft_with_the_confirmed_lead(challenge, lead):
    bid = svc.bid_start(actor=lead, challenge=challenge, team_name="  Qubit Makers ")
    assert bid.status == BidStatus.DRAFT and bid.team_name == "Qubit Makers" and bid.currency == "CNY"
    member = BidMember.objects.get(bid=bid)
    assert member.is_lead and member.user == lead and member.status == MemberStatus.CONFIRMED
    assert AuditEvent.objects.filter(action="challenges.bid.start", target_id=str(bid.pk)).exists()


def test_a_second_live_bid_by_the_same_lead_is_refused(challenge, lead):
    svc.bid_start(actor=lead, challenge=challenge, team_name="A")
    with pytest.raises(ValidationError) as error:
        svc.bid_start(actor=lead, challenge=challenge, team_name="B")
    assert error.value.code == "duplicate_bid"
    assert Bid.objects.filter(challenge=challenge).count() == 1


def test_bid_start_refused_after_the_deadline(challenge, lead):
    builders.close(challenge)
    with pytest.raises(PermissionDenied):
        svc.bid_start(actor=lead, challenge=challenge, team_name="Late")
    assert not Bid.objects.exists()


def test_bid_save_by_the_lead_only_and_in_a_draft(challenge, lead):
    bid = svc.bid_start(actor=lead, challenge=challenge, team_name="A")
    other = factories.make_user("other")
    before = snapshot(bid)
    with pytest.raises(PermissionDenied):
        svc.bid_save(actor=other, bid=bid, team_name="Hijacked")
    assert snapshot(bid) == before
    svc.bid_save(actor=lead, bid=bid, team_name="Renamed")
    assert Bid.objects.get(pk=bid.pk).team_name == "Renamed"
    with pytest.raises(ValidationError):
        svc.bid_save(actor=lead, bid=bid, status="submitted")


def test_the_entity_must_be_an_organisation_the_lead_belongs_to(challenge, lead):
    bid = svc.bid_start(actor=lead, challenge=challenge, team_name="A")
    foreign = factories.OrganisationFactory()
    with pytest.raises(ValidationError) as error:
        svc.bid_save(actor=lead, bid=bid, organisation=foreign)
    assert "organisation" in error.value.message_dict
    assert Bid.objects.get(pk=bid.pk).organisation_id is None


# ── Members ──


def test_invite_links_an_existing_account_and_notifies_it(challenge, lead):
    member_user = factories.make_user("wong")
    bid = svc.bid_start(actor=lead, challenge=challenge, team_name="A")
    member = svc.member_invite(actor=lead, bid=bid, email="  WONG@Example.org ", name="Wong")
    assert member.email == "wong@example.org" and member.user == member_user
    assert Notification.objects.filter(user=member_user, url__contains=str(member.token)).exists()


def test_invite_by_a_verified_address_and_by_email_without_account(challenge, lead, django_capture_on_commit_callbacks):
    known = factories.make_user("chan")
    EmailAddress.objects.create(user=known, email="chan@hku.example", verified=True)
    bid = svc.bid_start(actor=lead, challenge=challenge, team_name="A")
    assert svc.member_invite(actor=lead, bid=bid, email="Chan@HKU.example", name="Chan").user == known
    with django_capture_on_commit_callbacks(execute=True):
        stranger = svc.member_invite(actor=lead, bid=bid, email="new@abroad.example", name="Abroad")
    assert stranger.user is None
    assert any(str(stranger.token) in m.body and m.to == ["new@abroad.example"] for m in mail.outbox)


def test_duplicate_membership_is_refused_by_email_and_by_account(challenge, lead):
    bid = svc.bid_start(actor=lead, challenge=challenge, team_name="A")
    svc.member_invite(actor=lead, bid=bid, email="x@example.org", name="X")
    before = snapshot(bid)
    with pytest.raises(ValidationError) as error:
        svc.member_invite(actor=lead, bid=bid, email="X@EXAMPLE.ORG", name="X again")
    assert error.value.message_dict == {"email": ["This person is already on the team."]}
    with pytest.raises(ValidationError):  # the lead's own email
        svc.member_invite(actor=lead, bid=bid, email=lead.email.upper(), name="Me")
    assert snapshot(bid) == before


def test_non_lead_cannot_invite_or_remove(challenge, lead):
    bid = svc.bid_start(actor=lead, challenge=challenge, team_name="A")
    member = svc.member_invite(actor=lead, bid=bid, email="x@example.org", name="X")
    other = factories.make_user("other")
    with pytest.raises(PermissionDenied):
        svc.member_invite(actor=other, bid=bid, email="y@example.org", name="Y")
    with pytest.raises(PermissionDenied):
        svc.member_remove(actor=other, member=member)
    assert BidMember.objects.filter(bid=bid).count() == 2
    lead_member = BidMember.objects.get(bid=bid, is_lead=True)
    with pytest.raises(ValidationError):
        svc.member_remove(actor=lead, member=lead_member)
    svc.member_remove(actor=lead, member=member)
    assert BidMember.objects.filter(bid=bid).count() == 1


def test_member_respond_only_by_the_owner_of_the_email(challenge, lead):
    bid = svc.bid_start(actor=lead, challenge=challenge, team_name="A")
    member = svc.member_invite(actor=lead, bid=bid, email="later@example.org", name="Later")
    intruder = factories.make_user("intruder")
    with pytest.raises(PermissionDenied):
        svc.member_respond(actor=intruder, member=member, accept=True)
    assert BidMember.objects.get(pk=member.pk).status == MemberStatus.INVITED
    owner = factories.make_user("later")  # later@example.org, signed up after the invitation
    done = svc.member_respond(actor=owner, member=member, accept=True)
    assert done.status == MemberStatus.CONFIRMED and done.user == owner
    with pytest.raises(ValidationError):
        svc.member_respond(actor=owner, member=member, accept=False)
    assert Notification.objects.filter(user=lead, url=f"/bids/{bid.pk}/").exists()


# ── Budget and milestones ──


def test_budget_over_the_ceiling_is_refused_with_both_figures(officer, lead):
    challenge = builders.open_challenge(officer, ceiling=Decimal("1000000"), currency="HKD")
    bid = svc.bid_start(actor=lead, challenge=challenge, team_name="A")
    svc.budget_set(actor=lead, bid=bid, lines=[{"category": "personnel", "description": "d", "amount": "500000"}])
    before = snapshot(bid)
    with pytest.raises(ValidationError) as error:
        svc.budget_set(actor=lead, bid=bid, lines=[
            {"category": "personnel", "description": "d", "amount": "600000"},
            {"category": "equipment", "description": "e", "amount": Decimal("400000.01")}])
    message = " ".join(error.value.messages)
    assert "HKD 1,000,000.01" in message and "HKD 1,000,000.00" in message
    assert snapshot(bid) == before


@pytest.mark.parametrize("line", [
    {"category": "personnel", "description": "d", "amount": 10.5},  # a float
    {"category": "personnel", "description": "d", "amount": "0"},
    {"category": "personnel", "description": "d", "amount": "-5"},
    {"category": "personnel", "description": "d", "amount": "1.001"},
    {"category": "personnel", "description": "d", "amount": "abc"},
    {"category": "personnel", "description": "d", "amount": "NaN"},
    {"category": "bribes", "description": "d", "amount": "10"},
    {"category": "personnel", "description": "", "amount": "10"},
])
def test_bad_budget_lines_are_refused(challenge, lead, line):
    bid = svc.bid_start(actor=lead, challenge=challenge, team_name="A")
    with pytest.raises(ValidationError) as error:
        svc.budget_set(actor=lead, bid=bid, lines=[line])
    assert "lines" in error.value.message_dict
    assert not BudgetLine.objects.filter(bid=bid).exists()


def test_budget_replaces_lines_and_sets_the_total(challenge, lead):
    bid = svc.bid_start(actor=lead, challenge=challenge, team_name="A")
    svc.budget_set(actor=lead, bid=bid, lines=[{"category": "personnel", "description": "a", "amount": "1.10"},
                                               {"category": "compute", "description": "b", "amount": 2}])
    svc.budget_set(actor=lead, bid=bid, lines=[{"category": "travel", "description": "c", "amount": "3.05"}])
    assert list(BudgetLine.objects.filter(bid=bid).values_list("amount", flat=True)) == [Decimal("3.05")]
    assert Bid.objects.get(pk=bid.pk).budget_total == Decimal("3.05")


def test_milestones_within_the_duration(challenge, lead):
    bid = svc.bid_start(actor=lead, challenge=challenge, team_name="A")
    svc.milestones_set(actor=lead, bid=bid, milestones=[{"title": "Chip", "month": 6, "deliverable": "A chip"}])
    with pytest.raises(ValidationError):
        svc.milestones_set(actor=lead, bid=bid, milestones=[{"title": "Late", "month": 25, "deliverable": "x"}])
    with pytest.raises(ValidationError):
        svc.milestones_set(actor=lead, bid=bid, milestones=[{"title": "Zero", "month": 0, "deliverable": "x"}])
    assert list(BidMilestone.objects.filter(bid=bid).values_list("month", flat=True)) == [6]


# ── Documents ──


def test_document_with_author_metadata_is_warned_and_stored(challenge, lead):
    bid = svc.bid_start(actor=lead, challenge=challenge, team_name="A")
    data = pdf_bytes(author="Chan Tai Man")
    doc = svc.document_add(actor=lead, bid=bid, title="Plan",
                           upload=SimpleUploadedFile("plan.pdf", data, content_type="application/pdf"))
    assert "Chan Tai Man" in doc.metadata_warning and doc.size == len(data) and len(doc.sha256) == 64
    assert doc.file.read() == data
    assert "Chan Tai Man" in pdf_author_metadata(data)
    stripped = pdf_without_metadata(data)
    assert pdf_author_metadata(stripped) == [] and b"Chan Tai Man" not in stripped
    assert len(PdfReader(BytesIO(stripped)).pages) == 1
    clean = svc.document_add(actor=lead, bid=bid, title="Clean",
                             upload=SimpleUploadedFile("c.pdf", pdf_bytes(), content_type="application/pdf"))
    assert clean.metadata_warning == ""


def test_documents_that_are_not_pdf_or_too_large_are_refused(challenge, lead, monkeypatch):
    bid = svc.bid_start(actor=lead, challenge=challenge, team_name="A")
    with pytest.raises(ValidationError) as error:
        svc.document_add(actor=lead, bid=bid, title="Fake",
                         upload=SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"))
    assert error.value.error_dict["upload"][0].code == "not_pdf"
    with pytest.raises(ValidationError):
        svc.document_add(actor=lead, bid=bid, title="Broken",
                         upload=SimpleUploadedFile("b.pdf", b"%PDF-1.7\n garbage", content_type="application/pdf"))
    monkeypatch.setattr(svc, "MAX_DOCUMENT_BYTES", 100)
    with pytest.raises(ValidationError) as error:
        svc.document_add(actor=lead, bid=bid, title="Big",
                         upload=SimpleUploadedFile("big.pdf", pdf_bytes(), content_type="application/pdf"))
    assert error.value.error_dict["upload"][0].code == "too_large"
    assert not BidDocument.objects.exists()


# ── Submit, withdraw ──


def test_submit_a_complete_bid_notifies_the_team(challenge, lead):
    bid = svc.bid_submit(actor=lead, bid=ready_bid(challenge, lead))
    assert bid.status == BidStatus.SUBMITTED and bid.submitted_at is not None
    assert Notification.objects.filter(user=lead, url=f"/bids/{bid.pk}/").exists()
    with pytest.raises(InvalidTransition):
        svc.bid_submit(actor=lead, bid=bid)


def test_submit_with_a_pending_member_lists_them(challenge, lead):
    bid = ready_bid(challenge, lead)
    svc.member_invite(actor=lead, bid=bid, email="slow@example.org", name="Slow Member")
    before = snapshot(bid)
    with pytest.raises(ValidationError) as error:
        svc.bid_submit(actor=lead, bid=bid)
    assert "Slow Member" in " ".join(error.value.messages)
    assert snapshot(bid) == before


def test_submit_refused_without_lines_declarations_or_entity(challenge, lead):
    bid = svc.bid_start(actor=lead, challenge=challenge, team_name="A")
    with pytest.raises(ValidationError) as error:
        svc.bid_submit(actor=lead, bid=bid)
    text = " ".join(error.value.messages)
    assert "budget line" in text and "declarations" in text and "entity" in text
    assert Bid.objects.get(pk=bid.pk).status == BidStatus.DRAFT


def test_submit_after_the_deadline_shows_the_deadline(challenge, lead):
    bid = ready_bid(challenge, lead)
    builders.close(challenge)
    before = snapshot(bid)
    with pytest.raises(ValidationError) as error:
        svc.bid_submit(actor=lead, bid=bid)
    assert error.value.code == "deadline_passed"
    assert "The deadline was " + timezone.localtime(challenge.closes_at).strftime("%Y-%m-%d %H:%M") in \
        error.value.messages[0] and "(server time)" in error.value.messages[0]
    assert snapshot(bid) == before


def test_submit_by_a_non_lead_is_refused(challenge, lead):
    bid = ready_bid(challenge, lead)
    with pytest.raises(PermissionDenied):
        svc.bid_submit(actor=factories.make_user("other"), bid=bid)
    assert Bid.objects.get(pk=bid.pk).status == BidStatus.DRAFT


def test_withdraw_before_the_deadline_and_not_after(challenge, lead, officer):
    bid = svc.bid_submit(actor=lead, bid=ready_bid(challenge, lead))
    withdrawn = svc.bid_withdraw(actor=lead, bid=bid)
    assert withdrawn.status == BidStatus.WITHDRAWN and withdrawn.withdrawn_at is not None
    other_lead = factories.make_user("second")
    late = svc.bid_submit(actor=other_lead, bid=ready_bid(challenge, other_lead))
    builders.close(challenge)
    before = snapshot(late)
    with pytest.raises(ValidationError) as error:
        svc.bid_withdraw(actor=other_lead, bid=late)
    assert error.value.code == "deadline_passed"
    assert snapshot(late) == before


def test_withdrawing_a_draft_discards_it(challenge, lead):
    bid = svc.bid_start(actor=lead, challenge=challenge, team_name="A")
    svc.bid_withdraw(actor=lead, bid=bid)
    assert not Bid.objects.filter(pk__isnull=False, lead=lead).exists()
    assert AuditEvent.objects.filter(action="challenges.bid.discard").exists()
    svc.bid_start(actor=lead, challenge=challenge, team_name="Again")  # a new one may be started


# ── Unseal, clarifications ──


def test_unseal_needs_an_officer_a_reason_and_a_sealed_bid(challenge, lead, officer):
    bid = svc.bid_submit(actor=lead, bid=ready_bid(challenge, lead))
    before = snapshot(bid)
    with pytest.raises(PermissionDenied):
        svc.bid_unseal(actor=lead, bid=bid, reason="curious")
    with pytest.raises(ValidationError):
        svc.bid_unseal(actor=officer, bid=bid, reason="   ")
    assert snapshot(bid) == before
    opened = svc.bid_unseal(actor=officer, bid=bid, reason="Suspected fraud report")
    assert opened.unsealed_by == officer and opened.unseal_reason == "Suspected fraud report"
    note = Notification.objects.get(user=lead, title__contains="opened your sealed bid")
    assert "Suspected fraud report" in note.body
    assert AuditEvent.objects.filter(action="challenges.bid.unseal", target_id=str(bid.pk)).exists()


def test_unseal_after_the_deadline_is_refused(challenge, lead, officer):
    bid = svc.bid_submit(actor=lead, bid=ready_bid(challenge, lead))
    builders.close(challenge)
    with pytest.raises(ValidationError) as error:
        svc.bid_unseal(actor=officer, bid=bid, reason="Too late")
    assert error.value.code == "not_sealed"
    assert Bid.objects.get(pk=bid.pk).unsealed_at is None


def test_clarification_after_the_deadline_answered_once(challenge, lead, officer):
    bid = svc.bid_submit(actor=lead, bid=ready_bid(challenge, lead))
    with pytest.raises(ValidationError):  # sealed
        svc.clarification_ask(actor=officer, bid=bid, question="Why?")
    builders.close(challenge)
    with pytest.raises(PermissionDenied):
        svc.clarification_ask(actor=lead, bid=bid, question="Self?")
    asked = svc.clarification_ask(actor=officer, bid=bid, question="Which fab?")
    with pytest.raises(PermissionDenied):
        svc.clarification_answer(actor=factories.make_user("other"), clarification=asked, answer="x")
    svc.clarification_answer(actor=lead, clarification=asked, answer="Our own.")
    with pytest.raises(ValidationError):
        svc.clarification_answer(actor=lead, clarification=asked, answer="Changed my mind")
    assert Clarification.objects.get(pk=asked.pk).answer == "Our own."


# ── Reminders ──


def test_reminders_are_sent_once_per_bid_and_window(officer, lead, django_capture_on_commit_callbacks):
    soon = builders.open_challenge(officer, code="HT-2024-02", closes_in=datetime.timedelta(hours=30))
    far = builders.open_challenge(officer, code="HT-2024-03", closes_in=datetime.timedelta(days=10))
    bid = svc.bid_start(actor=lead, challenge=soon, team_name="A")
    invitee = factories.make_user("invitee")
    svc.member_invite(actor=lead, bid=bid, email=invitee.email, name="Invitee")
    svc.member_invite(actor=lead, bid=bid, email="nobody@abroad.example", name="Abroad")
    svc.bid_start(actor=lead, challenge=far, team_name="B")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_bid_deadlines() == "3 bid deadline reminders"
    assert Notification.objects.filter(user=lead, title__startswith="The deadline of HT-2024-02").count() == 1
    assert Notification.objects.filter(user=invitee, title__startswith="The deadline of HT-2024-02").count() == 1
    assert not Notification.objects.filter(title__contains="HT-2024-03").exists()
    assert [m.to for m in mail.outbox if "HT-2024-02" in m.subject].count(["nobody@abroad.example"]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_bid_deadlines() == "0 bid deadline reminders"
    assert [m.to for m in mail.outbox if "HT-2024-02" in m.subject].count(["nobody@abroad.example"]) == 1
    assert Notification.objects.filter(user=lead, title__startswith="The deadline of HT-2024-02").count() == 1
    assert Challenge.objects.filter(code="HT-2024-02").exists()
