"""Acceptance: a real OpenID Connect client (Authlib) signs a user in against the running park, verifies
the ID token's signature against the published JWKS, refreshes, reads userinfo, and logs out."""

import secrets
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from django.contrib.auth import get_user_model
from oauth2_provider.models import Application

from hetao.accounts.models import ClientPolicy, Membership
from hetao.registry.models import Organisation

pytestmark = pytest.mark.django_db(transaction=True)

REDIRECT = "http://127.0.0.1:8765/callback"


@pytest.fixture
def partner(demo_park):
    app = Application.objects.create(
        name="Partner portal", client_id="partner-portal", client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE, redirect_uris=REDIRECT,
        post_logout_redirect_uris="http://127.0.0.1:8765/", algorithm=Application.RS256_ALGORITHM,
        skip_authorization=False, client_secret="",
    )
    ClientPolicy.objects.create(application=app, allowed_scopes="openid profile email organisations")
    return app


@pytest.fixture
def browser_session(live_server, client):
    """A user signed in at the park, seen by a plain HTTP client (the 'browser' of this test)."""
    user = get_user_model().objects.create_user("mei", "mei@example.org", "pw-mei-12345", first_name="Mei",
                                                last_name="Chan", preferred_language="zh-hant")
    user.emailaddress_set.create(email=user.email, verified=True, primary=True)
    Membership.objects.create(user=user, organisation=Organisation.objects.get(slug="hkust-sz-hk-institute"),
                              role="admin")
    client.force_login(user)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    return session, user


def authorize(session, live_server, oauth, metadata, verifier, nonce, consent=True):
    url, state = oauth.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier,
                                                nonce=nonce)
    response = session.get(url, allow_redirects=False)
    if consent:
        assert response.status_code == 200 and "Partner portal" in response.text  # the consent screen
        form = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
        form.update(allow="Authorize", csrfmiddlewaretoken=session.cookies.get("csrftoken"), scope=form["scope"])
        response = session.post(f"{live_server.url}/oidc/authorize/", data=form, allow_redirects=False,
                                headers={"Referer": url})
    assert response.status_code == 302, response.text[:500]
    return response.headers["Location"], state


def test_authorization_code_with_pkce_id_token_refresh_userinfo_logout(live_server, partner, browser_session):
    session, user = browser_session
    metadata = requests.get(f"{live_server.url}/.well-known/openid-configuration").json()
    assert metadata["issuer"] == live_server.url
    assert "S256" in metadata["code_challenge_methods_supported"]
    jwks = requests.get(metadata["jwks_uri"]).json()
    assert len(jwks["keys"]) == 2  # the signing key and the previous one, kept for rotation

    oauth = OAuth2Session(client_id="partner-portal", redirect_uri=REDIRECT, scope="openid profile email organisations",
                          code_challenge_method="S256")
    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
    location, state = authorize(session, live_server, oauth, metadata, verifier, nonce)
    assert location.startswith(REDIRECT) and f"state={state}" in location
    token = oauth.fetch_token(metadata["token_endpoint"], authorization_response=location, code_verifier=verifier)

    claims = jwt.decode(token["id_token"], JsonWebKey.import_key_set(jwks))
    claims.validate()
    assert claims["iss"] == live_server.url and claims["aud"] == "partner-portal" and claims["nonce"] == nonce
    assert claims["sub"] == str(user.pk)
    assert claims["name"] == "Mei Chan" and claims["locale"] == "zh-Hant"
    assert claims["organisations"][0]["name"] == "香港科技大學深港協同創新研究院"
    assert claims["organisations"][0]["role"] == "admin" and claims["park"] == "shenzhen"

    info = oauth.get(metadata["userinfo_endpoint"]).json()
    assert info["email"] == "mei@example.org" and info["email_verified"] is True

    old_refresh = token["refresh_token"]
    refreshed = oauth.refresh_token(metadata["token_endpoint"], refresh_token=old_refresh)
    assert refreshed["access_token"] != token["access_token"] and refreshed["refresh_token"] != old_refresh
    replay = requests.post(metadata["token_endpoint"], data={
        "grant_type": "refresh_token", "refresh_token": old_refresh, "client_id": "partner-portal"})
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"

    logout = session.get(metadata["end_session_endpoint"], params={
        "id_token_hint": refreshed.get("id_token", token["id_token"]), "client_id": "partner-portal",
        "post_logout_redirect_uri": "http://127.0.0.1:8765/"}, allow_redirects=False)
    assert logout.status_code == 302, logout.text[logout.text.find("<main"):][:1500]
    assert logout.headers["Location"] == "http://127.0.0.1:8765/"
    # Signed out at the park: a new authorization request leads to the sign-in page.
    again, _state = oauth.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier)
    response = session.get(again, allow_redirects=False)
    assert response.status_code == 302 and "/accounts/login/" in response.headers["Location"]


def test_bad_requests_get_standard_oauth_errors(live_server, partner, browser_session):
    session, _user = browser_session
    base = f"{live_server.url}/oidc/authorize/"
    # An unregistered redirect URI is refused on the park's page, never redirected to.
    response = session.get(base, params={"client_id": "partner-portal", "response_type": "code", "scope": "openid",
                                         "redirect_uri": "https://evil.example/cb", "code_challenge": "x" * 43,
                                         "code_challenge_method": "S256"}, allow_redirects=False)
    assert response.status_code == 400 and "redirect" in response.text.lower()
    # No PKCE: refused.
    response = session.get(base, params={"client_id": "partner-portal", "response_type": "code", "scope": "openid",
                                         "redirect_uri": REDIRECT}, allow_redirects=False)
    assert response.status_code == 302 and "error=invalid_request" in response.headers["Location"]
    # A tampered PKCE verifier cannot redeem the code.
    metadata = requests.get(f"{live_server.url}/.well-known/openid-configuration").json()
    oauth = OAuth2Session(client_id="partner-portal", redirect_uri=REDIRECT, scope="openid",
                          code_challenge_method="S256")
    verifier = secrets.token_urlsafe(48)
    location, _state = authorize(session, live_server, oauth, metadata, verifier, "n")
    code = parse_qs(urlparse(location).query)["code"][0]
    response = requests.post(metadata["token_endpoint"], data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "client_id": "partner-portal",
        "code_verifier": secrets.token_urlsafe(48)})
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_scopes_are_limited_to_what_staff_allowed(live_server, partner, browser_session):
    session, _user = browser_session
    partner.park_policy.allowed_scopes = "openid email"
    partner.park_policy.save()
    metadata = requests.get(f"{live_server.url}/.well-known/openid-configuration").json()
    oauth = OAuth2Session(client_id="partner-portal", redirect_uri=REDIRECT, scope="openid organisations",
                          code_challenge_method="S256")
    url, _state = oauth.create_authorization_url(metadata["authorization_endpoint"],
                                                 code_verifier=secrets.token_urlsafe(48))
    response = session.get(url, allow_redirects=False)
    assert response.status_code == 302 and "error=invalid_scope" in response.headers["Location"]
