"""Community writes as services: joining and leaving groups (permission, audit, the member count kept with F()),
events and groups in the back office through services, the other community models read-only there."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from hetao.audit.models import AuditEvent
from hetao.community import services
from hetao.community.models import Announcement, EmailPreference, Event, InterestGroup, Notification, Registration
from tests.community.admin_forms import admin_form_data
from tests.conftest import staff_in, with_mfa

pytestmark = pytest.mark.django_db

User = get_user_model()


def make_user(username: str, **extra):
    return User.objects.create_user(username, f"{username}@example.org", f"pw-{username}-123", **extra)


@pytest.fixture
def group(db):
    return InterestGroup.objects.create(slug="robotics", title_en="Robotics")


def count(group) -> int:
    group.refresh_from_db()
    return group.member_count


# ── Joining and leaving ──────────────────────────────────────────────────────────────────────────────

def test_join_and_leave_keep_the_count_and_are_audited(group):
    ann, bo = make_user("ann"), make_user("bo")
    services.group_join(actor=ann, group=group)
    services.group_join(actor=bo, group=group)
    assert count(group) == 2 and set(group.members.values_list("username", flat=True)) == {"ann", "bo"}
    services.group_leave(actor=ann, group=group)
    assert count(group) == 1 and list(group.members.values_list("username", flat=True)) == ["bo"]
    trail = list(AuditEvent.objects.filter(target_type="community.interestgroup").order_by("id")
                 .values_list("action", "actor__username"))
    assert trail == [("community.group.join", "ann"), ("community.group.join", "bo"), ("community.group.leave", "ann")]


def test_joining_twice_or_leaving_a_group_one_is_not_in_changes_nothing(group):
    ann = make_user("ann")
    services.group_join(actor=ann, group=group)
    services.group_join(actor=ann, group=group)
    assert count(group) == 1 and group.members.count() == 1
    services.group_leave(actor=ann, group=group)
    services.group_leave(actor=ann, group=group)
    assert count(group) == 0 and not group.members.exists()
    assert AuditEvent.objects.filter(action__startswith="community.group.").count() == 2


@pytest.mark.parametrize("service", ["group_join", "group_leave"])
@pytest.mark.parametrize("who", ["anonymous", "inactive"])
def test_anonymous_and_inactive_accounts_are_refused_and_nothing_changes(group, service, who):
    member = make_user("member")
    services.group_join(actor=member, group=group)
    actor = AnonymousUser() if who == "anonymous" else make_user("gone", is_active=False)
    if who == "inactive" and service == "group_leave":
        group.members.add(actor)  # as it was before the account was deactivated
        InterestGroup.objects.filter(pk=group.pk).update(member_count=2)
    before = (count(group), set(group.members.values_list("pk", flat=True)), AuditEvent.objects.count())
    with pytest.raises(PermissionDenied):
        getattr(services, service)(actor=actor, group=group)
    assert (count(group), set(group.members.values_list("pk", flat=True)), AuditEvent.objects.count()) == before


def test_erasing_an_account_takes_it_out_of_its_groups_and_the_count_follows(group):
    from hetao.accounts.privacy import deletion_carry_out, deletion_request

    ann, bo = make_user("ann"), make_user("bo")
    services.group_join(actor=ann, group=group)
    services.group_join(actor=bo, group=group)
    head = staff_in("dh", "data", "head")
    deletion_carry_out(actor=head, request=deletion_request(actor=ann))
    assert count(group) == 1 and list(group.members.values_list("username", flat=True)) == ["bo"]
    left = AuditEvent.objects.get(action="community.group.leave")
    assert left.actor == head and left.changes == {"member": left.changes["member"]}
    assert left.changes["member"].startswith("user:")


def test_the_migration_counts_the_members_already_there(group):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("hetao.community.migrations.0003_interest_group_member_count")
    group.members.add(make_user("ann"), make_user("bo"))
    empty = InterestGroup.objects.create(slug="empty", title_en="Empty", member_count=5)
    migration.count_members(apps, None)
    assert count(group) == 2 and count(empty) == 0


def test_the_groups_page_shows_the_kept_count_in_one_query_per_list(client, group):
    services.group_join(actor=make_user("ann"), group=group)
    page = client.get("/en/groups/")
    assert {g.slug: g.n for g in page.context["groups"]} == {"robotics": 1}


# ── Events and email settings ────────────────────────────────────────────────────────────────────────

def make_event(**extra) -> Event:
    start = timezone.now() + datetime.timedelta(days=7)
    return Event.objects.create(title_en="Meetup", starts_at=start, ends_at=start + datetime.timedelta(hours=2),
                                location="Hall", capacity=2, **extra)


def test_an_inactive_account_cannot_register(db):
    event = make_event()
    with pytest.raises(PermissionDenied):
        services.event_register(actor=make_user("gone", is_active=False), event=event)
    assert not Registration.objects.exists() and not AuditEvent.objects.exists()


def test_event_save_needs_community_staff_and_is_audited(db):
    start = timezone.now() + datetime.timedelta(days=3)
    event = Event(title_en="Forum", starts_at=start, ends_at=start + datetime.timedelta(hours=1), location="Hall",
                  capacity=10)
    with pytest.raises(PermissionDenied):
        services.event_save(actor=make_user("plain"), event=event)
    assert not Event.objects.exists()
    staff = staff_in("es", "enterprise_services")
    services.event_save(actor=staff, event=event)
    assert Event.objects.get().pk == event.pk
    event.capacity = 20
    services.event_save(actor=staff, event=event, fields=["capacity"])
    assert Event.objects.get().capacity == 20
    trail = list(AuditEvent.objects.filter(action__startswith="community.event.").order_by("id")
                 .values_list("action", "changes"))
    assert trail == [("community.event.create", {}), ("community.event.update", {"fields": ["capacity"]})]


def test_email_settings_are_the_accounts_own_and_audited(db):
    ann = make_user("ann")
    services.email_preferences_set(actor=ann, email_kinds={"event"}, all_kinds=["event", "announcement"])
    assert dict(EmailPreference.objects.filter(user=ann).values_list("kind", "email")) == {
        "event": True, "announcement": False}
    assert AuditEvent.objects.get(action="community.email_preferences.set").changes == {"email": ["event"]}
    with pytest.raises(PermissionDenied):
        services.email_preferences_set(actor=make_user("gone", is_active=False), email_kinds=set(),
                                       all_kinds=["event"])


# ── The back office ──────────────────────────────────────────────────────────────────────────────────

@pytest.fixture
def root(db):
    return with_mfa(User.objects.create_superuser("root", "root@example.org", "pw-root-12345"))


@pytest.fixture
def admin_client(client, root):
    client.force_login(root)
    return client


def test_a_group_is_created_renamed_and_deleted_through_services(admin_client, root):
    response = admin_client.post(reverse("admin:community_interestgroup_add"),
                                 {"slug": "quantum", "title_en": "Quantum", "description_en": "Qubits"})
    assert response.status_code == 302
    group = InterestGroup.objects.get(slug="quantum")
    url = reverse("admin:community_interestgroup_change", args=[group.pk])
    response = admin_client.post(url, admin_form_data(admin_client.get(url), title_en="Quantum science"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    group.refresh_from_db()
    assert group.title_en == "Quantum science"
    response = admin_client.post(reverse("admin:community_interestgroup_delete", args=[group.pk]), {"post": "yes"})
    assert response.status_code == 302 and not InterestGroup.objects.filter(pk=group.pk).exists()
    trail = list(AuditEvent.objects.filter(action__startswith="community.group.").order_by("id")
                 .values_list("action", flat=True))
    assert trail == ["community.group.create", "community.group.update", "community.group.delete"]
    assert AuditEvent.objects.get(action="community.group.update").changes == {"fields": ["title_en"]}


def test_members_are_not_edited_in_the_back_office(admin_client, group):
    ann = make_user("ann")
    services.group_join(actor=ann, group=group)
    url = reverse("admin:community_interestgroup_change", args=[group.pk])
    data = admin_form_data(admin_client.get(url), members=[], member_count="99")
    assert admin_client.post(url, data).status_code == 302
    assert count(group) == 1 and list(group.members.all()) == [ann]


def test_only_community_staff_manage_groups(group):
    with pytest.raises(PermissionDenied):
        services.group_save(actor=make_user("plain"), group=InterestGroup(slug="x", title_en="X"))
    with pytest.raises(PermissionDenied):
        services.group_delete(actor=staff_in("sec", "facilities_security"), group=group)
    assert list(InterestGroup.objects.values_list("slug", flat=True)) == ["robotics"]
    assert not AuditEvent.objects.exists()


def test_an_event_added_in_the_back_office_is_audited_and_events_are_not_deleted_there(admin_client, root):
    start = timezone.localtime() + datetime.timedelta(days=5)
    response = admin_client.post(reverse("admin:community_event_add"), {
        "title_en": "Forum", "location": "Hall", "capacity": "30", "registration_open": "on",
        "starts_at_0": start.date().isoformat(), "starts_at_1": "09:00:00",
        "ends_at_0": start.date().isoformat(), "ends_at_1": "11:00:00"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get(title_en="Forum")
    assert AuditEvent.objects.get(action="community.event.create").actor == root
    response = admin_client.post(reverse("admin:community_event_delete", args=[event.pk]), {"post": "yes"})
    assert response.status_code == 403 and Event.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("model", [Registration, Announcement, Notification])
def test_registrations_announcements_and_notifications_are_read_only_there(admin_client, model):
    name = model._meta.model_name
    assert admin_client.get(reverse(f"admin:community_{name}_changelist")).status_code == 200
    assert admin_client.post(reverse(f"admin:community_{name}_add"), {}).status_code == 403
