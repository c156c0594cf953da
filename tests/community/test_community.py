"""The park community: events with a waiting list, announcements to an audience, the inbox and its emails,
and interest groups."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from hetao.accounts.models import Membership
from hetao.audit.models import AuditEvent
from hetao.community import services
from hetao.community.models import (
    Announcement,
    EmailPreference,
    Event,
    InterestGroup,
    Notification,
    NotificationKind,
    Registration,
)
from hetao.registry.models import Organisation, Park
from tests.conftest import staff_in
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


def make_user(username: str, **extra):
    return User.objects.create_user(username, f"{username}@example.org", f"pw-{username}-123", **extra)


def make_event(*, capacity: int = 2, days: int = 7, **extra) -> Event:
    starts = timezone.now() + datetime.timedelta(days=days)
    fields = {"title_en": "Robotics meetup", "title_zh_hans": "机器人聚会", "title_zh_hant": "機械人聚會",
              "starts_at": starts, "ends_at": starts + datetime.timedelta(hours=2),
              "location": "Hong Kong Science Park, Building 17W", "capacity": capacity, **extra}
    return Event.objects.create(**fields)


def statuses(event: Event) -> dict[str, str]:
    return dict(event.registrations.exclude(status="cancelled").values_list("user__username", "status"))


# ── Events ───────────────────────────────────────────────────────────────────────────────────────────

def test_capacity_two_confirms_two_and_waitlists_the_third():
    event = make_event(capacity=2)
    ann, bo, chi = make_user("ann"), make_user("bo"), make_user("chi")
    for user in (ann, bo, chi):
        services.event_register(actor=user, event=event)
    assert statuses(event) == {"ann": "confirmed", "bo": "confirmed", "chi": "waitlisted"}


def test_the_waitlisted_user_sees_on_the_waiting_list(client):
    event = make_event(capacity=2)
    for name in ("ann", "bo"):
        services.event_register(actor=make_user(name), event=event)
    chi = make_user("chi")
    services.event_register(actor=chi, event=event)
    client.force_login(chi)
    response = client.get(f"/en/events/{event.pk}/")
    assert response.status_code == 200
    assert response.context["mine"].status == Registration.Status.WAITLISTED
    html = response.content.decode()
    assert "On the waiting list" in html and "Place confirmed" not in html
    assert response.context["free"] == 0 and response.context["waiting"] == 1


def test_cancelling_a_confirmed_place_promotes_the_first_waitlisted_and_tells_them_in_their_language():
    event = make_event(capacity=2)
    ann, bo = make_user("ann"), make_user("bo")
    chi, dan = make_user("chi", preferred_language="zh-hant"), make_user("dan")
    first = services.event_register(actor=ann, event=event)
    services.event_register(actor=bo, event=event)
    services.event_register(actor=chi, event=event)
    services.event_register(actor=dan, event=event)

    promoted = services.event_cancel(actor=ann, registration=first)

    assert promoted is not None and promoted.user == chi
    assert statuses(event) == {"bo": "confirmed", "chi": "confirmed", "dan": "waitlisted"}
    note = Notification.objects.get(user=chi)
    # The link has no language prefix: the park sends each reader to it in their own language.
    assert note.kind == "event" and note.url == f"/events/{event.pk}/"
    with translation.override("zh-hant"):
        expected = gettext("A place is yours: %(event)s") % {"event": event.title}
    with translation.override("en"):
        english = gettext("A place is yours: %(event)s") % {"event": event.title}
    assert note.title == expected
    assert "機械人聚會" in note.title and note.title != english
    assert not Notification.objects.filter(user__in=[ann, bo, dan]).exists()


def test_cancelling_a_waitlisted_place_promotes_nobody():
    event = make_event(capacity=1)
    services.event_register(actor=make_user("ann"), event=event)
    waiting = services.event_register(actor=make_user("bo"), event=event)
    services.event_register(actor=make_user("chi"), event=event)
    assert services.event_cancel(actor=waiting.user, registration=waiting) is None
    assert statuses(event) == {"ann": "confirmed", "chi": "waitlisted"}
    assert not Notification.objects.exists()


def test_only_the_owner_may_cancel_a_registration():
    event = make_event()
    registration = services.event_register(actor=make_user("ann"), event=event)
    with pytest.raises(ValidationError) as excinfo:
        services.event_cancel(actor=make_user("bo"), registration=registration)
    assert excinfo.value.code == "not_yours"
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_registering_twice_is_refused():
    event = make_event()
    ann = make_user("ann")
    services.event_register(actor=ann, event=event)
    with pytest.raises(ValidationError) as excinfo:
        services.event_register(actor=ann, event=event)
    assert excinfo.value.code == "duplicate"
    assert event.registrations.filter(user=ann).count() == 1


def test_registering_again_after_cancelling_is_allowed():
    event = make_event()
    ann = make_user("ann")
    services.event_cancel(actor=ann, registration=services.event_register(actor=ann, event=event))
    again = services.event_register(actor=ann, event=event)
    assert again.status == Registration.Status.CONFIRMED


@pytest.mark.parametrize("event_fields", [{"registration_open": False}, {"days": -1}],
                         ids=["registration-closed", "already-started"])
def test_registering_for_a_closed_or_past_event_is_refused(event_fields):
    event = make_event(**event_fields)
    with pytest.raises(ValidationError) as excinfo:
        services.event_register(actor=make_user("ann"), event=event)
    assert excinfo.value.code == "closed"
    assert not event.registrations.exists()


def test_event_page_register_and_cancel_through_the_client(client):
    event = make_event(capacity=5)
    ann = make_user("ann")
    client.force_login(ann)
    page = client.get(f"/en/events/{event.pk}/")
    assert page.status_code == 200 and "Robotics meetup" in page.content.decode()
    assert page.context["mine"] is None and page.context["free"] == 5

    response = client.post(f"/en/events/{event.pk}/", {"action": "register"})
    assert response.status_code == 302 and response["Location"] == f"/en/events/{event.pk}/"
    assert statuses(event) == {"ann": "confirmed"}
    page = client.get(f"/en/events/{event.pk}/")
    assert "Place confirmed" in page.content.decode() and page.context["free"] == 4

    client.post(f"/en/events/{event.pk}/", {"action": "cancel"})
    assert statuses(event) == {}
    assert event.registrations.get(user=ann).status == Registration.Status.CANCELLED


def test_cancelling_twice_does_not_register_again(client):
    """Two tabs, or a double click on "Cancel my registration": the second cancel must not sign the user up."""
    event = make_event(capacity=1)
    ann = make_user("ann")
    client.force_login(ann)
    client.post(f"/en/events/{event.pk}/", {"action": "register"})
    client.post(f"/en/events/{event.pk}/", {"action": "cancel"})
    client.post(f"/en/events/{event.pk}/", {"action": "cancel"})
    assert statuses(event) == {}


def test_event_page_shows_the_refusal_of_a_closed_event(client):
    event = make_event(registration_open=False)
    client.force_login(make_user("ann"))
    response = client.post(f"/en/events/{event.pk}/", {"action": "register"}, follow=True)
    assert response.status_code == 200
    assert "Registration for this event is closed." in response.content.decode()
    assert not event.registrations.exists()


def test_anonymous_post_to_an_event_redirects_to_sign_in(client):
    event = make_event()
    response = client.post(f"/en/events/{event.pk}/", {"action": "register"})
    assert response.status_code == 302
    assert response["Location"] == f"/en/accounts/login/?next=/en/events/{event.pk}/"
    assert not event.registrations.exists()


# ── Announcements ────────────────────────────────────────────────────────────────────────────────────

ANNOUNCEMENT = {"title_en": "Lab safety week", "title_zh_hans": "实验室安全周", "description_en": "Drills all week."}


@pytest.fixture
def audience():
    """A member of an organisation in the Shenzhen park, one in the Hong Kong park, and one with no organisation."""
    sz = make_user("sz")
    Membership.objects.create(user=sz, organisation=Organisation.objects.get(slug="hkust-sz-hk-institute"))
    hk = make_user("hk")
    Membership.objects.create(user=hk, organisation=OrganisationFactory(park=Park.objects.get(code="hong-kong")))
    return {"sz": sz, "hk": hk, "none": make_user("none"), "inactive": make_user("gone", is_active=False)}


def test_publishing_to_a_park_reaches_only_members_of_organisations_there(client, audience):
    publisher = staff_in("pub", "enterprise_services")
    client.force_login(publisher)
    shenzhen = Park.objects.get(code="shenzhen")
    response = client.post("/en/announcements/", {**ANNOUNCEMENT, "audience": "park", "park": shenzhen.pk})
    assert response.status_code == 302 and response["Location"] == "/en/announcements/"

    announcement = Announcement.objects.get()
    assert announcement.author == publisher and announcement.park == shenzhen
    assert announcement.title_zh_hant.startswith("實驗室")  # derived from the Simplified title
    event = AuditEvent.objects.get(action="community.announcement.publish")
    assert event.actor == publisher and event.target_id == str(announcement.pk)
    assert set(Notification.objects.filter(kind="announcement").values_list("user__username", flat=True)) == {"sz"}
    note = Notification.objects.get(user=audience["sz"])
    assert note.title == "Lab safety week" and note.body == "Drills all week." and note.url == "/announcements/"


def test_publishing_to_everyone_reaches_every_active_user(client, audience):
    publisher = staff_in("pub", "enterprise_services")
    client.force_login(publisher)
    response = client.post("/en/announcements/", {**ANNOUNCEMENT, "audience": "everyone"})
    assert response.status_code == 302
    reached = set(Notification.objects.filter(kind="announcement").values_list("user_id", flat=True))
    assert reached == set(User.objects.filter(is_active=True).values_list("pk", flat=True))
    assert {audience["sz"].pk, audience["hk"].pk, audience["none"].pk, publisher.pk} <= reached
    assert audience["inactive"].pk not in reached


def test_announcement_is_written_in_each_users_language(audience):
    audience["sz"].preferred_language = "zh-hans"
    audience["sz"].save()
    services.announcement_publish(actor=staff_in("pub", "talent_services"), audience="everyone", **ANNOUNCEMENT)
    assert Notification.objects.get(user=audience["sz"]).title == "实验室安全周"
    assert Notification.objects.get(user=audience["hk"]).title == "Lab safety week"


def test_a_signed_in_user_who_may_not_publish_gets_403(client, audience):
    for user in (make_user("plain"), staff_in("fin", "finance")):
        client.force_login(user)
        response = client.post("/en/announcements/", {**ANNOUNCEMENT, "audience": "everyone"})
        assert response.status_code == 403
    assert not Announcement.objects.exists()
    assert not Notification.objects.exists()
    assert not AuditEvent.objects.filter(action="community.announcement.publish").exists()


def test_the_service_refuses_a_user_who_may_not_publish():
    with pytest.raises(PermissionDenied):
        services.announcement_publish(actor=make_user("plain"), audience="everyone", **ANNOUNCEMENT)
    assert not Announcement.objects.exists()


def test_the_publish_form_is_shown_only_to_those_allowed(client):
    assert "Publish an announcement" not in client.get("/en/announcements/").content.decode()
    client.force_login(staff_in("pub", "enterprise_services"))
    assert "Publish an announcement" in client.get("/en/announcements/").content.decode()


def test_audience_park_without_a_park_is_a_form_error(client, audience):
    client.force_login(staff_in("pub", "enterprise_services"))
    response = client.post("/en/announcements/", {**ANNOUNCEMENT, "audience": "park"})
    assert response.status_code == 400
    assert response.context["form"].errors["park"] == ["Choose the park this announcement is for."]
    assert "Choose the park this announcement is for." in response.content.decode()
    assert not Announcement.objects.exists()
    assert not Notification.objects.exists()
    assert not AuditEvent.objects.filter(action="community.announcement.publish").exists()


# ── Email after commit ───────────────────────────────────────────────────────────────────────────────

def test_announcement_email_goes_after_commit_except_to_those_who_switched_it_off(
        client, audience, django_capture_on_commit_callbacks):
    EmailPreference.objects.create(user=audience["hk"], kind="announcement", email=False)
    client.force_login(staff_in("pub", "enterprise_services"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post("/en/announcements/", {**ANNOUNCEMENT, "audience": "everyone"})
        assert mail.outbox == []  # nothing is sent before the transaction commits
    assert len(callbacks) >= 1

    recipients = {address for message in mail.outbox for address in message.to}
    assert "hk@example.org" not in recipients
    assert {"sz@example.org", "none@example.org", "pub@example.org"} <= recipients
    assert "gone@example.org" not in recipients
    assert all(len(message.to) == 1 for message in mail.outbox)
    assert Notification.objects.filter(user=audience["hk"], kind="announcement").exists()  # still in the inbox
    to_sz = next(m for m in mail.outbox if m.to == ["sz@example.org"])
    assert to_sz.subject.endswith("Lab safety week") and "Drills all week." in to_sz.body


def test_switching_announcement_email_off_on_the_settings_page(client, django_capture_on_commit_callbacks):
    quiet, loud = make_user("quiet"), make_user("loud")
    client.force_login(quiet)
    others = [k for k in NotificationKind.values if k != "announcement"]
    response = client.post("/en/account/email-settings/", {"kinds": others})
    assert response.status_code == 302
    assert EmailPreference.objects.get(user=quiet, kind="announcement").email is False
    assert EmailPreference.objects.get(user=quiet, kind="event").email is True

    with django_capture_on_commit_callbacks(execute=True):
        services.announcement_publish(actor=staff_in("pub", "data"), audience="everyone", **ANNOUNCEMENT)
    recipients = {address for message in mail.outbox for address in message.to}
    assert "quiet@example.org" not in recipients and "loud@example.org" in recipients
    assert Notification.objects.filter(user=quiet).count() == 1
    assert Notification.objects.filter(user=loud).count() == 1


def test_a_promotion_from_the_waiting_list_is_emailed_with_a_link(django_capture_on_commit_callbacks):
    event = make_event(capacity=1)
    first = services.event_register(actor=make_user("ann"), event=event)
    services.event_register(actor=make_user("bo"), event=event)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(actor=first.user, registration=first)
    assert [m.to for m in mail.outbox] == [["bo@example.org"]]
    assert f"/events/{event.pk}/" in mail.outbox[0].body


def test_no_email_when_the_transaction_does_not_commit():
    services.announcement_publish(actor=staff_in("pub", "data"), audience="everyone", **ANNOUNCEMENT)
    assert Notification.objects.exists()
    assert mail.outbox == []  # the test's transaction never commits, so on_commit never fires


# ── Inbox and header ─────────────────────────────────────────────────────────────────────────────────

def notes_for(user, n: int):
    for i in range(n):
        Notification.objects.create(user=user, kind="announcement", title=f"Note {i}")


def test_header_shows_the_unread_count(client):
    ann = make_user("ann")
    notes_for(ann, 3)
    Notification.objects.create(user=ann, kind="event", title="Old", read_at=timezone.now())
    notes_for(make_user("bo"), 2)  # someone else's
    client.force_login(ann)
    response = client.get("/en/events/")
    assert response.context["unread_count"] == 3
    html = response.content.decode()
    assert 'aria-label="3 unread">3</span>' in html


def test_posting_to_the_inbox_marks_everything_read(client):
    ann, bo = make_user("ann"), make_user("bo")
    notes_for(ann, 2)
    notes_for(bo, 1)
    client.force_login(ann)
    response = client.post("/en/inbox/")
    assert response.status_code == 302 and response["Location"] == "/en/inbox/"
    assert not Notification.objects.filter(user=ann, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=bo, read_at__isnull=True).count() == 1
    page = client.get("/en/inbox/")
    assert page.context["unread_count"] == 0
    assert "badge rounded-pill" not in page.content.decode()


def test_opening_one_notification_marks_only_it_read(client):
    ann = make_user("ann")
    first = Notification.objects.create(user=ann, kind="event", title="Go", url="/en/events/")
    notes_for(ann, 1)
    client.force_login(ann)
    response = client.post(f"/en/inbox/{first.pk}/")
    assert response.status_code == 302 and response["Location"] == "/en/events/"
    first.refresh_from_db()
    assert first.read_at is not None
    assert Notification.objects.filter(user=ann, read_at__isnull=True).count() == 1


def test_anonymous_pages_do_not_count_unread_notifications(client):
    with CaptureQueriesContext(connection) as anonymous:
        response = client.get("/en/events/")
    assert response.status_code == 200
    assert "unread_count" not in response.context
    assert not any("community_notification" in q["sql"] for q in anonymous.captured_queries)

    client.force_login(make_user("ann"))
    with CaptureQueriesContext(connection) as signed_in:
        client.get("/en/events/")
    assert sum("community_notification" in q["sql"] for q in signed_in.captured_queries) == 1


def test_inbox_needs_sign_in(client):
    response = client.get("/en/inbox/")
    assert response.status_code == 302 and response["Location"].startswith("/en/accounts/login/")


# ── Interest groups ──────────────────────────────────────────────────────────────────────────────────

def test_join_and_leave_an_interest_group(client):
    group = InterestGroup.objects.create(slug="robotics", title_en="Robotics")
    other = InterestGroup.objects.create(slug="biotech", title_en="Biotech")
    ann = make_user("ann")
    client.force_login(ann)

    response = client.post("/en/groups/", {"group": "robotics"})
    assert response.status_code == 302 and response["Location"] == "/en/groups/"
    assert list(ann.interest_groups.all()) == [group]
    page = client.get("/en/groups/")
    assert page.context["mine"] == {group.pk}
    assert {g.slug: g.n for g in page.context["groups"]} == {"robotics": 1, "biotech": 0}

    client.post("/en/groups/", {"group": "robotics", "action": "leave"})
    assert not ann.interest_groups.exists()
    assert not other.members.exists()


def test_joining_an_unknown_group_is_404(client):
    client.force_login(make_user("ann"))
    assert client.post("/en/groups/", {"group": "no-such-group"}).status_code == 404


def test_anonymous_join_redirects_to_sign_in(client):
    group = InterestGroup.objects.create(slug="robotics", title_en="Robotics")
    response = client.post("/en/groups/", {"group": "robotics"})
    assert response.status_code == 302 and response["Location"].startswith("/en/accounts/login/")
    assert not group.members.exists()


def test_a_language_neutral_link_opens_in_the_readers_language(client):
    event = make_event(capacity=1)
    client.cookies["hetao_language"] = "zh-hant"
    response = client.get(f"/events/{event.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/zh-hant/events/{event.pk}/"
