"""The application workflow is one declared table (onestop/workflow.py): its states are the model's, every transition
names a registered rule, and what the pages and the API offer is exactly what the services accept."""

import io
import json
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils.functional import Promise

from hetao.audit.models import AuditEvent
from hetao.core.permissions import RULES
from hetao.core.workflow import InvalidTransition
from hetao.onestop import services
from hetao.onestop.models import Application, Service, Status
from hetao.onestop.workflow import APPLICATION, DECISIONS, OFFICER_ACTIONS
from tests.conftest import staff_in
from tests.onestop.test_officers import VENUE, filing, venue

pytestmark = pytest.mark.django_db

BUTTON = re.compile(r'<button[^>]*\bname="action"[^>]*\bvalue="([a-z_]+)"')


@pytest.fixture(autouse=True)
def seeded_services(db):
    call_command("import_services", stdout=io.StringIO())


def actions(user, application) -> list[str]:
    return [t.action for t in APPLICATION.available(user, application)]


def buttons(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return BUTTON.findall(response.content.decode())


# ── The table itself ──────────────────────────────────────────────────────────────────────────────────


def test_the_states_of_the_table_are_the_states_of_an_application():
    declared = set(APPLICATION.states())
    for transition in APPLICATION.transitions.values():
        declared |= set(getattr(transition.target, "states", ()))  # a callable target says what it can answer
    assert declared == set(Status.values)


def test_every_transition_names_a_registered_rule_a_translatable_label_and_a_bootstrap_style():
    for action, transition in APPLICATION.transitions.items():
        assert transition.permission in RULES, action
        assert transition.permission.startswith("onestop."), action
        assert isinstance(transition.label, Promise) and str(transition.label), action
        assert re.fullmatch(r"(outline-)?(primary|secondary|success|danger|warning|info)", transition.style), action
        assert all(isinstance(effect, str) for effect in transition.side_effects), action


def test_the_table_names_every_action_of_an_application():
    assert list(APPLICATION.transitions) == ["start", "save", "submit", "resubmit", "claim", "assign",
                                             "first_signoff", "approve", "return", "reject", "withdraw"]
    assert set(OFFICER_ACTIONS) <= set(APPLICATION.transitions) and set(DECISIONS) <= set(OFFICER_ACTIONS)


# ── Pages show exactly what the table offers ──────────────────────────────────────────────────────────


def test_a_new_application_the_officer_page_offers_what_the_table_offers(client, member_user):
    application = venue(member_user)
    officer = staff_in("fac", "facilities_security")
    client.force_login(officer)
    shown = buttons(client, f"/en/work/{application.reference}/")
    assert shown == actions(officer, application) == ["claim", "assign", "approve", "return", "reject"]


def test_at_a_second_signoff_step_the_first_officer_is_offered_the_first_signoff(client, member_user):
    application = filing(member_user)
    services.application_decide(actor=staff_in("res", "research_management"), application=application,
                                action="approve")
    application.refresh_from_db()
    first = staff_in("fa", "finance")
    client.force_login(first)
    shown = buttons(client, f"/en/work/{application.reference}/")
    assert shown == actions(first, application) == ["claim", "assign", "first_signoff", "return", "reject"]


def test_after_the_first_signoff_only_another_officer_is_offered_the_approval(client, member_user):
    application = filing(member_user)
    services.application_decide(actor=staff_in("res", "research_management"), application=application,
                                action="approve")
    first, second = staff_in("fa", "finance"), staff_in("fb", "finance")
    services.application_decide(actor=first, application=application, action="first_signoff")
    application.refresh_from_db()
    assert application.first_signoff_by == first
    client.force_login(first)
    shown = buttons(client, f"/en/work/{application.reference}/")
    assert shown == actions(first, application) == ["claim", "assign", "return", "reject"]
    client.force_login(second)
    shown = buttons(client, f"/en/work/{application.reference}/")
    assert shown == actions(second, application) == ["claim", "assign", "approve", "return", "reject"]


def test_a_decided_application_offers_no_officer_button(client, member_user):
    application = venue(member_user)
    officer = staff_in("fac", "facilities_security")
    services.application_decide(actor=officer, application=application, action="reject", comment="Full.")
    application.refresh_from_db()
    client.force_login(officer)
    assert buttons(client, f"/en/work/{application.reference}/") == actions(officer, application) == []


def test_the_applicant_page_offers_what_the_table_offers(client, member_user):
    application = venue(member_user)
    client.force_login(member_user)
    assert buttons(client, f"/en/my-applications/{application.reference}/") == ["withdraw"]
    assert actions(member_user, application) == ["withdraw"]
    services.application_decide(actor=staff_in("fac", "facilities_security"), application=application,
                                action="return", comment="Add the hall.")
    application.refresh_from_db()
    page = client.get(f"/en/my-applications/{application.reference}/").content.decode()
    assert actions(member_user, application) == ["save", "resubmit", "withdraw"]
    assert 'id="respond"' in page and BUTTON.findall(page) == ["withdraw"]


def test_an_officer_reading_the_applicant_page_is_offered_nothing(client, member_user):
    application = venue(member_user)
    officer = staff_in("fac", "facilities_security")
    client.force_login(officer)
    page = client.get(f"/en/my-applications/{application.reference}/").content.decode()
    assert BUTTON.findall(page) == [] and "withdraw" not in actions(officer, application)


def test_the_check_page_button_is_the_submit_or_resubmit_transition(client, member_user):
    application = services.application_start(actor=member_user, service=Service.objects.get(code="venue-booking"))
    services.application_save_page(actor=member_user, application=application, page_answers=VENUE)
    client.force_login(member_user)
    page = client.get(f"/en/applications/{application.pk}/check/").content.decode()
    assert "Submit the application" in page
    assert actions(member_user, application) == ["save", "submit"]


def test_the_api_lists_the_actions_the_caller_may_take(client, member_user):
    client.force_login(member_user)
    draft = client.post("/api/v1/applications", json.dumps({"service": "venue-booking"}),
                        content_type="application/json").json()
    assert draft["actions"] == ["save", "submit"]
    application = venue(member_user)
    assert client.get(f"/api/v1/applications/{application.pk}").json()["actions"] == ["withdraw"]
    client.force_login(staff_in("fac", "facilities_security"))
    assert client.get(f"/api/v1/applications/{application.reference}").json()["actions"] == [
        "claim", "assign", "approve", "return", "reject"]


# ── Services refuse what the table does not offer ─────────────────────────────────────────────────────


def test_a_decided_application_cannot_be_claimed_or_decided_again(member_user):
    application = venue(member_user)
    officer = staff_in("fac", "facilities_security")
    services.application_decide(actor=officer, application=application, action="approve")
    with pytest.raises(InvalidTransition):
        services.application_claim(actor=officer, application=application)
    with pytest.raises(ValidationError, match="not waiting for a decision"):
        services.application_decide(actor=officer, application=application, action="reject", comment="No.")


def test_a_decided_application_cannot_be_withdrawn_and_only_by_its_applicant(member_user):
    application = venue(member_user)
    officer = staff_in("fac", "facilities_security")
    with pytest.raises(PermissionDenied, match="onestop.withdraw"):
        services.application_withdraw(actor=officer, application=application)
    services.application_decide(actor=officer, application=application, action="approve")
    with pytest.raises(ValidationError, match="A decided application cannot be withdrawn."):
        services.application_withdraw(actor=member_user, application=application)


def test_a_draft_cannot_be_withdrawn(member_user):
    """A draft has no reference: withdrawing it is not a transition of the table (it was a database error)."""
    draft = services.application_start(actor=member_user, service=Service.objects.get(code="venue-booking"))
    with pytest.raises(InvalidTransition):
        services.application_withdraw(actor=member_user, application=draft)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_a_first_signoff_cannot_be_given_where_none_is_needed(member_user):
    application = venue(member_user)
    with pytest.raises(PermissionDenied):
        services.application_decide(actor=staff_in("fac", "facilities_security"), application=application,
                                    action="first_signoff")


def test_an_officer_can_only_be_assigned_within_the_step_department(member_user):
    application = venue(member_user)
    with pytest.raises(ValidationError, match="Choose an officer"):
        services.application_claim(actor=staff_in("fac", "facilities_security"), application=application,
                                   assignee=staff_in("fin", "finance"))


# ── Service gaps: start, rating and import are checked and recorded ────────────────────────────────────


def test_starting_an_application_is_checked_and_recorded(member_user):
    service = Service.objects.get(code="venue-booking")
    application = services.application_start(actor=member_user, service=service)
    event = AuditEvent.objects.get(action="onestop.application.start", target_id=str(application.pk))
    assert event.actor == member_user and event.changes["service"] == "venue-booking"
    with pytest.raises(ValidationError, match="Only an admin of the applying organisation"):
        services.application_start(actor=member_user, service=Service.objects.get(code="kehuitong-filing"))
    Service.objects.filter(pk=service.pk).update(published=False)
    service.refresh_from_db()
    with pytest.raises(ValidationError, match="not open for applications"):
        services.application_start(actor=member_user, service=service)


def test_a_rating_is_checked_and_recorded_without_the_comment(member_user):
    application = venue(member_user)
    with pytest.raises(ValidationError, match="once your application is decided"):
        services.rating_give(actor=member_user, application=application, score=4)
    services.application_decide(actor=staff_in("fac", "facilities_security"), application=application,
                                action="approve")
    with pytest.raises(PermissionDenied, match="onestop.rate"):
        services.rating_give(actor=staff_in("other", "finance"), application=application, score=1)
    with pytest.raises(ValidationError, match="between 1 and 5"):
        services.rating_give(actor=member_user, application=application, score=6)
    services.rating_give(actor=member_user, application=application, score=4, comment="Chan was quick")
    services.rating_give(actor=member_user, application=application, score=5)
    application.rating.refresh_from_db()
    assert application.rating.score == 5
    events = AuditEvent.objects.filter(action="onestop.rating.give", target_id=str(application.pk)).order_by("id")
    assert [e.changes for e in events] == [{"score": 4, "first": True}, {"score": 5, "first": False}]


def test_importing_a_service_needs_a_person_allowed_to_manage_services(member_user):
    data = services.service_export(Service.objects.get(code="venue-booking"))
    with pytest.raises(PermissionDenied):
        services.service_import(actor=None, data=data)
    with pytest.raises(PermissionDenied):
        services.service_import(actor=member_user, data=data)
    manager = staff_in("data", "data")
    service = services.service_import(actor=manager, data=data)
    event = AuditEvent.objects.filter(action="onestop.service.import", target_id=str(service.pk)).latest("id")
    assert event.actor == manager and event.changes["version"] == service.current_version.number


def test_the_import_command_is_recorded_as_the_system():
    service = Service.objects.get(code="venue-booking")
    event = AuditEvent.objects.filter(action="onestop.service.import", target_id=str(service.pk)).latest("id")
    assert event.actor is None and event.actor_label == "system"


# ── The back office does not write around the services ────────────────────────────────────────────────


@pytest.fixture
def admin_client(client):
    from django.contrib.auth import get_user_model

    from tests.conftest import with_mfa

    client.force_login(with_mfa(get_user_model().objects.create_superuser("root", "root@example.org", "pw-r-12345")))
    return client


def test_applications_their_history_and_ratings_are_read_only_in_the_back_office(admin_client, member_user):
    application = venue(member_user)
    services.application_decide(actor=staff_in("fac", "facilities_security"), application=application,
                                action="approve", comment="Hall B.")
    services.rating_give(actor=member_user, application=application, score=4)
    page = admin_client.get(f"/en/admin/onestop/application/{application.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert "Hall B." in page.content.decode()  # the history, shown read-only
    assert admin_client.post(f"/en/admin/onestop/application/{application.pk}/change/",
                             {"status": "draft"}).status_code == 403
    assert admin_client.post(f"/en/admin/onestop/application/{application.pk}/delete/",
                             {"post": "yes"}).status_code == 403
    rating = application.rating
    assert admin_client.post(f"/en/admin/onestop/rating/{rating.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.get("/en/admin/onestop/application/add/").status_code == 403
    application.refresh_from_db()
    assert application.status == Status.APPROVED and Application.objects.filter(pk=application.pk).exists()


def test_a_service_cannot_be_deleted_in_the_back_office(admin_client):
    service = Service.objects.get(code="venue-booking")
    assert admin_client.post(f"/en/admin/onestop/service/{service.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Service.objects.filter(pk=service.pk).exists()
