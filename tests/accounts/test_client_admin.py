"""The partner-systems page: the head of data manages OpenID Connect clients, nobody else can (issue 8,
security 5). Every write is audited; bad input is a form error and changes nothing."""

import base64

import pytest
from django.contrib.auth.hashers import check_password
from django.urls import reverse
from oauth2_provider.models import AccessToken, Application

from hetao.accounts import clients
from hetao.accounts.models import ClientPolicy
from hetao.audit.models import AuditEvent
from tests.conftest import staff_in

pytestmark = pytest.mark.django_db

NEW = {"name": "Lab booking", "client_type": "public", "redirect_uris": "https://lab.example/cb\nhttps://lab.example/cb2",
       "post_logout_redirect_uris": "https://lab.example/", "allowed_scopes": ["profile", "organisations"],
       "contact_email": "it@lab.example"}


@pytest.fixture
def data_head(client):
    client.force_login(staff_in("datahead", "data", "head"))
    return client


@pytest.fixture
def registered(db):
    head = staff_in("registrar", "data", "head")
    application, _secret = clients.oidc_client_create(
        actor=head, name="Partner", client_type="confidential", redirect_uris=["https://partner.example/cb"],
        post_logout_redirect_uris=[], allowed_scopes=["email"], skip_authorization=False)
    return application


def state() -> list:
    """Everything the page could change."""
    return [(a.name, a.client_type, a.client_secret, a.redirect_uris, a.skip_authorization, p.allowed_scopes,
             p.disabled_at)
            for a in Application.objects.order_by("pk") for p in ClientPolicy.objects.filter(application=a)]


def test_the_data_head_lists_and_registers_a_public_client(data_head, registered):
    page = data_head.get(reverse("accounts:clients"))
    assert page.status_code == 200 and registered.client_id in page.content.decode()
    response = data_head.post(reverse("accounts:client_new"), NEW)
    application = Application.objects.get(name="Lab booking")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:client_edit",
                                                                           args=[application.pk])
    assert application.redirect_uris == "https://lab.example/cb https://lab.example/cb2"
    assert (application.client_type, application.client_secret) == ("public", "")
    assert (application.algorithm, application.authorization_grant_type) == ("RS256", "authorization-code")
    policy = application.park_policy
    assert (policy.allowed_scopes, policy.contact_email) == ("openid profile organisations", "it@lab.example")
    event = AuditEvent.objects.get(action="oidc.client_created", target_id=str(application.pk))
    assert event.changes["redirect_uris"] == application.redirect_uris


