"""The provider publishes exactly what it allows, and refuses what it does not publish (issue 8, security 4).

The discovery document is pinned field by field. Then each thing it leaves out is tried and refused: hybrid
and implicit response types, clients registered for HS256 ID tokens or other grants, disabled clients.
"""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth import get_user_model
from oauth2_provider.models import AccessToken, Application, Grant

from hetao.accounts.models import ClientPolicy

pytestmark = pytest.mark.django_db

ISSUER = "https://testserver"
REDIRECT = "https://partner.example/callback"
CLAIMS = ["email", "email_verified", "family_name", "given_name", "locale", "name", "organisations", "park", "sub"]


def test_the_discovery_document_says_exactly_what_the_provider_allows(client):
    document = client.get("/.well-known/openid-configuration", secure=True).json()
    assert document == {
        "issuer": ISSUER,
        "authorization_endpoint": f"{ISSUER}/oidc/authorize/",
        "token_endpoint": f"{ISSUER}/oidc/token/",
        "userinfo_endpoint": f"{ISSUER}/oidc/userinfo/",
        "jwks_uri": f"{ISSUER}/oidc/jwks.json",
        "end_session_endpoint": f"{ISSUER}/oidc/logout/",
        "scopes_supported": ["email", "openid", "organisations", "profile"],
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": CLAIMS,
        "prompt_values_supported": ["none", "login"],
        "client_id_metadata_document_supported": False,
        "authorization_response_iss_parameter_supported": True,
    }


def test_the_oauth_metadata_document_agrees(client):
    """RFC 8414's document (/.well-known/oauth-authorization-server) must not contradict the OIDC one."""
    oidc = client.get("/.well-known/openid-configuration", secure=True).json()
    oauth = client.get("/.well-known/oauth-authorization-server", secure=True).json()
    for field in ("issuer", "response_types_supported", "grant_types_supported", "code_challenge_methods_supported",
                  "token_endpoint_auth_methods_supported", "jwks_uri", "authorization_endpoint", "token_endpoint"):
        assert oauth[field] == oidc[field], field
    assert sorted(oauth["scopes_supported"]) == oidc["scopes_supported"]


def test_every_published_scope_and_claim_is_served(client):
    """What the document lists is what the validator knows: no claim or scope is advertised and absent."""
    from hetao.accounts.oidc import ParkOAuth2Validator

    document = client.get("/.well-known/openid-configuration", secure=True).json()
    validator = ParkOAuth2Validator()
    assert set(document["claims_supported"]) == {"sub", *validator.get_additional_claims()}
    for claim in document["claims_supported"]:  # each claim comes with a scope the document offers
        assert validator.oidc_claim_scope[claim] in document["scopes_supported"], claim


# ── What is not published is refused ─────────────────────────────────────────────────────────────────

def register(client_id, *, client_type=Application.CLIENT_PUBLIC, grant=Application.GRANT_AUTHORIZATION_CODE,
             algorithm=Application.RS256_ALGORITHM, secret="", scopes="openid profile email"):
    app = Application.objects.create(
        name=client_id, client_id=client_id, client_type=client_type, authorization_grant_type=grant,
        redirect_uris=REDIRECT, algorithm=algorithm, skip_authorization=True, client_secret=secret)
    ClientPolicy.objects.create(application=app, allowed_scopes=scopes)
    return app


@pytest.fixture
def browser(client):
    user = get_user_model().objects.create_user("mei", "mei@example.org", "pw-mei-12345")
    user.emailaddress_set.create(email=user.email, verified=True, primary=True)
    client.force_login(user)
    client.user = user
    return client


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize(browser, client_id, response_type="code", challenge=None):
    challenge = challenge or pkce()[1]
    return browser.get("/oidc/authorize/", {
        "client_id": client_id, "response_type": response_type, "scope": "openid", "redirect_uri": REDIRECT,
        "state": "s", "nonce": "n", "code_challenge": challenge, "code_challenge_method": "S256"}, secure=True)


def answer(response) -> dict:
    """What came back to the partner: the query and fragment of the redirect (or {} for the park's error page)."""
    if response.status_code != 302:
        return {}
    location = urlparse(response["Location"])
    return {**parse_qs(location.query), **parse_qs(location.fragment)}


def refused(response) -> bool:
    got = answer(response)
    return not ({"code", "access_token", "id_token"} & set(got)) and (response.status_code == 400 or "error" in got)


def test_a_well_registered_client_gets_a_code(browser):
    register("good")
    assert set(answer(authorize(browser, "good"))) >= {"code", "state", "iss"}


@pytest.mark.parametrize("response_type", ["code id_token token", "code id_token", "code token", "token",
                                           "id_token", "id_token token"])
@pytest.mark.parametrize("grant", [Application.GRANT_AUTHORIZATION_CODE, Application.GRANT_OPENID_HYBRID,
                                   Application.GRANT_IMPLICIT])
def test_hybrid_and_implicit_response_types_are_refused(browser, response_type, grant):
    register("partner", grant=grant)
    response = authorize(browser, "partner", response_type)
    assert refused(response), (response.status_code, response.get("Location"))


@pytest.mark.parametrize("registered", [
    {"algorithm": Application.HS256_ALGORITHM, "client_type": Application.CLIENT_CONFIDENTIAL, "secret": "s3cret"},
    {"algorithm": Application.NO_ALGORITHM},
    {"grant": Application.GRANT_OPENID_HYBRID},
    {"grant": Application.GRANT_CLIENT_CREDENTIALS, "client_type": Application.CLIENT_CONFIDENTIAL,
     "secret": "s3cret"},
])
def test_a_client_registered_outside_the_policy_gets_neither_code_nor_token(browser, registered):
    app = register("odd", **registered)
    assert refused(authorize(browser, "odd"))
    # Even a code it somehow holds (made before the policy) cannot be redeemed, nor any other grant used.
    verifier, challenge = pkce()
    Grant.objects.create(application=app, user=browser.user, code="old-code", redirect_uri=REDIRECT, scope="openid",
                         expires="2999-01-01T00:00:00Z", code_challenge=challenge, code_challenge_method="S256",
                         nonce="n")
    credentials = {"client_id": "odd", "client_secret": "s3cret"} if registered.get("secret") else {"client_id": "odd"}
    for body in ({"grant_type": "authorization_code", "code": "old-code", "redirect_uri": REDIRECT,
                  "code_verifier": verifier}, {"grant_type": "client_credentials", "scope": "openid"}):
        response = browser.post("/oidc/token/", {**body, **credentials}, secure=True)
        assert response.status_code in (400, 401) and "access_token" not in response.json(), body
        assert response.json()["error"] in ("invalid_client", "unauthorized_client", "unsupported_grant_type")
    assert not AccessToken.objects.filter(application=app).exists()


def test_a_disabled_client_is_refused_everywhere(browser):
    app = register("paused")
    verifier, challenge = pkce()
    code = answer(authorize(browser, "paused", challenge=challenge))["code"][0]
    ClientPolicy.objects.filter(application=app).update(disabled_at="2026-01-01T00:00:00Z")
    assert refused(authorize(browser, "paused"))
    response = browser.post("/oidc/token/", {"grant_type": "authorization_code", "code": code, "client_id": "paused",
                                             "redirect_uri": REDIRECT, "code_verifier": verifier}, secure=True)
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
