"""Erasing an account keeps the challenges' records under the stand-in account, with no trace of the person."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from hetao.accounts.privacy import deletion_carry_out, deletion_request
from hetao.audit.models import AuditEvent
from hetao.challenges import services
from hetao.challenges.account_hooks import erased_address
from hetao.challenges.models import (
    Award,
    Bid,
    BidMember,
    BidStatus,
    Challenge,
    Expert,
    ExpertStatus,
    MemberStatus,
    Review,
    Status,
    Topic,
)
from tests import factories
from tests.challenges import builders
from tests.challenges.conftest import draft, published
from tests.conftest import staff_in

pytestmark = pytest.mark.django_db
User = get_user_model()
NAME, EMAIL = "Wing Sze Leung", "wingsze@example.org"


@pytest.fixture
def wingsze():
    return factories.make_user("wingsze", first_name="Wing Sze", last_name="Leung")


def erase(user) -> str:
    request = deletion_request(actor=user, reason="Leaving the park")
    deletion_carry_out(actor=staff_in("datahead", "data", "head"), request=request)
    return request.pseudonym


def no_trace(*values: str) -> bool:
    text = " ".join(values).lower()
    return all(part.lower() not in text for part in (NAME, "Wing Sze", "Leung", EMAIL, "wingsze"))


def test_erasing_a_proposer_lead_member_and_expert_keeps_the_records_under_the_pseudonym(wingsze, officer):
    user_id = wingsze.pk
    kept_topic = published(wingsze, officer)
    draft_topic = draft(wingsze, title_en="A draft nobody saw")
    other_topic = published(officer, officer, title_en="Someone else's topic")
    services.topic_support(actor=wingsze, topic=other_topic)
    assert Topic.objects.get(pk=other_topic.pk).support_count == 1

    challenge = builders.open_challenge(officer)
    led = builders.bid(challenge, wingsze)
    other_lead = factories.make_user("kalok")
    joined = builders.bid(challenge, other_lead, members=(wingsze,))
    second = builders.challenge(officer, code="HT-2024-02")
    draft_led = builders.bid(second, wingsze, status=BidStatus.DRAFT)
    expert = builders.pool_expert("unused", user=wingsze, region="hong_kong")
    builders.close(challenge)
    run = builders.deployed_run(challenge, [(joined, expert)], declaration="no_conflict")
    assignment = run.assignments.get()
    review = Review.objects.create(assignment=assignment, bid=joined, expert=expert, comments_to_team="Solid plan.")

    pseudonym = erase(wingsze)

    assert pseudonym == f"user:{user_id}"
    assert not User.objects.filter(pk=user_id).exists()
    stand_in = User.objects.get(username=pseudonym)
    assert not stand_in.is_active and stand_in.email == "" and not stand_in.has_usable_password()
    assert no_trace(stand_in.username, stand_in.first_name, stand_in.last_name, stand_in.email)
    # The public topic survives under the stand-in; the draft is gone; the support count follows.
    kept_topic.refresh_from_db()
    assert kept_topic.proposer == stand_in and kept_topic.status == Status.PUBLISHED
    assert not Topic.objects.filter(pk=draft_topic.pk).exists()
    assert Topic.objects.get(pk=other_topic.pk).support_count == 0
    # The bid they led is kept (lead is the stand-in); the draft one is gone.
    led.refresh_from_db()
    assert led.lead == stand_in and led.status == BidStatus.SUBMITTED
    assert not Bid.objects.filter(pk=draft_led.pk).exists()
    # Member rows in both kept bids carry the pseudonym only.
    rows = BidMember.objects.filter(user=stand_in)
    assert {row.bid_id for row in rows} == {led.pk, joined.pk}
    for row in rows:
        assert row.name == pseudonym and row.email == erased_address(pseudonym)
        assert no_trace(row.name, row.email, row.role)
    assert rows.get(bid=joined).status == MemberStatus.CONFIRMED and rows.get(bid=led).is_lead
    assert joined.members.get(is_lead=True).user == other_lead  # the other team is untouched
    # The expert profile is retired under the stand-in; the assignment and the review stay.
    expert.refresh_from_db()
    assert expert.user == stand_in and expert.status == ExpertStatus.RETIRED and not expert.available
    assert Review.objects.get(pk=review.pk).expert == expert
    assert run.assignments.get().expert == expert
    # The deletion's audit record carries the counts (no name).
    changes = AuditEvent.objects.get(action="privacy.account_deleted").changes
    assert changes["bids_kept"] == 1 and changes["bid_memberships_kept"] == 2
    assert changes["challenge_topics_kept"] == 1 and changes["expert_profiles_retired"] == 1
    assert changes["challenge_drafts_deleted"] == 2 and no_trace(str(changes))
    # No row of the app names them any more.
    for member in BidMember.objects.all():
        assert no_trace(member.name, member.email)


def test_erasing_someone_with_nothing_in_challenges_creates_no_stand_in(wingsze):
    pseudonym = erase(wingsze)
    assert not User.objects.filter(username=pseudonym).exists()


def test_erasing_an_officer_keeps_the_challenges_they_created_and_their_decisions():
    officer = staff_in("ro", "research_management")
    challenge = builders.open_challenge(officer)
    lead = factories.make_user("lead")
    bid = builders.bid(challenge, lead)
    builders.close(challenge)
    run = builders.deployed_run(challenge, [(bid, builders.pool_expert("hk1", region="hong_kong"))])
    award = Award.objects.create(challenge=challenge, bid=bid, amount=Decimal("100"), currency="CNY",
                                 awarded_by=officer)
    pseudonym = erase(officer)
    stand_in = User.objects.get(username=pseudonym)
    assert Challenge.objects.get(pk=challenge.pk).created_by == stand_in
    run.refresh_from_db()
    award.refresh_from_db()
    assert run.created_by == stand_in and award.awarded_by == stand_in
    assert Expert.objects.filter(user__username="hk1").exists()  # other experts untouched
