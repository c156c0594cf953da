"""An external OpenID Connect provider is enabled by configuration alone (here: the park itself, live)."""

import pytest
from django.contrib.auth import get_user_model
from oauth2_provider.models import Application

from hetao.accounts.models import ClientPolicy

pytestmark = pytest.mark.django_db(transaction=True)


def test_configured_upstream_provider_appears_and_starts_a_pkce_flow(live_server, client, settings):
    app = Application.objects.create(
        client_id="hetao-park", name="Upstream test", client_type=Application.CLIENT_CONFIDENTIAL,
        client_secret="s3cret-value", authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="http://testserver/en/accounts/oidc/gov/login/callback/", algorithm=Application.RS256_ALGORITHM)
    ClientPolicy.objects.create(application=app, allowed_scopes="openid profile email")
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [{
        "provider_id": "gov", "name": "Government sign-in", "client_id": "hetao-park", "secret": "s3cret-value",
        "settings": {"server_url": live_server.url, "oauth_pkce_enabled": True}}]}}
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_ISS_ENDPOINT": live_server.url}

    assert "Government sign-in" in client.get("/en/accounts/login/").content.decode()
    user = get_user_model().objects.create_user("linker", "linker@example.org", "pw-linker-2026")
    client.force_login(user)
    response = client.post("/en/accounts/oidc/gov/login/", {"process": "connect"})
    assert response.status_code == 302
    assert response.url.startswith(f"{live_server.url}/oidc/authorize/")
    assert "client_id=hetao-park" in response.url and "code_challenge_method=S256" in response.url
