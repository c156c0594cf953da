"""Audit events are append-only: the model and its queryset everywhere, a trigger on PostgreSQL. The one change
allowed is erasure after an account is deleted (the actor and the IP address cleared)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction

from hetao.audit.models import AuditEvent
from hetao.audit.service import audit_record

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")


@pytest.fixture
def event():
    user = get_user_model().objects.create_user("audited", "audited@example.org", "pw-audited-123")
    return audit_record(actor=user, action="test.thing.do", target=user, changes={"a": 1}, ip="203.0.113.9")


def test_the_model_refuses_to_change_or_delete_a_row(event):
    event.action = "test.thing.undo"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


@pytest.mark.parametrize("change", [{"action": "x.y"}, {"changes": {}}, {"ip_address": "198.51.100.1"},
                                    {"actor_label": "anonymous"}, {"actor_id": None, "action": "x.y"}])
def test_the_queryset_refuses_every_update_but_erasure(event, change):
    with pytest.raises(ValueError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).update(**change)
    with pytest.raises(ValueError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.action == "test.thing.do" and event.ip_address == "203.0.113.9"


def test_erasure_through_the_queryset_is_allowed(event):
    assert AuditEvent.objects.filter(pk=event.pk).update(ip_address=None, actor=None) == 1
    event.refresh_from_db()
    assert event.ip_address is None and event.actor_id is None and event.actor_label.startswith("user:")


def raw(sql: str, params=()) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@on_postgresql
@pytest.mark.parametrize("sql", [
    "UPDATE audit_auditevent SET action = 'forged.action' WHERE id = %s",
    "UPDATE audit_auditevent SET changes = '{}'::jsonb WHERE id = %s",
    "UPDATE audit_auditevent SET at = at - interval '1 day' WHERE id = %s",
    "UPDATE audit_auditevent SET actor_label = 'user:0' WHERE id = %s",
    "UPDATE audit_auditevent SET target_label = 'elsewhere', ip_address = NULL WHERE id = %s",
    "UPDATE audit_auditevent SET ip_address = '198.51.100.1' WHERE id = %s",
    "DELETE FROM audit_auditevent WHERE id = %s",
])
def test_postgresql_refuses_update_and_delete_whatever_sends_them(event, sql):
    with pytest.raises(DatabaseError, match="append-only"):
        raw(sql, [event.pk])
    event.refresh_from_db()
    assert (event.action, event.ip_address, event.changes) == ("test.thing.do", "203.0.113.9", {"a": 1})


@on_postgresql
def test_postgresql_refuses_moving_an_event_to_another_actor(event):
    other = get_user_model().objects.create_user("other", "other@example.org", "pw-other-123")
    with pytest.raises(DatabaseError, match="append-only"):
        raw("UPDATE audit_auditevent SET actor_id = %s WHERE id = %s", [other.pk, event.pk])


@on_postgresql
def test_postgresql_allows_exactly_erasure(event):
    assert raw("UPDATE audit_auditevent SET ip_address = NULL WHERE id = %s", [event.pk]) == 1
    assert raw("UPDATE audit_auditevent SET actor_id = NULL WHERE id = %s", [event.pk]) == 1
    event.refresh_from_db()
    assert event.ip_address is None and event.actor_id is None
    assert (event.action, event.actor_label, event.changes) == ("test.thing.do", event.actor_label, {"a": 1})


@on_postgresql
def test_deleting_the_account_clears_the_actor_and_keeps_the_event(event):
    user_id = event.actor_id
    get_user_model().objects.filter(pk=user_id).delete()  # on_delete=SET_NULL: an UPDATE the trigger allows
    event.refresh_from_db()
    assert event.actor_id is None and event.actor_label == f"user:{user_id}"
