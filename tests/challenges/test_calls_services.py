"""Challenge services: create from topics (provenance, prefill), save (fixed once open), the rubric and eligibility
(merit only), publish, start the review, cancel, the Q&A and attachments. Every refusal changes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hetao.audit.models import AuditEvent
from hetao.challenges.models import (
    BidStatus,
    Challenge,
    ChallengeAttachment,
    ChallengeQuestion,
    ChallengeStatus,
    Criterion,
    EligibilityRule,
)
from hetao.challenges.services import calls
from hetao.community.models import Notification
from hetao.core.workflow import InvalidTransition
from tests import factories

from . import builders
from .conftest import accepted, direction, published, submitted

pytestmark = pytest.mark.django_db

RUBRIC = [
    {"name_en": "Technical merit", "name_zh_hans": "技术水平", "description": "How good the approach is.",
     "weight": 60, "threshold": "5"},
    {"name_en": "Feasibility", "description": "Can the team deliver it in time?", "weight": 40},
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def snapshot():
    return (list(Challenge.objects.order_by("pk").values_list()), list(Criterion.objects.values_list()),
            list(EligibilityRule.objects.values_list()), list(ChallengeQuestion.objects.values_list()),
            ChallengeAttachment.objects.count(), AuditEvent.objects.count(), Notification.objects.count())


def fresh(officer, **extra):
    fields = {"title_en": "Cold-chain tracking", "problem": "Samples spoil.", "deliverables": "A tracker.",
              "indicators": "24-hour clearance.", "budget_ceiling": Decimal("3000000"), "currency": "CNY",
              "duration_months": 18, "key_direction": direction(),
              "closes_at": timezone.now() + datetime.timedelta(days=20), **extra}
    return calls.challenge_create(actor=officer, **fields)


def ready(officer, **extra):
    challenge = fresh(officer, **extra)
    calls.criteria_set(actor=officer, challenge=challenge, criteria=RUBRIC)
    calls.eligibility_set(actor=officer, challenge=challenge, rules=[{"kind": "registered_entity"}])
    return challenge


def test_create_from_topics_keeps_provenance_and_prefills(proposer, officer):
    first = accepted(proposer, officer, title_en="Logical qubits", budget_amount=Decimal("2000000"),
                     budget_currency="HKD")
    second = published(proposer, officer, title_en="Qubit readout")
    challenge = calls.challenge_create(actor=officer, topics=[first, second.pk])
    assert challenge.status == ChallengeStatus.DRAFT
    assert challenge.code == f"HT-{timezone.localdate().year}-01"
    assert challenge.title_en == "Logical qubits" and challenge.problem == first.problem
    assert challenge.budget_ceiling == Decimal("2000000") and challenge.currency == "HKD"
    assert set(challenge.topics.all()) == {first, second}
    assert AuditEvent.objects.filter(action="challenges.challenge.create", target_id=str(challenge.pk)).exists()
    again = calls.challenge_create(actor=officer, topics=[first], title_en="Another")
    assert again.code == f"HT-{timezone.localdate().year}-02" and again.title_en == "Another"


def test_create_is_refused_from_a_topic_not_accepted_and_for_a_non_officer(proposer, officer, outsider_officer):
    topic = submitted(proposer)
    before = snapshot()
    with pytest.raises(ValidationError, match="accepted or published"):
        calls.challenge_create(actor=officer, topics=[topic])
    with pytest.raises(ValidationError, match="do not exist"):
        calls.challenge_create(actor=officer, topics=[999999])
    with pytest.raises(PermissionDenied):
        fresh(outsider_officer)
    with pytest.raises(PermissionDenied):
        fresh(proposer)
    with pytest.raises(ValidationError):
        fresh(officer, title_en="", budget_ceiling=Decimal("-1"))
    fresh(officer, code="HT-2030-77")
    with pytest.raises(ValidationError, match="already used"):
        fresh(officer, code="HT-2030-77")
    assert Challenge.objects.count() == 1
    assert snapshot()[1:3] == before[1:3]


def test_a_chinese_title_alone_is_enough(officer):
    challenge = fresh(officer, title_en="", title_zh_hant="冷鏈追蹤")
    assert challenge.title_zh_hans == "冷链追踪"


def test_criteria_weights_thresholds_and_merit_are_checked(officer):
    challenge = fresh(officer)
    made = calls.criteria_set(actor=officer, challenge=challenge, criteria=RUBRIC)
    assert [c.weight for c in made] == [60, 40] and made[0].threshold == Decimal("5.00")
    assert made[0].name_zh_hant == "技術水平"  # the other script derived
    before = snapshot()
    bad = [
        ([{**RUBRIC[0], "weight": 0}], "between 1 and 100"),
        ([{**RUBRIC[0], "weight": 101}], "between 1 and 100"),
        ([{**RUBRIC[0], "weight": "x"}], "whole number"),
        ([{**RUBRIC[0], "threshold": "11"}], "threshold"),
        ([{**RUBRIC[0], "threshold": "-1"}], "threshold"),
        ([{**RUBRIC[0], "threshold": "NaN"}], "threshold"),
        ([{**RUBRIC[0], "name_en": "", "name_zh_hans": ""}], "name"),
        ([{**RUBRIC[0], "description": ""}], "describe"),
        ([{**RUBRIC[0], "bogus": 1}], "unknown"),
        ([{**RUBRIC[0], "name_en": "Seniority of the lead"}], "seniority"),
        ([RUBRIC[1], {**RUBRIC[0], "description": "PhD holders score higher"}], "Criterion 2"),
        ([{**RUBRIC[0], "name_zh_hans": "申请人职称"}], "Merit only"),
    ]
    for criteria, message in bad:
        with pytest.raises(ValidationError, match=message):
            calls.criteria_set(actor=officer, challenge=challenge, criteria=criteria)
    assert snapshot() == before


def test_eligibility_is_merit_only(officer):
    challenge = fresh(officer)
    rules = calls.eligibility_set(actor=officer, challenge=challenge, rules=[
        {"kind": "registered_entity"}, {"kind": "capability", "text": "A working cryostat below 20 mK"}])
    assert [r.kind for r in rules] == ["registered_entity", "capability"]
    before = snapshot()
    for rules, message in [([{"kind": "capability", "text": ""}], "capability"),
                           ([{"kind": "nonsense"}], "kinds"),
                           ([{"kind": "capability", "text": "Applicants under 35"}], "age"),
                           ([{"kind": "capability", "text": "具有博士学位"}], "degree"),
                           ([{"kind": "capability", "text": "985/211 高校"}], "rank")]:
        with pytest.raises(ValidationError, match=message):
            calls.eligibility_set(actor=officer, challenge=challenge, rules=rules)
    assert snapshot() == before


def test_publish_notifies_the_proposers_and_refuses_a_bad_rubric(proposer, officer):
    topic = accepted(proposer, officer)
    challenge = calls.challenge_create(actor=officer, topics=[topic], budget_ceiling=Decimal("100000"),
                                       currency="CNY")
    before = snapshot()
    with pytest.raises(ValidationError, match="at least one criterion"):
        calls.challenge_publish(actor=officer, challenge=challenge)
    calls.criteria_set(actor=officer, challenge=challenge, criteria=[{**RUBRIC[0], "weight": 50}])
    with pytest.raises(ValidationError, match="add up to 50%"):
        calls.challenge_publish(actor=officer, challenge=challenge)
    calls.criteria_set(actor=officer, challenge=challenge, criteria=RUBRIC)
    Challenge.objects.filter(pk=challenge.pk).update(closes_at=timezone.now() - datetime.timedelta(hours=1))
    with pytest.raises(ValidationError, match="has passed"):
        calls.challenge_publish(actor=officer, challenge=challenge)
    assert Challenge.objects.get(pk=challenge.pk).status == ChallengeStatus.DRAFT
    # A rule written around the service (straight in the database) is caught again on publishing.
    Challenge.objects.filter(pk=challenge.pk).update(closes_at=timezone.now() + datetime.timedelta(days=3))
    EligibilityRule.objects.create(challenge=challenge, kind="capability", text="Professors only")
    with pytest.raises(ValidationError, match="title"):
        calls.challenge_publish(actor=officer, challenge=challenge)
    EligibilityRule.objects.filter(challenge=challenge).delete()
    notes = Notification.objects.count()
    challenge = calls.challenge_publish(actor=officer, challenge=challenge)
    assert challenge.status == ChallengeStatus.OPEN and challenge.published_at
    assert Notification.objects.filter(user=proposer).count() > 0 and Notification.objects.count() == notes + 1
    assert AuditEvent.objects.filter(action="challenges.challenge.publish").count() == 1
    with pytest.raises(InvalidTransition):
        calls.challenge_publish(actor=officer, challenge=challenge)
    assert before[0] != snapshot()[0]


def test_once_open_only_wording_changes(officer):
    challenge = calls.challenge_publish(actor=officer, challenge=ready(officer))
    challenge = calls.challenge_save(actor=officer, challenge=challenge, title_zh_hans="冷链追踪",
                                     problem="Samples spoil in transit.")
    assert challenge.title_zh_hant == "冷鏈追蹤"
    before = snapshot()
    for fields in ({"budget_ceiling": Decimal("9")}, {"currency": "HKD"},
                   {"closes_at": timezone.now() + datetime.timedelta(days=90)}, {"duration_months": 3}):
        with pytest.raises(ValidationError, match="fixed"):
            calls.challenge_save(actor=officer, challenge=challenge, **fields)
    with pytest.raises(ValidationError, match="rubric is fixed"):
        calls.criteria_set(actor=officer, challenge=challenge, criteria=RUBRIC)
    with pytest.raises(ValidationError, match="eligibility is fixed"):
        calls.eligibility_set(actor=officer, challenge=challenge, rules=[])
    with pytest.raises(ValidationError, match="cannot be changed"):
        calls.challenge_save(actor=officer, challenge=challenge, status="awarded")
    assert snapshot() == before


def test_start_review_only_after_the_deadline(officer):
    challenge = builders.open_challenge(officer)
    before = snapshot()
    with pytest.raises(ValidationError, match="accepted until") as caught:
        calls.challenge_start_review(actor=officer, challenge=challenge)
    assert timezone.localtime(challenge.closes_at).strftime("%Y-%m-%d %H:%M") in caught.value.messages[0]
    assert snapshot() == before
    builders.close(challenge)
    challenge = calls.challenge_start_review(actor=officer, challenge=challenge)
    assert challenge.status == ChallengeStatus.REVIEW
    assert AuditEvent.objects.filter(action="challenges.challenge.start_review").count() == 1


def test_cancel_needs_a_reason_and_tells_the_leads_of_live_bids(officer):
    challenge = builders.open_challenge(officer)
    lead, quitter = factories.make_user("lead"), factories.make_user("quitter")
    builders.bid(challenge, lead)
    gone = builders.bid(challenge, quitter)
    type(gone).objects.filter(pk=gone.pk).update(status=BidStatus.WITHDRAWN, withdrawn_at=timezone.now())
    before = snapshot()
    with pytest.raises(ValidationError, match="reason"):
        calls.challenge_cancel(actor=officer, challenge=challenge, reason="  ")
    with pytest.raises(PermissionDenied):
        calls.challenge_cancel(actor=lead, challenge=challenge, reason="no")
    assert snapshot() == before
    challenge = calls.challenge_cancel(actor=officer, challenge=challenge, reason="The budget was withdrawn.")
    assert challenge.status == ChallengeStatus.CANCELLED
    assert Notification.objects.filter(user=lead).count() == 1 and not Notification.objects.filter(user=quitter)
    event = AuditEvent.objects.get(action="challenges.challenge.cancel")
    assert event.changes["reason"] == "The budget was withdrawn."
    with pytest.raises(InvalidTransition):
        calls.challenge_cancel(actor=officer, challenge=challenge, reason="again")


def test_questions_are_asked_while_open_and_answered_once(officer, proposer):
    challenge = builders.open_challenge(officer)
    question = calls.question_ask(actor=proposer, challenge=challenge, question="  May a Macao team bid?  ")
    assert question.question == "May a Macao team bid?" and question.asked_by == proposer
    before = snapshot()
    with pytest.raises(ValidationError):
        calls.question_ask(actor=proposer, challenge=challenge, question=" ")
    with pytest.raises(PermissionDenied):
        calls.question_answer(actor=proposer, question=question, answer="Yes")
    with pytest.raises(ValidationError):
        calls.question_answer(actor=officer, question=question, answer="")
    assert snapshot() == before
    answered = calls.question_answer(actor=officer, question=question, answer="Yes, from either side.")
    assert answered.answered_at and answered.answered_by == officer
    assert Notification.objects.filter(user=proposer).count() == 1
    with pytest.raises(ValidationError, match="already answered"):
        calls.question_answer(actor=officer, question=question, answer="Changed")
    builders.close(challenge)
    with pytest.raises((PermissionDenied, ValidationError)):
        calls.question_ask(actor=proposer, challenge=challenge, question="Too late?")
    assert ChallengeQuestion.objects.count() == 1


def test_attachments_are_checked_by_content_and_size(officer, monkeypatch):
    challenge = fresh(officer)
    made = calls.attachment_add(actor=officer, challenge=challenge, title="Terms",
                                upload=SimpleUploadedFile("terms.pdf", PDF))
    assert made.content_type == "application/pdf" and made.original_name == "terms.pdf"
    before = snapshot()
    with pytest.raises(ValidationError, match="Only PDF"):
        calls.attachment_add(actor=officer, challenge=challenge, title="Script",
                             upload=SimpleUploadedFile("evil.pdf", b"#!/bin/sh\necho hi\n"))
    with pytest.raises(ValidationError, match="title"):
        calls.attachment_add(actor=officer, challenge=challenge, title=" ", upload=SimpleUploadedFile("a.pdf", PDF))
    monkeypatch.setattr(calls, "MAX_ATTACHMENT_BYTES", 10)
    with pytest.raises(ValidationError, match="20 MB"):
        calls.attachment_add(actor=officer, challenge=challenge, title="Big", upload=SimpleUploadedFile("b.pdf", PDF))
    assert snapshot() == before


def test_the_whole_path_is_audited(officer):
    challenge = ready(officer)
    calls.challenge_publish(actor=officer, challenge=challenge)
    verbs = list(AuditEvent.objects.filter(action__startswith="challenges.challenge.").order_by("pk")
                 .values_list("action", flat=True))
    assert verbs == ["challenges.challenge.create", "challenges.challenge.criteria",
                     "challenges.challenge.eligibility", "challenges.challenge.publish"]
