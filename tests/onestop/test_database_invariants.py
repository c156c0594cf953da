"""The database guards the application's invariants, whatever the client: check constraints (every database) and,
on PostgreSQL, a trigger that keeps an application's history immutable except for what account erasure clears."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from hetao.onestop import services
from hetao.onestop.demo import clear_demo_applications
from hetao.onestop.models import Application, Status, Transition
from tests.conftest import staff_in
from tests.onestop.test_officers import filing, venue

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")


@pytest.fixture(autouse=True)
def seeded_services(db):
    call_command("import_services", stdout=io.StringIO())


def refused(queryset, **values) -> None:
    """An UPDATE that bypasses every Python check: the database alone must refuse it."""
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**values)


# ── Check constraints on Application ──────────────────────────────────────────────────────────────────


def test_a_decided_application_has_its_decision_date(member_user):
    application = venue(member_user)
    rows = Application.objects.filter(pk=application.pk)
    refused(rows, status=Status.APPROVED, decided_at=None)
    refused(rows, status=Status.REJECTED, decided_at=None)


def test_a_submitted_application_has_a_reference_and_a_submission_time(member_user):
    application = venue(member_user)
    rows = Application.objects.filter(pk=application.pk)
    refused(rows, reference=None)
    refused(rows, submitted_at=None)
    refused(rows, status=Status.WITHDRAWN, reference=None)


def test_a_draft_needs_neither(member_user):
    from hetao.onestop.models import Service

    draft = services.application_start(actor=member_user, service=Service.objects.get(code="venue-booking"))
    assert draft.reference is None and draft.submitted_at is None and draft.decided_at is None


# ── The second sign-off, by another officer, in the history ───────────────────────────────────────────


@pytest.fixture
def signed_off(member_user):
    """A filing approved at the finance step by two different officers."""
    application = filing(member_user)
    services.application_decide(actor=staff_in("res", "research_management"), application=application,
                                action="approve")
    first, second = staff_in("fa", "finance"), staff_in("fb", "finance")
    services.application_decide(actor=first, application=application, action="approve")
    services.application_decide(actor=second, application=application, action="approve")
    return application, first, second


def test_the_approval_at_a_second_signoff_step_names_the_first_officer(signed_off):
    application, first, second = signed_off
    approval = Transition.objects.filter(application=application, action="approve").latest("id")
    assert approval.actor == second and approval.first_signoff_by == first
    earlier = Transition.objects.filter(application=application).exclude(pk=approval.pk)
    assert not earlier.exclude(first_signoff_by=None).exists()  # only a second sign-off names one


def test_the_database_refuses_a_second_signoff_by_the_first_officer(signed_off):
    application, first, _second = signed_off
    same = Transition(application=application, actor=first, first_signoff_by=first, action="approve",
                      from_status=Status.IN_REVIEW, to_status=Status.APPROVED)
    with pytest.raises(ValidationError):
        same.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        same.save()


def test_a_transition_cannot_be_changed_through_the_model(signed_off):
    application, _first, _second = signed_off
    line = Transition.objects.filter(application=application).first()
    line.comment = "rewritten"
    with pytest.raises(ValueError, match="immutable"):
        line.save()


# ── PostgreSQL: the history is immutable, except what erasure clears ──────────────────────────────────


@postgresql_only
def test_the_database_refuses_to_change_or_delete_history(signed_off):
    application, first, second = signed_off
    lines = Transition.objects.filter(application=application)
    refused(lines, comment="rewritten")
    refused(lines, to_status=Status.REJECTED)
    refused(lines.filter(action="submit"), actor=second)  # nobody else can be made to have done it
    refused(lines.exclude(first_signoff_by=None), first_signoff_by=second)
    with pytest.raises(IntegrityError), transaction.atomic():
        lines.delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=application.pk).delete()  # an application takes its history with it
    assert lines.count() == 4  # submit, approve, first_signoff, approve


@postgresql_only
def test_erasure_may_clear_who_acted_and_nothing_else(signed_off):
    application, first, second = signed_off
    lines = Transition.objects.filter(application=application)
    with transaction.atomic():
        assert lines.filter(actor=second).update(actor=None) == 1
        assert lines.filter(first_signoff_by=first).update(first_signoff_by=None) == 1
    assert lines.filter(actor=None).count() == 1 and not lines.exclude(first_signoff_by=None).exists()


@postgresql_only
def test_the_demo_reset_deletes_history_explicitly_and_only_for_itself(signed_off):
    application, _first, _second = signed_off
    clear_demo_applications()  # the demo applicant's applications go, with their history
    assert not Application.objects.filter(applicant__email="applicant@example.org").exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        Transition.objects.filter(application=application).delete()  # the permission ended with the reset
