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


# ── A user who has one of everything ─────────────────────────────────────────────────────────────────

FULL_EMAIL, FIRST, LAST = "meixiu.everything@example.org", "Meixiu", "Chanwong"
MOBILE, IP = "+85291234568", "203.0.113.77"
FULL_CARD = f"Y419370({hkid_check_digit('Y', '419370')})"
MARKERS = (FULL_EMAIL, FIRST, LAST, MOBILE, FULL_CARD, "419370", IP)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def rows_mentioning(markers) -> list[str]:
    """Every stored row (of the apps that hold people's data) in which one of the markers occurs."""
    from django.apps import apps

    found = []
    for label in ("accounts", "account", "mfa", "socialaccount", "usersessions", "oauth2_provider", "audit",
                  "community", "onestop", "passes", "sessions", "admin"):
        for model in apps.get_app_config(label).get_models():
            for row in model.objects.all().values():
                text = " ".join(str(v) for v in row.values())
                found += [f"{model._meta.label}:{row.get('id')} {m}" for m in markers if m in text]
    return found


@pytest.fixture
def everything(client):
    """A member with an application in every state, documents, codes, places, tokens, sessions and more."""
    import datetime
    import io

    from allauth.account.models import EmailAddress
    from allauth.usersessions.models import UserSession
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.utils import timezone
    from oauth2_provider.models import AccessToken, Grant, IDToken, RefreshToken
    from oauth2_provider.models import Application as Client

    from hetao.accounts.models import Invitation, KnownDevice
    from hetao.community import services as community
    from hetao.community.models import Event, InterestGroup
    from hetao.onestop import services as onestop
    from hetao.onestop.models import Service
    from hetao.passes import services as passes
    from hetao.passes.models import AccessPoint, AccessRule, VisitorPass
    from hetao.registry.models import Park
    from tests.conftest import with_mfa

    call_command("import_services", stdout=io.StringIO())
    user = User.objects.create_user("everything", FULL_EMAIL, "pw-everything-1", first_name=FIRST, last_name=LAST,
                                    mobile=MOBILE)
    with_mfa(user)
    EmailAddress.objects.create(user=user, email=FULL_EMAIL, verified=True, primary=True)
    KnownDevice.objects.create(user=user, fingerprint="f" * 64, user_agent="Firefox")
    client.force_login(user)
    session_key = client.session.session_key
    UserSession.objects.create(user=user, session_key=session_key, ip=IP, user_agent="Firefox")
    services.identity_document_add(actor=user, kind="hkid", number=FULL_CARD)
    Notification.objects.create(user=user, kind="event", title=f"Hello {FIRST}")
    # Organisations: the admin of one (so the kehuitong filing can be made), a request to join another,
    # an invitation to the same email from a third.
    home, other = Organisation.objects.get(slug="hkust-sz-hk-institute"), Organisation.objects.get(slug="hkust")
    Membership.objects.create(user=user, organisation=home, role="admin")
    services.join_request_create(actor=user, organisation=other)
    Invitation.objects.create(organisation=other, email=FULL_EMAIL.upper(),
                              expires_at=timezone.now() + datetime.timedelta(days=7))
    # Community: the only place at an event (someone waits for it) and a group.
    start = timezone.now() + datetime.timedelta(days=10)
    event = Event.objects.create(title_en="Forum", starts_at=start, ends_at=start + datetime.timedelta(hours=2),
                                 location="Hall", capacity=1)
    community.event_register(actor=user, event=event)
    waiting = User.objects.create_user("waiting", "waiting@example.org", "pw-waiting-12")
    community.event_register(actor=waiting, event=event)
    group = InterestGroup.objects.first() or InterestGroup.objects.create(slug="quantum", title_en="Quantum")
    community.group_join(actor=user, group=group)
    # Park code (revoked once), a rule for this person, a visitor invited.
    point = AccessPoint(code="privacy-gate", kind="gate", park=Park.objects.get(code="shenzhen"), name_en="Gate")
    point.full_clean()
    point.save()
    passes.holder_revoke(user=user, actor=user, reason="lost phone")
    AccessRule.objects.create(access_point=point, grant="person", user=user)
    VisitorPass.objects.create(host=user, guest_name="Guest", guest_email="guest@example.org", access_point=point,
                               valid_from=start, valid_until=start + datetime.timedelta(hours=2))
    # OpenID Connect: a client this account registered, and a grant and tokens at another.
    own_client = Client.objects.create(name="Mine", client_id="mine", user=user, client_type="public",
                                       authorization_grant_type="authorization-code", redirect_uris="https://x.test/")
    partner = Client.objects.create(name="Partner", client_id="partner", client_type="public",
                                    authorization_grant_type="authorization-code", redirect_uris="https://p.test/")
    later = timezone.now() + datetime.timedelta(hours=1)
    Grant.objects.create(user=user, application=partner, code="g1", expires=later, redirect_uri="https://p.test/")
    id_token = IDToken.objects.create(user=user, application=partner, expires=later)
    access = AccessToken.objects.create(user=user, application=partner, token="a1", expires=later, id_token=id_token)
    RefreshToken.objects.create(user=user, application=partner, token="r1", access_token=access)
    # Applications: a draft, a decided one with a rating, a submitted one with a document from the locker.
    draft = onestop.application_start(actor=user, service=Service.objects.get(code="hk-researcher-facilitation"))
    onestop.application_save_page(actor=user, application=draft, page_answers={"hkid": FULL_CARD})
    venue = onestop.application_start(actor=user, service=Service.objects.get(code="venue-booking"))
    onestop.application_save_page(actor=user, application=venue, page_answers={
        "title": "Quantum forum", "date": "2026-12-12", "guests": "80", "catering": "no"})
    venue = onestop.application_submit(actor=user, application=venue, consent=True)
    onestop.application_decide(actor=staff_in("fac", "facilities_security"), application=venue, action="approve")
    onestop.rating_give(actor=user, application=venue, score=4, comment=f"Thanks, {FIRST}")
    filing = onestop.application_start(actor=user, service=Service.objects.get(code="kehuitong-filing"),
                                       organisation=home)
    onestop.application_save_page(actor=user, application=filing, page_answers={
        "org_name": home.name_en, "org_registered_in": "hong_kong", "project": "Quantum sensing",
        "amount": {"amount": "1000", "currency": "HKD"}, "payer": "HKU", "expected": "2026-12-20"},
        files={"grant_letter": (SimpleUploadedFile("grant.pdf", PDF), None)})
    filing = onestop.application_submit(actor=user, application=filing, consent=True)
    loose = onestop.document_store(actor=user, upload=SimpleUploadedFile("cv.pdf", PDF), label="My CV")
    return {"user": user, "session_key": session_key, "draft": draft, "kept": [venue, filing], "loose": loose,
            "waiting": waiting, "event": event, "group": group, "own_client": own_client}


