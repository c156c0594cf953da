"""A second, independent relying party: pyoidc (the `oic` package, an OpenID-certified RP library) signs a user
in — discovery, a client configured by hand (no dynamic registration), authorization code with PKCE, consent,
the ID token verified against the JWKS, userinfo — against the park, over https.

pyoidc speaks HTTP through `requests`; here its requests go to the Django test client through a transport
adapter, so the provider sees ordinary https requests to https://testserver (pyoidc insists on an https
issuer) and no server thread is needed. The browser is a second test client holding the user's session.
"""

from urllib.parse import urlsplit

import pytest
import requests
from Cryptodome.PublicKey import RSA
from django.contrib.auth import get_user_model
from django.test import Client
from jwkest import BadSignature
from oauth2_provider.models import Application
from oic import rndstr
from oic.oic import Client as RelyingParty
from oic.oic.message import AuthorizationResponse, OpenIDSchema, RegistrationResponse
from oic.utils.authn.client import CLIENT_AUTHN_METHOD
from oic.utils.keyio import KeyBundle, RSAKey
from oic.utils.settings import OicClientSettings
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from hetao.accounts.models import ClientPolicy, Membership
from hetao.registry.models import Organisation

pytestmark = pytest.mark.django_db

ISSUER = "https://testserver"
REDIRECT = "https://partner.example/callback"


class DjangoTransport(BaseAdapter):
    """`requests` → the Django test client (https), as if over the network."""

    def __init__(self):
        super().__init__()
        self.client = Client()  # the partner's server: no cookies of the user

    def send(self, request, **kwargs):
        url = urlsplit(request.url)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("content-type", "content-length")}
        body = request.body or b""
        answer = self.client.generic(request.method, url.path + (f"?{url.query}" if url.query else ""),
                                     data=body.encode() if isinstance(body, str) else body,
                                     content_type=request.headers.get("Content-Type", ""), secure=True,
                                     headers=headers)
        response = requests.Response()
        response.status_code, response._content = answer.status_code, answer.content
        response.headers = CaseInsensitiveDict(answer.headers)
        response.url, response.request, response.encoding = request.url, request, "utf-8"
        return response

    def close(self):
        pass


@pytest.fixture
def network(monkeypatch):
    session = requests.Session()
    session.mount(ISSUER, DjangoTransport())
    monkeypatch.setattr(requests, "get", session.get)  # pyoidc fetches the JWKS with requests.get
    return session


@pytest.fixture
def partner():
    app = Application.objects.create(
        name="Lab portal", client_id="lab-portal", client_type=Application.CLIENT_PUBLIC, client_secret="",
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE, redirect_uris=REDIRECT,
        algorithm=Application.RS256_ALGORITHM, skip_authorization=False)
    ClientPolicy.objects.create(application=app, allowed_scopes="openid profile email organisations")
    return app


@pytest.fixture
def browser():
    user = get_user_model().objects.create_user("ming", "ming@example.org", "pw-ming-12345", first_name="Ming",
                                                last_name="Ho", preferred_language="zh-hans")
    user.emailaddress_set.create(email=user.email, verified=True, primary=True)
    Membership.objects.create(user=user, organisation=Organisation.objects.order_by("pk").first(), role="member")
    browser = Client()
    browser.force_login(user)
    browser.user = user
    return browser


def relying_party(session) -> RelyingParty:
    rp = RelyingParty(client_authn_method=CLIENT_AUTHN_METHOD, settings=OicClientSettings(requests_session=session))
    rp.provider_config(ISSUER)  # discovery, and the JWKS into pyoidc's key jar
    rp.store_registration_info(RegistrationResponse(  # configured by hand, as a partner does with the park
        client_id="lab-portal", redirect_uris=[REDIRECT], token_endpoint_auth_method="none",
        id_token_signed_response_alg="RS256"))
    rp.redirect_uris = [REDIRECT]
    return rp


def sign_in(rp, browser, scope=("openid", "profile", "email", "organisations")):
    pkce, verifier = rp.add_code_challenge()
    state, nonce = rndstr(), rndstr()
    request = rp.construct_AuthorizationRequest(request_args={
        "response_type": "code", "scope": list(scope), "state": state, "nonce": nonce, "redirect_uri": REDIRECT,
        "client_id": rp.client_id, **pkce})
    url = urlsplit(request.request(rp.authorization_endpoint))
    consent = browser.get(f"{url.path}?{url.query}", secure=True)
    assert consent.status_code == 200 and "Lab portal" in consent.content.decode()  # the consent screen
    form = dict(consent.context["form"].initial)
    form.update(allow="Authorize")
    answer = browser.post(url.path, {k: v for k, v in form.items() if v is not None}, secure=True)
    assert answer.status_code == 302 and answer["Location"].startswith(REDIRECT), answer.content[:300]
    response = rp.parse_response(AuthorizationResponse, info=urlsplit(answer["Location"]).query,
                                 sformat="urlencoded")
    assert response["state"] == state and response["iss"] == ISSUER
    return response["code"], state, nonce, verifier


def test_pyoidc_signs_in_with_pkce_and_verifies_the_id_token_against_the_jwks(network, partner, browser):
    rp = relying_party(network)
    assert rp.provider_info["issuer"] == ISSUER
    assert rp.keyjar.get_signing_key("RSA", owner=ISSUER)  # pyoidc loaded the published keys

    code, state, nonce, verifier = sign_in(rp, browser)
    token = rp.do_access_token_request(state=state, authn_method="", request_args={
        "code": code, "code_verifier": verifier, "redirect_uri": REDIRECT, "client_id": "lab-portal"})
    id_token = token["id_token"]  # pyoidc verified its RS256 signature with the JWKS, iss, aud and expiry
    assert id_token.jws_header["alg"] == "RS256"
    assert id_token["iss"] == ISSUER and id_token["aud"] == ["lab-portal"] and id_token["nonce"] == nonce
    assert id_token["sub"] == str(browser.user.pk)

    info = rp.do_user_info_request(state=state, behavior="use_authorization_header")
    assert isinstance(info, OpenIDSchema) and info["sub"] == id_token["sub"]
    assert info["email"] == "ming@example.org" and info["email_verified"] is True
    assert info["locale"] == "zh-Hans" and info["organisations"][0]["role"] == "member"


def test_pyoidc_notices_an_id_token_the_jwks_does_not_vouch_for(network, partner, browser):
    """The verification above is real: once the RP trusts another key under the park's key ids, the park's
    genuine ID token no longer verifies."""
    rp = relying_party(network)
    code, state, _nonce, verifier = sign_in(rp, browser, scope=("openid",))
    impostors = KeyBundle()
    for key in rp.keyjar.get_issuer_keys(ISSUER):
        impostors.append(RSAKey(key=RSA.generate(2048), use="sig", kid=key.kid))
    rp.keyjar.issuer_keys[ISSUER] = [impostors]
    with pytest.raises(BadSignature):
        rp.do_access_token_request(state=state, authn_method="", request_args={
            "code": code, "code_verifier": verifier, "redirect_uri": REDIRECT, "client_id": "lab-portal"})
