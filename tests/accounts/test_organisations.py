import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hetao.accounts.models import Invitation, JoinRequest, Membership, PersonClaim, User
from hetao.registry.models import Organisation, Person
from tests.conftest import staff_in

pytestmark = pytest.mark.django_db


def account(email, **extra):
    user = User.objects.create_user(email.split("@")[0], email, "Pw-2026-" + email, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def org():
    return Organisation.objects.get(slug="hkust-sz-hk-institute")


@pytest.fixture
def org_admin(org):
    admin = account("boss@example.org")
    Membership.objects.create(user=admin, organisation=org, role="admin")
    return admin


def test_invitation_by_email_and_acceptance(client, org, org_admin, django_capture_on_commit_callbacks):
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/organisations/{org.slug}/members/", {"email": "New@Example.org", "role": "member"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(organisation=org)
    assert invitation.email == "new@example.org"
    assert invitation.token in mail.outbox[-1].body
    newcomer = account("new@example.org")
    client.force_login(newcomer)
    page = client.get(f"/en/invitations/{invitation.token}/")
    assert page.status_code == 200 and org.name_en in page.content.decode()
    assert client.post(f"/en/invitations/{invitation.token}/").status_code == 302
    assert Membership.objects.filter(user=newcomer, organisation=org, role="member").exists()
    # Single use.
    response = client.post(f"/en/invitations/{invitation.token}/")
    assert response.status_code == 400 and "already been used" in response.content.decode()


def test_expired_or_foreign_invitation_creates_nothing(client, org, org_admin):
    expired = Invitation.objects.create(organisation=org, email="late@example.org", invited_by=org_admin,
                                        expires_at=timezone.now() - datetime.timedelta(minutes=1))
    late = account("late@example.org")
    client.force_login(late)
    response = client.post(f"/en/invitations/{expired.token}/")
    assert response.status_code == 400 and "expired on" in response.content.decode()
    translated = client.post(f"/zh-hant/invitations/{expired.token}/").content.decode()
    assert "expired on" not in translated and expired.expires_at.date().isoformat() in translated
    other = Invitation.objects.create(organisation=org, email="someone.else@example.org", invited_by=org_admin,
                                      expires_at=timezone.now() + datetime.timedelta(days=1))
    response = client.post(f"/en/invitations/{other.token}/")
    assert response.status_code == 400 and "someone.else@example.org" in response.content.decode()
    assert client.post("/en/invitations/no-such-token/").status_code == 404
    assert not Membership.objects.filter(user=late).exists()


def test_only_the_organisation_admin_invites(client, org, member_user):
    client.force_login(member_user)
    assert client.post(f"/en/organisations/{org.slug}/members/", {"email": "x@example.org"}).status_code == 403
    Membership.objects.create(user=member_user, organisation=org, role="member")
    assert client.post(f"/en/organisations/{org.slug}/members/", {"email": "x@example.org"}).status_code == 403
    assert not Invitation.objects.exists()


def test_request_to_join_and_approval(client, org, org_admin, member_user):
    client.force_login(member_user)
    assert client.post(f"/en/organisations/{org.slug}/join/", {"message": "I work here"}).status_code == 302
    response = client.post(f"/en/organisations/{org.slug}/join/", {"message": "again"})
    assert "already asked" in response.content.decode()
    assert JoinRequest.objects.filter(user=member_user).count() == 1
    request = JoinRequest.objects.get(user=member_user)
    assert client.post(f"/en/join-requests/{request.pk}/", {"decision": "approve"}).status_code == 403
    client.force_login(org_admin)
    client.post(f"/en/join-requests/{request.pk}/", {"decision": "approve"})
    assert Membership.objects.filter(user=member_user, organisation=org).exists()
    # A second decision on the same request is refused with a clear message, not applied twice.
    response = client.post(f"/en/join-requests/{request.pk}/", {"decision": "decline"}, follow=True)
    assert "already been decided" in response.content.decode()


def test_the_last_admin_stays(client, org, org_admin):
    client.force_login(org_admin)
    membership = Membership.objects.get(user=org_admin)
    response = client.post(f"/en/memberships/{membership.pk}/", {"action": "remove"}, follow=True)
    assert "at least one admin" in response.content.decode()
    response = client.post(f"/en/memberships/{membership.pk}/", {"role": "member"}, follow=True)
    assert "at least one admin" in response.content.decode()
    assert Membership.objects.get(pk=membership.pk).role == "admin"


def test_person_claim_confirmed_by_staff(client, member_user):
    person = Person.objects.filter(account__isnull=True).first()
    client.force_login(member_user)
    client.post("/en/account/person/", {"person": person.pk})
    claim = PersonClaim.objects.get(user=member_user)
    assert claim.status == "pending"
    client.post("/en/account/person/", {"person": person.pk})
    assert PersonClaim.objects.filter(user=member_user).count() == 1
    from hetao.accounts import services

    with pytest.raises(PermissionDenied, match="person_claim.decide"):
        services.person_claim_decide(actor=member_user, claim=claim, confirm=True)
    officer = staff_in("talent", "talent_services")
    services.person_claim_decide(actor=officer, claim=claim, confirm=True)
    member_user.refresh_from_db()
    assert member_user.person == person


def test_a_user_in_several_organisations(client, member_user):
    for slug in ("hku", "cuhk"):
        Membership.objects.create(user=member_user, organisation=Organisation.objects.get(slug=slug))
    client.force_login(member_user)
    html = client.get("/en/account/").content.decode()
    assert "The University of Hong Kong" in html and "The Chinese University of Hong Kong" in html


def test_a_newcomer_creates_their_own_registry_record(client, member_user):
    member_user.first_name, member_user.last_name = "Tai Man", "Chan"
    member_user.save()
    client.force_login(member_user)
    client.post("/en/account/person/new/", {"name_zh": "陳大文", "region": "hong_kong"})
    member_user.refresh_from_db()
    person = member_user.person
    assert (person.name_en, person.name_zh_hant, person.name_zh_hans) == ("Tai Man Chan", "陳大文", "陈大文")
    assert person.romanisation == "Chan Tai Man"
    response = client.post("/en/account/person/new/", {"region": "hong_kong"}, follow=True)
    assert "already linked" in response.content.decode()