def test_deleting_a_user_who_has_one_of_everything(everything, django_capture_on_commit_callbacks):
    from allauth.mfa.models import Authenticator
    from django.contrib.sessions.models import Session
    from oauth2_provider.models import AccessToken, Grant, IDToken, RefreshToken

    from hetao.accounts.models import IdentityDocument, JoinRequest, KnownDevice
    from hetao.community.models import Registration
    from hetao.onestop.models import Application, StoredDocument, Transition
    from hetao.passes.models import AccessRule, PassHolder, VisitorPass

    user = everything["user"]
    user_id, pseudonym = user.pk, f"user:{user.pk}"
    attached = StoredDocument.objects.get(owner=user, label="grant_letter")
    loose = everything["loose"]
    assert loose.file.storage.exists(loose.file.name) and rows_mentioning(MARKERS)  # the markers were stored
    request = deletion_request(actor=user, reason=f"I am {FIRST} {LAST}")

    with django_capture_on_commit_callbacks(execute=True):
        deletion_carry_out(actor=staff_in("dh", "data", "head"), request=request)

    # The account and everything that was its alone are gone.
    assert not User.objects.filter(pk=user_id).exists()
    for model in (Authenticator, KnownDevice, IdentityDocument, Membership, JoinRequest, Notification,
                  Registration, PassHolder, AccessRule, VisitorPass, Grant, AccessToken, RefreshToken, IDToken):
        assert not model.objects.filter(**{"host_id" if model is VisitorPass else "user_id": user_id}).exists(), model
    assert not Session.objects.filter(session_key=everything["session_key"]).exists()
    assert not Application.objects.filter(pk=everything["draft"].pk).exists()
    assert not StoredDocument.objects.filter(pk=loose.pk).exists()
    assert not loose.file.storage.exists(loose.file.name)
    assert not everything["group"].members.filter(pk=user_id).exists()
    # The freed place went to the waiting list; the client a partner relies on stays, without an owner.
    assert Registration.objects.get(user=everything["waiting"], event=everything["event"]).status == "confirmed"
    everything["own_client"].refresh_from_db()
    assert everything["own_client"].user_id is None

    # The submitted applications stay, with their history and document, under the pseudonym.
    kept = list(Application.objects.filter(pk__in=[a.pk for a in everything["kept"]]))
    assert len(kept) == 2
    stand_in = kept[0].applicant
    assert {a.applicant_id for a in kept} == {stand_in.pk} and stand_in.username == pseudonym
    assert not stand_in.is_active and not stand_in.has_usable_password() and stand_in.email == ""
    assert not stand_in.emailaddress_set.exists() and not stand_in.authenticator_set.exists()
    filing = next(a for a in kept if a.service.code == "kehuitong-filing")
    assert filing.data["project"] == "Quantum sensing" and filing.data["amount"]["currency"] == "HKD"
    assert filing.data["contact_email"] is None and filing.data["contact_name"] is None
    assert filing.data["grant_letter"]["document"] == attached.pk
    attached.refresh_from_db()
    assert attached.owner == stand_in and attached.file.storage.exists(attached.file.name)
    venue = next(a for a in kept if a.service.code == "venue-booking")
    assert venue.status == "approved" and venue.rating.score == 4 and venue.rating.comment == ""
    assert Transition.objects.filter(application__in=kept).count() >= 3

    # The audit trail stays, pseudonymous; nothing anywhere names the person.
    assert AuditEvent.objects.filter(actor_label=pseudonym).count() >= 5
    assert AuditEvent.objects.filter(action="privacy.account_deleted", changes__applications_kept=2).exists()
    request.refresh_from_db()
    assert request.reason == "" and request.pseudonym == pseudonym
    assert rows_mentioning(MARKERS) == []
