import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hetao.accounts.models import Membership
from hetao.passes import keys, services
from hetao.passes.models import AccessLog, AccessPoint, AccessRule, PassHolder, VisitorPass
from hetao.registry.models import Organisation, Park
from tests.conftest import staff_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def key_dir(settings, tmp_path):
    settings.HETAO_PASS_KEY_DIR = tmp_path / "passes"
    keys.create(settings.HETAO_PASS_KEY_DIR, datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1))
    services._key_cache.clear()


@pytest.fixture
def gate(db):
    point = AccessPoint(code="page-gate", kind="gate", park=Park.objects.get(code="shenzhen"), name_en="Gate")
    point.full_clean()
    point.save()
    AccessRule.objects.create(access_point=point, grant="anyone")
    return point


def test_my_code_page_and_refresh(client, member_user):
    client.force_login(member_user)
    page = client.get("/zh-hant/code/")
    assert page.status_code == 200 and "data:image/svg+xml" in page.content.decode()
    first = page.context["code"]
    refreshed = client.get("/zh-hant/code/refresh/")
    assert refreshed.context["code"] != first and "<html" not in refreshed.content.decode()
    assert client.post("/en/code/lost-phone/").status_code == 302
    assert PassHolder.objects.get(user=member_user).epoch == 2


def test_anonymous_and_staff_pages_are_protected(client, member_user, gate):
    assert client.get("/en/code/").status_code == 302
    client.force_login(member_user)
    assert client.get("/en/gate/").status_code == 403
    assert client.post("/en/gate/check/", {"access_point": "page-gate", "code": "x"}).status_code == 403
    assert client.get("/en/access-log/").status_code == 403
    assert not AccessLog.objects.exists()


def test_scanner_page_and_access_log_with_csv(client, member_user, gate):
    guard = staff_in("guard1", "facilities_security")
    client.force_login(guard)
    assert client.get("/en/gate/").status_code == 200
    text, _exp = services.code_for(member_user)
    result = client.post("/en/gate/check/", {"access_point": "page-gate", "code": text})
    assert 'data-allowed="true"' in result.content.decode()
    denied = client.post("/en/gate/check/", {"access_point": "page-gate", "code": text})
    assert 'data-reason="replayed"' in denied.content.decode()
    log = client.get("/en/access-log/", {"result": "denied"})
    assert [e.reason for e in log.context["entries"]] == ["replayed"]
    assert log.context["chart"]["entries_per_day"]["series"][0]["data"] == [1]
    csv = client.get("/en/access-log/", {"format": "csv"})
    body = b"".join(csv.streaming_content).decode()
    assert body.splitlines()[0] == "at,access_point,subject,kind,result,reason" and body.count("page-gate") == 2


def test_visitor_invitation_page_checks_the_window(client, member_user, gate):
    Membership.objects.create(user=member_user, organisation=Organisation.objects.get(slug="hku"))
    client.force_login(member_user)
    start = timezone.localtime() + datetime.timedelta(hours=1)
    bad = client.post("/en/visitors/", {"guest_name": "G", "guest_email": "g@example.org", "access_point": gate.pk,
                                        "valid_from": start.strftime("%Y-%m-%dT%H:%M"),
                                        "valid_until": (start + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")})
    assert bad.status_code == 400 and "at most 24 hours" in bad.content.decode()
    assert not VisitorPass.objects.exists()
    ok = client.post("/en/visitors/", {"guest_name": "G", "guest_email": "g@example.org", "access_point": gate.pk,
                                       "valid_from": start.strftime("%Y-%m-%dT%H:%M"),
                                       "valid_until": (start + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")})
    assert ok.status_code == 302 and VisitorPass.objects.count() == 1


def test_event_ticket_is_valid_only_at_its_entrance(client, member_user, gate):
    from hetao.community.models import Event, Registration

    start = timezone.now() + datetime.timedelta(minutes=30)
    event = Event(title_en="Forum", starts_at=start, ends_at=start + datetime.timedelta(hours=2), location="Hall",
                  capacity=10)
    event.full_clean()
    event.save()
    entrance = AccessPoint(code="hall", kind="event", park=gate.park, name_en="Hall", event=event)
    entrance.full_clean()
    entrance.save()
    registration = Registration.objects.create(event=event, user=member_user, status="confirmed")
    ticket = services.ticket_for(registration)
    assert services.scan(access_point=gate, text=ticket).reason == "not_for_this_gate"
    assert services.scan(access_point=entrance, text=ticket).ok
    registration.status = "cancelled"
    registration.save()
    second = services.ticket_for(Registration.objects.create(event=event, user=member_user, status="waitlisted"))
    assert second is None
    client.force_login(member_user)
    assert client.get(f"/en/events/{event.pk}/").context["ticket"] is None


def visit_form(point, start):
    return {"guest_name": "G", "guest_email": "g@example.org", "access_point": point.pk,
            "valid_from": start.strftime("%Y-%m-%dT%H:%M"),
            "valid_until": (start + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")}


@pytest.fixture
def restricted_lab(db):
    point = AccessPoint(code="hkust-lab", kind="lab", park=Park.objects.get(code="shenzhen"), name_en="Lab")
    point.full_clean()
    point.save()
    AccessRule.objects.create(access_point=point, grant="organisation",
                              organisation=Organisation.objects.get(slug="hkust-sz-hk-institute"))
    return point


def test_a_host_cannot_invite_a_guest_where_they_may_not_go(client, member_user, restricted_lab):
    """A member of another organisation must not open a lab to a guest that they cannot enter themselves."""
    Membership.objects.create(user=member_user, organisation=Organisation.objects.get(slug="hku"))
    client.force_login(member_user)
    start = timezone.localtime() + datetime.timedelta(hours=1)
    page = client.get("/en/visitors/")
    assert restricted_lab not in page.context["form"].fields["access_point"].queryset
    response = client.post("/en/visitors/", visit_form(restricted_lab, start))
    assert response.status_code == 400 and not VisitorPass.objects.exists()
    with pytest.raises(PermissionDenied):
        services.visitor_invite(actor=member_user, access_point=restricted_lab, guest_name="G",
                                guest_email="g@example.org", valid_from=start,
                                valid_until=start + datetime.timedelta(hours=3))
    assert not VisitorPass.objects.exists()


def test_a_member_of_the_labs_organisation_may_invite_a_guest_there(client, member_user, restricted_lab):
    Membership.objects.create(user=member_user, organisation=Organisation.objects.get(slug="hkust-sz-hk-institute"))
    client.force_login(member_user)
    start = timezone.localtime() + datetime.timedelta(hours=1)
    assert client.post("/en/visitors/", visit_form(restricted_lab, start)).status_code == 302
    assert VisitorPass.objects.get().access_point == restricted_lab


def test_facilities_staff_may_invite_a_guest_anywhere(client, restricted_lab):
    officer = staff_in("gatekeeper", "facilities_security")
    client.force_login(officer)
    start = timezone.localtime() + datetime.timedelta(hours=1)
    assert client.post("/en/visitors/", visit_form(restricted_lab, start)).status_code == 302
