"""A user's own data: the export (JSON and a readable page), the request for deletion, and deletion by staff
that keeps a pseudonymous audit trail."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from hetao.accounts import services
from hetao.accounts.models import DeletionRequest, Membership
from hetao.accounts.privacy import deletion_carry_out, deletion_request
from hetao.audit.models import AuditEvent
from hetao.community.models import Notification
from hetao.core.validators import hkid_check_digit
from hetao.registry.models import Organisation
from tests.conftest import staff_in

pytestmark = pytest.mark.django_db

User = get_user_model()

CARD = f"Z683190({hkid_check_digit('Z', '683190')})"
CARD_MASKED = f"Z683***({CARD[-2]})"
EMAIL = "mei.chan@example.org"


@pytest.fixture
def mei():
    """A user with a membership, an identity document and a notification."""
    user = User.objects.create_user("mei", EMAIL, "pw-mei-12345")
    Membership.objects.create(user=user, organisation=Organisation.objects.get(slug="hkust-sz-hk-institute"))
    services.identity_document_add(actor=user, kind="hkid", number=CARD)
    Notification.objects.create(user=user, kind="event", title="A place is yours")
    return user


# ── Export ───────────────────────────────────────────────────────────────────────────────────────────

def test_json_export_holds_the_users_data_with_the_document_masked(client, mei):
    client.force_login(mei)
    response = client.get("/en/account/privacy/my-data.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="hetao-my-data.json"'
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    data = json.loads(text)
    assert data["account"]["email"] == EMAIL and data["account"]["id"] == mei.pk
    assert [m["organisation"] for m in data["memberships"]] == [
        Organisation.objects.get(slug="hkust-sz-hk-institute").name_en]
    assert data["identity_documents"] == [
        {"kind": "hkid", "country": "", "number": CARD_MASKED, "added": data["identity_documents"][0]["added"]}]
    assert [n["title"] for n in data["notifications"]] == ["A place is yours"]
    assert CARD not in text and "683190" not in text


def test_json_export_holds_only_the_users_own_data(client, mei):
    other = User.objects.create_user("other", "other@example.org", "pw-other-123")
    Notification.objects.create(user=other, kind="event", title="Not for Mei")
    client.force_login(mei)
    text = client.get("/en/account/privacy/my-data.json").content.decode()
    assert "other@example.org" not in text and "Not for Mei" not in text


def test_html_export_is_a_readable_attachment(client, mei):
    client.force_login(mei)
    response = client.get("/en/account/privacy/my-data.html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response["Content-Disposition"] == 'attachment; filename="hetao-my-data.html"'
    html = response.content.decode()
    assert EMAIL in html and CARD_MASKED in html
    assert CARD not in html


def test_export_needs_sign_in(client):
    response = client.get("/en/account/privacy/my-data.json")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_export_in_another_format_does_not_exist(client, mei):
    client.force_login(mei)
    assert client.get("/en/account/privacy/my-data.xml").status_code == 404


# ── Asking for deletion ──────────────────────────────────────────────────────────────────────────────

def test_asking_for_deletion_needs_the_confirmation(client, mei):
    client.force_login(mei)
    response = client.post("/en/account/privacy/", {"reason": "Moving away"})
    assert response.status_code == 302
    assert not DeletionRequest.objects.exists()


def test_asking_for_deletion_twice_makes_one_pending_request(client, mei):
    client.force_login(mei)
    for reason in ("Moving away", "Asking again"):
        response = client.post("/en/account/privacy/", {"confirm": "delete", "reason": reason})
        assert response.status_code == 302 and response["Location"] == "/en/account/privacy/"
    request = DeletionRequest.objects.get()
    assert request.user == mei and request.status == DeletionRequest.Status.PENDING
    assert request.pseudonym == f"user:{mei.pk}" and request.reason == "Moving away"
    page = client.get("/en/account/privacy/")
    assert page.context["pending"] == request


# ── Carrying it out ──────────────────────────────────────────────────────────────────────────────────

def audit_rows_mentioning(text: str) -> list[AuditEvent]:
    return [e for e in AuditEvent.objects.all()
            if text in e.target_label or text in e.actor_label or text in str(e.changes)]


def test_a_data_head_deletes_the_account_and_the_audit_trail_stays_pseudonymous(mei):
    user_id, label = mei.pk, f"user:{mei.pk}"
    services.profile_update(actor=mei, user=mei, first_name="Mei")
    request = deletion_request(actor=mei, reason="Moving away")
    head = staff_in("dh", "data", "head")

    deletion_carry_out(actor=head, request=request)

    assert not User.objects.filter(pk=user_id).exists()
    assert not Membership.objects.filter(user_id=user_id).exists()
    assert not Notification.objects.filter(user_id=user_id).exists()
    request.refresh_from_db()
    assert request.status == DeletionRequest.Status.DONE and request.done_by == head and request.user is None
    assert request.pseudonym == label

    about = AuditEvent.objects.filter(target_type="accounts.user", target_id=str(user_id))
    assert set(about.values_list("action", flat=True)) >= {
        "accounts.profile.update", "privacy.deletion_requested", "privacy.account_deleted"}
    assert all(e.target_label == label for e in about)
    by_user = AuditEvent.objects.filter(actor_label=label)
    assert set(by_user.values_list("action", flat=True)) >= {
        "security.iddoc_added", "accounts.profile.update", "privacy.deletion_requested"}
    assert all(e.actor_id is None for e in by_user)
    assert AuditEvent.objects.get(action="privacy.account_deleted").actor == head
    assert audit_rows_mentioning(EMAIL) == []
    assert audit_rows_mentioning("Mei") == []


def test_audit_rows_about_a_join_request_do_not_keep_the_email_after_deletion():
    from tests.factories import OrganisationFactory

    user = User.objects.create_user("kit", "kit@example.org", "pw-kit-12345")
    organisation = OrganisationFactory()
    services.join_request_create(actor=user, organisation=organisation)
    request = deletion_request(actor=user)
    deletion_carry_out(actor=staff_in("dh", "data", "head"), request=request)
    assert not User.objects.filter(email="kit@example.org").exists()
    assert audit_rows_mentioning("kit@example.org") == []


def test_an_officer_who_is_not_a_data_head_may_not_delete(mei):
    request = deletion_request(actor=mei)
    for officer in (staff_in("do", "data"), staff_in("th", "talent_services", "head")):
        with pytest.raises(PermissionDenied):
            deletion_carry_out(actor=officer, request=request)
    assert User.objects.filter(pk=mei.pk).exists()
    request.refresh_from_db()
    assert request.status == DeletionRequest.Status.PENDING
    assert not AuditEvent.objects.filter(action="privacy.account_deleted").exists()


def test_carrying_out_twice_does_nothing_more(mei):
    request = deletion_request(actor=mei)
    head = staff_in("dh", "data", "head")
    deletion_carry_out(actor=head, request=request)
    deletion_carry_out(actor=head, request=request)
    assert AuditEvent.objects.filter(action="privacy.account_deleted").count() == 1
