"""Passes' services: removing an access rule (permission, audit, revocation), the visitor pass's 24-hour limit held
by the database, and what passes does when an account is deactivated or erased (through hetao.accounts.hooks)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from hetao.accounts.privacy import deletion_carry_out, deletion_request
from hetao.accounts.services import user_deactivate
from hetao.audit.models import AuditEvent
from hetao.passes import services
from hetao.passes.models import AccessPoint, AccessRule, PassHolder, VisitorPass
from hetao.registry.models import Park
from tests.conftest import staff_in

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def door(db):
    point = AccessPoint(code="lab-door", kind="door", park=Park.objects.get(code="shenzhen"), name_en="Lab door")
    point.full_clean()
    point.save()
    return point


@pytest.fixture
def person():
    user = User.objects.create_user("pat", "pat@example.org", "pw-pat-1234567")
    services.holder_for(user)
    return user


@pytest.fixture
def person_rule(door, person):
    return AccessRule.objects.create(access_point=door, grant="person", user=person)


def epoch(user) -> int:
    return PassHolder.objects.get(user=user).epoch


# ── Removing an access rule ──────────────────────────────────────────────────────────────────────────

def test_the_security_head_removes_a_persons_rule_their_codes_are_revoked_and_it_is_audited(person_rule, person):
    head = staff_in("sh", "facilities_security", "head")
    services.access_rule_remove(actor=head, rule=person_rule)
    assert not AccessRule.objects.filter(pk=person_rule.pk).exists()
    assert epoch(person) == 2
    removed = AuditEvent.objects.get(action="passes.access_rule.remove")
    assert removed.actor == head and removed.changes == {"access_point": "lab-door", "grant": "person"}
    assert removed.target_label == f"accessrule:{person_rule.pk} (user:{person.pk})"
    revoked = AuditEvent.objects.get(action="passes.revoke")
    assert revoked.actor == head and revoked.changes == {"reason": "access_removed", "epoch": 2}


def test_removing_a_rule_for_everyone_revokes_nobody(door, person):
    rule = AccessRule.objects.create(access_point=door, grant="anyone")
    services.access_rule_remove(actor=staff_in("sh", "facilities_security", "head"), rule=rule)
    assert not AccessRule.objects.filter(pk=rule.pk).exists() and epoch(person) == 1
    assert not AuditEvent.objects.filter(action="passes.revoke").exists()


@pytest.mark.parametrize("who", ["security officer", "data head", "the person", "anonymous"])
def test_anyone_else_is_refused_and_nothing_changes(person_rule, person, who):
    from django.contrib.auth.models import AnonymousUser

    actor = {"security officer": lambda: staff_in("so", "facilities_security"),
             "data head": lambda: staff_in("dh", "data", "head"),
             "the person": lambda: person, "anonymous": AnonymousUser}[who]()
    with pytest.raises(PermissionDenied):
        services.access_rule_remove(actor=actor, rule=person_rule)
    assert AccessRule.objects.filter(pk=person_rule.pk).exists() and epoch(person) == 1
    assert not AuditEvent.objects.filter(action__startswith="passes.").exists()


# ── Deactivation and erasure (hooks registered by passes) ────────────────────────────────────────────

def test_deactivating_an_account_revokes_its_codes(person):
    head = staff_in("dh", "data", "head")
    user_deactivate(actor=head, user=person, reason="contract ended")
    assert epoch(person) == 2
    assert AuditEvent.objects.get(action="passes.revoke").changes["reason"] == "account_deactivated"
    with pytest.raises(ValidationError):
        services.code_for(User.objects.get(pk=person.pk))


def test_erasing_an_account_removes_its_rules_and_revokes_first(person_rule, person):
    head = staff_in("dh", "data", "head")
    deletion_carry_out(actor=head, request=deletion_request(actor=person))
    assert not AccessRule.objects.filter(pk=person_rule.pk).exists()
    assert not PassHolder.objects.filter(user_id=person.pk).exists()
    revoked = AuditEvent.objects.get(action="passes.revoke", changes__reason="access_removed")
    assert revoked.actor == head
    deleted = AuditEvent.objects.get(action="privacy.account_deleted")
    assert deleted.changes["access_rules_removed"] == 1


# ── A visitor pass covers at most 24 hours, in the database too ──────────────────────────────────────

def visit(door, host, hours: float) -> VisitorPass:
    start = timezone.now() + datetime.timedelta(hours=1)
    return VisitorPass(host=host, guest_name="Guest", guest_email="guest@example.org", access_point=door,
                       valid_from=start, valid_until=start + datetime.timedelta(hours=hours))


def test_a_row_longer_than_a_day_is_refused_by_the_database(door, person):
    with pytest.raises(IntegrityError), transaction.atomic():
        visit(door, person, 24.5).save()
    assert not VisitorPass.objects.exists()


def test_exactly_a_day_is_allowed(door, person):
    visit(door, person, 24).save()
    assert VisitorPass.objects.count() == 1


def test_full_clean_names_the_limit_before_the_database_does(door, person):
    with pytest.raises(ValidationError) as excinfo:
        visit(door, person, 25).full_clean()
    assert "visitor_window_at_most_a_day" in str(excinfo.value)


def test_the_invitation_service_still_explains_the_limit(door):
    from hetao.accounts.models import Membership
    from hetao.registry.models import Organisation

    host = User.objects.create_user("host", "host@example.org", "pw-host-1234567")
    institute = Organisation.objects.get(slug="hkust-sz-hk-institute")
    Membership.objects.create(user=host, organisation=institute)
    AccessRule.objects.create(access_point=door, grant="organisation", organisation=institute)  # the host may go
    start = timezone.now() + datetime.timedelta(hours=1)
    with pytest.raises(ValidationError) as excinfo:
        services.visitor_invite(actor=host, access_point=door, guest_name="G", guest_email="g@example.org",
                                valid_from=start, valid_until=start + datetime.timedelta(hours=30))
    assert "valid_until" in excinfo.value.message_dict
    assert not VisitorPass.objects.exists()
