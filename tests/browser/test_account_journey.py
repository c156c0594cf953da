"""Acceptance of one account: sign up in 繁體 → verify the email (file backend) → set up TOTP → join an
organisation by invitation → sign in to a sample partner system (examples/partner_rp.py) through SSO."""

import base64
import datetime
import hashlib
import hmac
import re
import socket
import struct
import time

import pytest
from django.utils import timezone
from examples.partner_rp import PartnerApp, serve
from oauth2_provider.models import Application

from hetao.accounts.models import ClientPolicy, Invitation, Membership, User
from hetao.registry.models import Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def totp(secret: str, at: float | None = None) -> str:
    counter = int((at or time.time()) // 30)
    digest = hmac.new(base64.b32decode(secret + "=" * (-len(secret) % 8)), struct.pack(">Q", counter),
                      hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_sign_up_verify_totp_invitation_and_sso(live_server, demo_park, page, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_ISS_ENDPOINT": live_server.url}
    settings.HETAO_PUBLIC_BASE_URL = live_server.url  # emailed links start from the park's public address

    # 1. Sign up in Traditional Chinese.
    page.goto(f"{live_server.url}/zh-hant/accounts/signup/")
    assert page.locator("html").get_attribute("lang") == "zh-Hant-HK"
    page.fill("#id_email", "siu.ming@example.org")
    page.fill("#id_password1", "Loop-river-2026!")
    page.fill("#id_password2", "Loop-river-2026!")
    page.fill("#id_first_name", "Siu Ming")
    page.fill("#id_last_name", "Chan")
    page.fill("#id_mobile", "+852 9123 4567")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/zh-hant/accounts/confirm-email/")

    # 2. Verify the email address with the link from the mail written by the file backend.
    mail = "".join(p.read_text() for p in tmp_path.iterdir())
    link = re.search(rf"{live_server.url}/zh-hant/accounts/confirm-email/[^\s]+/", mail).group(0)
    page.goto(link)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/zh-hant/account/")
    user = User.objects.get(email="siu.ming@example.org")
    assert user.preferred_language == "zh-hant" and user.emailaddress_set.get().verified

    # 3. Set up an authenticator app (TOTP).
    page.goto(f"{live_server.url}/zh-hant/accounts/2fa/totp/activate/")
    if "reauthenticate" in page.url:  # allauth asks for the password again before a security change
        page.fill("#id_password", "Loop-river-2026!")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/2fa/totp/activate/")
    secret = page.locator("#authenticator_secret").input_value()
    page.fill("#id_code", totp(secret))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert user.authenticator_set.filter(type="totp").exists()

    # 4. Join an organisation by invitation.
    organisation = Organisation.objects.get(slug="cityu-futian-institute")
    admin = User.objects.create_user("cityu-admin", "admin@cityu.example.org", "pw-cityu-2026")
    Membership.objects.create(user=admin, organisation=organisation, role="admin")
    invitation = Invitation.objects.create(organisation=organisation, email=user.email, invited_by=admin,
                                           expires_at=timezone.now() + datetime.timedelta(days=14))
    page.goto(f"{live_server.url}/zh-hant/invitations/{invitation.token}/")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/zh-hant/account/")
    assert "香港城市大學深圳福田研究院" in page.locator("main").inner_text()
    assert Membership.objects.filter(user=user, organisation=organisation).exists()

    # 5. Sign in to a partner system through the park (SSO), with consent.
    port = free_port()
    app = Application.objects.create(
        client_id="demo-partner", name="Demo partner system", client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE, client_secret="",
        redirect_uris=f"http://127.0.0.1:{port}/callback", post_logout_redirect_uris=f"http://127.0.0.1:{port}/",
        algorithm=Application.RS256_ALGORITHM)
    ClientPolicy.objects.create(application=app, allowed_scopes="openid profile email")
    server = serve(PartnerApp(live_server.url, "demo-partner", port))
    try:
        page.goto(f"http://127.0.0.1:{port}/")
        page.click("#login")
        page.wait_for_selector("#authorizationForm")
        assert "Demo partner system" in page.locator("main h1").inner_text()
        page.click("button[name=allow]")
        page.wait_for_selector("#hello")
        assert page.locator("#hello").inner_text() == "Hello, Siu Ming Chan"
        assert '"email": "siu.ming@example.org"' in page.locator("#claims").inner_text()
        # And out again, through the park.
        page.click("#logout")
        page.wait_for_selector("#login")
    finally:
        server.shutdown()