def test_a_confidential_client_secret_is_shown_once_and_kept_hashed(data_head):
    response = data_head.post(reverse("accounts:client_new"), {**NEW, "client_type": "confidential"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    secret = response.context["secret"]
    application = Application.objects.get(name="Lab booking")
    assert secret in response.content.decode() and secret not in application.client_secret
    assert check_password(secret, application.client_secret)
    assert secret not in data_head.get(reverse("accounts:client_edit", args=[application.pk])).content.decode()
    # The secret works at the token endpoint (client_secret_basic): the grant is refused, the client is not.
    basic = base64.b64encode(f"{application.client_id}:{secret}".encode()).decode()
    answer = data_head.post("/oidc/token/", {"grant_type": "authorization_code", "code": "nope",
                                             "redirect_uri": "https://lab.example/cb"},
                            HTTP_AUTHORIZATION=f"Basic {basic}")
    assert answer.json()["error"] == "invalid_grant"


def test_rotating_the_secret_replaces_it(data_head, registered):
    before = Application.objects.get(pk=registered.pk).client_secret
    response = data_head.post(reverse("accounts:client_secret", args=[registered.pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    after = Application.objects.get(pk=registered.pk).client_secret
    assert after != before and check_password(response.context["secret"], after)
    assert AuditEvent.objects.filter(action="oidc.client_secret_rotated", target_id=str(registered.pk)).exists()


def test_editing_changes_addresses_scopes_and_consent(data_head, registered):
    url = reverse("accounts:client_edit", args=[registered.pk])
    assert data_head.get(url).status_code == 200
    response = data_head.post(url, {"name": "Partner II", "client_type": "confidential",
                                    "redirect_uris": "https://partner.example/new", "allowed_scopes": ["email",
                                                                                                       "profile"],
                                    "skip_authorization": "on"})
    assert response.status_code == 302
    registered.refresh_from_db()
    assert (registered.name, registered.redirect_uris, registered.skip_authorization) == (
        "Partner II", "https://partner.example/new", True)
    assert registered.park_policy.allowed_scopes == "openid email profile"
    event = AuditEvent.objects.get(action="oidc.client_changed", target_id=str(registered.pk))
    assert event.changes["name"] == ["Partner", "Partner II"]


def test_disabling_stops_sign_in_and_revokes_tokens_and_enabling_restores(data_head, registered):
    from django.utils import timezone

    AccessToken.objects.create(application=registered, token="t", expires=timezone.now() + timezone.timedelta(hours=1),
                               scope="openid")
    response = data_head.post(reverse("accounts:client_status", args=[registered.pk]), {"action": "disable"})
    assert response.status_code == 302
    registered.refresh_from_db()
    assert registered.park_policy.disabled_at is not None
    assert not AccessToken.objects.filter(application=registered).exists()
    assert "Disabled" in data_head.get(reverse("accounts:clients")).content.decode()
    answer = data_head.get("/oidc/authorize/", {"client_id": registered.client_id, "response_type": "code",
                                                "redirect_uri": "https://partner.example/cb", "scope": "openid",
                                                "code_challenge": "x" * 43, "code_challenge_method": "S256"})
    assert answer.status_code == 400  # an unknown client to the provider
    data_head.post(reverse("accounts:client_status", args=[registered.pk]), {"action": "enable"})
    registered.refresh_from_db()
    assert registered.park_policy.disabled_at is None
    assert [e.action for e in AuditEvent.objects.filter(target_id=str(registered.pk)).order_by("pk")][-2:] == [
        "oidc.client_disabled", "oidc.client_enabled"]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("redirect_uris", "http://lab.example/cb", "use an https address"),
    ("redirect_uris", "https://lab.example/cb#top", "exact address"),
    ("redirect_uris", "https://*.lab.example/cb", "exact address"),
    ("redirect_uris", "https://user:pw@lab.example/cb", "exact address"),
    ("redirect_uris", "javascript:alert(1)", "use an https address"),
    ("redirect_uris", "", "This field is required"),
    ("post_logout_redirect_uris", "ftp://lab.example/", "use an https address"),
    ("client_type", "hybrid", "Select a valid choice"),
    ("allowed_scopes", ["profile", "admin"], "Select a valid choice"),
    ("contact_email", "not-an-email", "valid email"),
    ("name", "", "This field is required"),
])
def test_bad_input_is_a_form_error_and_changes_nothing(data_head, registered, field, value, message):
    before = state()
    response = data_head.post(reverse("accounts:client_new"), {**NEW, field: value})
    assert response.status_code == 200 and message in response.content.decode()
    response = data_head.post(reverse("accounts:client_edit", args=[registered.pk]), {**NEW, field: value})
    assert response.status_code == 200 and message in response.content.decode()
    assert state() == before


def test_loopback_http_only_where_the_settings_allow_it(data_head, settings):
    assert data_head.post(reverse("accounts:client_new"), {**NEW, "redirect_uris": "http://127.0.0.1:8765/cb"}
                          ).status_code == 302  # test settings, like dev, allow it (RFC 8252)
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "ALLOWED_REDIRECT_URI_SCHEMES": ["https"]}
    response = data_head.post(reverse("accounts:client_new"), {**NEW, "name": "Again",
                                                                "redirect_uris": "http://127.0.0.1:8765/cb"})
    assert response.status_code == 200 and "use an https address" in response.content.decode()
    assert not Application.objects.filter(name="Again").exists()


@pytest.mark.parametrize("who", ["data officer", "head of another department", "member", "anonymous"])
def test_others_get_403_and_nothing_changes(client, registered, member_user, who):
    if who == "data officer":
        client.force_login(staff_in("dataofficer", "data"))
    elif who == "head of another department":
        client.force_login(staff_in("financehead", "finance", "head"))
    elif who == "member":
        client.force_login(member_user)
    before, events = state(), AuditEvent.objects.count()
    pages = [("get", reverse("accounts:clients"), {}), ("get", reverse("accounts:client_new"), {}),
             ("post", reverse("accounts:client_new"), NEW),
             ("get", reverse("accounts:client_edit", args=[registered.pk]), {}),
             ("post", reverse("accounts:client_edit", args=[registered.pk]), NEW),
             ("post", reverse("accounts:client_secret", args=[registered.pk]), {}),
             ("post", reverse("accounts:client_status", args=[registered.pk]), {"action": "disable"})]
    for method, url, data in pages:
        response = getattr(client, method)(url, data)
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
        else:
            assert response.status_code == 403, (url, response.status_code)
    assert state() == before and AuditEvent.objects.count() == events


def test_the_services_check_the_permission_themselves(registered, member_user):
    from django.core.exceptions import PermissionDenied

    officer = staff_in("plainofficer", "data")
    for actor in (officer, member_user):
        with pytest.raises(PermissionDenied):
            clients.oidc_client_set_disabled(actor=actor, application=registered, disabled=True)
        with pytest.raises(PermissionDenied):
            clients.oidc_client_rotate_secret(actor=actor, application=registered)


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
def test_the_pages_open_in_each_language(data_head, registered, language):
    for url in (f"/{language}/staff/partner-systems/", f"/{language}/staff/partner-systems/new/",
                f"/{language}/staff/partner-systems/{registered.pk}/"):
        response = data_head.get(url)
        assert response.status_code == 200 and response.headers["Content-Language"] == language
