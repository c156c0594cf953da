"""Topic services: each state change, its audit and notification; refusals change nothing; the database holds the
invariants (declined ⇒ reason, merged ⇒ target, published ⇒ date, budget ≥ 0 with a currency)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from hetao.audit.models import AuditEvent
from hetao.challenges import services
from hetao.challenges.models import Status, Topic, TopicComment, TopicSupport
from hetao.community.models import Notification
from hetao.core.workflow import InvalidTransition
from hetao.registry.models import Organisation

from .conftest import accepted, direction, draft, published, submitted

pytestmark = pytest.mark.django_db


def snapshot():
    return (list(Topic.objects.order_by("pk").values_list()), TopicSupport.objects.count(),
            TopicComment.objects.count(), AuditEvent.objects.count(), Notification.objects.count())


def test_the_whole_path_from_draft_to_published(proposer, officer):
    topic = draft(proposer, budget_amount=Decimal("1500000.00"), budget_currency="HKD", tags="quantum, 量子，quantum")
    assert topic.status == Status.DRAFT and topic.tags == "quantum, 量子"
    topic = services.topic_save(actor=proposer, topic=topic, title_zh_hant="邏輯量子比特")
    assert topic.title_zh_hans == "逻辑量子比特"  # derived from the Traditional
    topic = services.topic_submit(actor=proposer, topic=topic)
    assert topic.status == Status.SUBMITTED and topic.submitted_at
    topic = services.topic_screen(actor=officer, topic=topic, action="accept")
    assert topic.status == Status.ACCEPTED and topic.decided_by == officer
    topic = services.topic_publish(actor=officer, topic=topic)
    assert topic.status == Status.PUBLISHED and topic.published_at
    verbs = list(AuditEvent.objects.filter(action__startswith="challenges.").values_list("action", flat=True)
                 .order_by("pk"))
    assert verbs == ["challenges.topic.propose", "challenges.topic.save", "challenges.topic.submit",
                     "challenges.topic.accept", "challenges.topic.publish"]
    assert proposer.notifications.count() == 3  # received, accepted, published


def test_decline_needs_a_reason_and_the_proposer_reads_it(proposer, officer):
    topic = submitted(proposer)
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.topic_screen(actor=officer, topic=topic, action="decline", reason="  ")
    assert "reason" in error.value.message_dict
    assert snapshot() == before
    topic = services.topic_screen(actor=officer, topic=topic, action="decline", reason="Not a research problem.")
    assert topic.status == Status.DECLINED
    note = proposer.notifications.order_by("-pk").first()
    assert "declined" in note.title and "Not a research problem." in note.body


def test_merge_into_another_topic(proposer, other, officer):
    target = published(other, officer, title_en="Target")
    topic = submitted(proposer)
    with pytest.raises(ValidationError):
        services.topic_screen(actor=officer, topic=topic, action="merge")
    with pytest.raises(ValidationError):
        services.topic_screen(actor=officer, topic=topic, action="merge", merged_into=topic)
    declined = services.topic_screen(actor=officer, topic=submitted(other, title_en="No"), action="decline",
                                     reason="No.")
    with pytest.raises(ValidationError):
        services.topic_screen(actor=officer, topic=topic, action="merge", merged_into=declined)
    topic = services.topic_screen(actor=officer, topic=topic, action="merge", merged_into=target)
    assert topic.status == Status.MERGED and topic.merged_into == target and topic.is_public


@pytest.mark.parametrize("who", ["proposer", "other", "outsider_officer"])
def test_only_research_officers_screen_and_a_refusal_changes_nothing(request, proposer, who):
    actor = request.getfixturevalue(who)
    topic = submitted(proposer)
    before = snapshot()
    for action in ("accept", "decline"):
        with pytest.raises(PermissionDenied):
            services.topic_screen(actor=actor, topic=topic, action=action, reason="x")
    with pytest.raises(PermissionDenied):
        services.topic_save(actor=actor, topic=topic, title_en="Hijacked")
    assert snapshot() == before


def test_a_draft_is_its_proposers_and_officers_cannot_act_on_it(proposer, other, officer):
    topic = draft(proposer)
    before = snapshot()
    for actor in (other, officer):
        with pytest.raises(PermissionDenied):
            services.topic_submit(actor=actor, topic=topic)
        with pytest.raises(PermissionDenied):
            services.topic_save(actor=actor, topic=topic, title_en="Mine now")
    assert snapshot() == before


def test_a_transition_from_the_wrong_state_is_refused(proposer, officer):
    topic = submitted(proposer)
    before = snapshot()
    with pytest.raises(InvalidTransition):
        services.topic_publish(actor=officer, topic=topic)
    with pytest.raises(InvalidTransition):  # the proposer may no longer submit once submitted
        services.topic_submit(actor=proposer, topic=topic)
    with pytest.raises(PermissionDenied):  # nor change it: from submission on, editing is the officers'
        services.topic_save(actor=proposer, topic=topic, title_en="Changed")
    assert snapshot() == before


def test_officers_edit_from_submission_on(proposer, officer):
    topic = submitted(proposer)
    topic = services.topic_save(actor=officer, topic=topic, title_en="Error-corrected logical qubits",
                                key_direction=direction("material-science"))
    event = AuditEvent.objects.filter(action="challenges.topic.edit").get()
    assert event.changes["title_en"] == ["Logical qubits", "Error-corrected logical qubits"]
    assert topic.key_direction.code == "material-science"


@pytest.mark.parametrize("fields, field", [
    ({"title_en": ""}, "title_en"),
    ({"budget_amount": Decimal("-1"), "budget_currency": "CNY"}, "budget_amount"),
    ({"budget_amount": Decimal("10"), "budget_currency": ""}, "budget_currency"),
    ({"budget_currency": "HKD"}, "budget_amount"),
    ({"budget_amount": Decimal("10"), "budget_currency": "USD"}, "budget_currency"),
])
def test_bad_input_is_a_validation_error_by_field(proposer, fields, field):
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        draft(proposer, **fields)
    assert field in error.value.message_dict
    assert snapshot() == before


def test_a_proposer_names_only_their_own_organisation(proposer):
    with pytest.raises(ValidationError) as error:
        draft(proposer, organisation=Organisation.objects.get(slug="hkust-sz-hk-institute"))
    assert "organisation" in error.value.message_dict


def test_one_support_per_person_withdrawable(proposer, other, officer):
    topic = published(proposer, officer)
    services.topic_support(actor=other, topic=topic)
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.topic_support(actor=other, topic=topic)
    assert error.value.code == "already_supported"
    assert snapshot() == before
    services.topic_support(actor=proposer, topic=topic)
    topic.refresh_from_db()
    assert topic.support_count == 2
    services.topic_support_withdraw(actor=other, topic=topic)
    topic.refresh_from_db()
    assert topic.support_count == 1 and not TopicSupport.objects.filter(user=other).exists()
    with pytest.raises(ValidationError):
        services.topic_support_withdraw(actor=other, topic=topic)


def test_support_and_comment_only_on_a_published_topic(proposer, other, officer):
    topic = accepted(proposer, officer)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.topic_support(actor=other, topic=topic)
    with pytest.raises(PermissionDenied):
        services.topic_comment(actor=other, topic=topic, body="Hello")
    assert snapshot() == before
    topic = services.topic_publish(actor=officer, topic=topic)
    with pytest.raises(ValidationError):
        services.topic_comment(actor=other, topic=topic, body="   ")
    services.topic_comment(actor=other, topic=topic, body="Useful.")
    assert topic.comments.get().body == "Useful."


@pytest.mark.parametrize("change", [
    {"status": Status.DECLINED, "decline_reason": ""},
    {"status": Status.MERGED, "merged_into": None},
    {"status": Status.PUBLISHED, "published_at": None},
    {"budget_amount": Decimal("-5"), "budget_currency": "CNY"},
    {"budget_amount": Decimal("5"), "budget_currency": ""},
    {"budget_amount": None, "budget_currency": "HKD"},
    {"title_en": "", "title_zh_hans": "", "title_zh_hant": ""},
])
def test_the_database_holds_the_invariants(proposer, officer, change):
    topic = submitted(proposer)
    topic.decided_at = topic.submitted_at
    for name, value in change.items():
        setattr(topic, name, value)
    with pytest.raises(IntegrityError), transaction.atomic():
        topic.save()


def test_the_database_refuses_a_second_support(proposer, other, officer):
    topic = published(proposer, officer)
    TopicSupport.objects.create(topic=topic, user=other)
    with pytest.raises(IntegrityError), transaction.atomic():
        TopicSupport.objects.create(topic=topic, user=other)
