"""The audit trail's back office is strictly read-only: no add, change or delete, not even for a superuser."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from hetao.audit.models import AuditEvent
from hetao.audit.service import audit_record
from tests.conftest import with_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "pw-root-12345")
    client.force_login(with_mfa(user))
    return client


@pytest.fixture
def event():
    return audit_record(actor=None, action="test.thing.do", target=None, changes={"a": 1})


def test_the_list_and_an_event_can_be_read(admin_client, event):
    listing = admin_client.get(reverse("admin:audit_auditevent_changelist"))
    assert listing.status_code == 200
    assert "action-checkbox" not in listing.content.decode()  # no bulk actions, not even "delete selected"
    page = admin_client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False and page.context["has_delete_permission"] is False


def test_nothing_can_be_added_changed_or_deleted(admin_client, event):
    count = AuditEvent.objects.count()
    assert admin_client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert admin_client.post(reverse("admin:audit_auditevent_add"), {"action": "forged.add"}).status_code == 403
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    assert admin_client.post(change, {"action": "forged.change", "actor_label": "x"}).status_code == 403
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    bulk = admin_client.post(reverse("admin:audit_auditevent_changelist"),
                             {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})
    assert bulk.status_code in (200, 302)
    event.refresh_from_db()
    assert event.action == "test.thing.do" and AuditEvent.objects.count() == count
