"""Every way into a staff session goes through the one sign-in with its second factor and its rate limits,
and every staff page serves only a session that used the second factor (issue 8, security 1).

A "password-only session" is what the Django admin's own sign-in used to make: a staff account signed in
with its password alone. Such a session must be sent to the MFA step (pages) or refused (API), never served.
"""

import json
import re
from urllib.parse import urlparse

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern, RoutePattern

from hetao.accounts.models import StaffRole, User
from hetao.accounts.services import identity_document_add
from hetao.audit.models import AuditEvent
from hetao.registry.models import Organisation
from tests.conftest import password_only_login, staff_in

pytestmark = pytest.mark.django_db

ADMIN, PASSWORD, SECRET = "chief@example.org", "Pw-chief-2026!", "JBSWY3DPEHPK3PXP"


@pytest.fixture(autouse=True)
def totp_tolerance(settings):
    settings.MFA_TOTP_TOLERANCE = 1  # a code made at the end of a 30-second period still counts


def totp_code(secret: str = SECRET) -> str:
    return format_hotp_value(hotp_value(secret, list(yield_hotp_counters_from_time())[1]))


def sign_in(client, email=ADMIN, password=PASSWORD):
    return client.post("/en/accounts/login/", {"login": email, "password": password})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def admin():
    """A superuser and head of data with TOTP: every staff page is open to a complete session of theirs."""
    user = staff_in("chief", "data", "head")
    user.is_superuser = True
    user.set_password(PASSWORD)
    user.save()
    user.authenticator_set.all().delete()
    TOTP.activate(user, SECRET)
    EmailAddress.objects.create(user=user, email=ADMIN, verified=True, primary=True)
    user.refresh_from_db()
    return user


@pytest.fixture
def document():
    owner = User.objects.create_user("owner", "owner@example.org", "pw-owner-12345")
    return identity_document_add(actor=owner, kind="hkid", number="A123456(3)")


def staff_urls(document) -> dict[str, str]:
    """The pages only staff may open; each is served to a complete staff session (checked below)."""
    return {
        "admin index": "/en/admin/",
        "admin changelist": "/en/admin/accounts/user/",
        "OIDC client admin": "/en/admin/oauth2_provider/application/",
        "partner systems": reverse("accounts:clients"),
        "work queue": "/en/work/",
        "access log": "/en/access-log/",
        "reveal a document": f"/en/staff/documents/{document.pk}/reveal/",
        "gate scanner": "/en/gate/",
    }


def refused(response) -> bool:
    """Sent to the MFA step (pages) or refused (API)."""
    if response.status_code == 403:
        return True
    return response.status_code == 302 and urlparse(response["Location"]).path == reverse("mfa_reauthenticate")


# ── The admin has no sign-in of its own ──────────────────────────────────────────────────────────────

def test_the_admin_login_page_sends_to_the_park_sign_in_and_never_checks_a_password(client, admin):
    response = client.post("/en/admin/login/?next=/en/admin/", {"username": "chief", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/en/accounts/login/?next=/en/admin/"
    assert not signed_in(client)
    response = client.get("/en/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/en/admin/login/")
    assert client.get(response["Location"])["Location"].startswith("/en/accounts/login/")


def test_the_admin_login_is_rate_limited_like_the_sign_in_because_it_is_the_sign_in(client, admin):
    for _ in range(12):  # the same 12 tries that the old admin page took
        response = client.post("/en/admin/login/", {"username": "chief", "password": "wrong"})
        assert response.status_code == 302 and response["Location"].startswith("/en/accounts/login/")
    assert not AuditEvent.objects.filter(action="security.login_failed").exists()  # no password was checked
    for _ in range(5):
        assert sign_in(client, password="wrong").status_code == 200
    response = sign_in(client)  # the right password, but the account is locked
    assert response.status_code in (200, 429) and not signed_in(client)
    assert "mfa" not in response.get("Location", "")
    assert client.post("/en/admin/login/", {"username": "chief", "password": PASSWORD}).status_code == 302
    assert not signed_in(client)


def test_an_authenticated_member_is_not_sent_round_the_admin_login(client, member_user):
    client.force_login(member_user)
    assert client.get("/en/admin/login/?next=/en/admin/").status_code == 403


def test_the_admin_login_keeps_next_on_this_site_only(client):
    response = client.get("/en/admin/login/?next=https://evil.example/")
    assert response["Location"] == "/en/accounts/login/?next=/en/admin/"


# ── The one sign-in ──────────────────────────────────────────────────────────────────────────────────

def test_staff_sign_in_asks_for_the_second_factor_and_then_opens_the_admin(client, admin):
    response = sign_in(client)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert not signed_in(client)
    assert client.get("/en/admin/")["Location"].startswith("/en/admin/login/")
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302 and signed_in(client)
    assert client.get("/en/admin/").status_code == 200
    assert client.get("/en/work/").status_code == 200


@pytest.mark.parametrize("session", ["password only", "signed in as a member, then made staff"])
def test_every_staff_page_refuses_a_session_without_the_second_factor(client, admin, document, session):
    if session == "password only":
        password_only_login(client, admin)
    else:
        user = User.objects.create_user("promoted", "promoted@example.org", "Pw-promoted-2026")
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        assert sign_in(client, user.email, "Pw-promoted-2026").status_code == 302 and signed_in(client)
        User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
        TOTP.activate(user, SECRET)
    for name, url in staff_urls(document).items():
        response = client.get(url)
        assert refused(response), (name, response.status_code, response.get("Location"))
        if response.status_code == 302:
            assert response["Location"].endswith("?next=" + url.replace("/", "%2F").replace("?", "%3F")
                                                  .replace("=", "%3D").replace("&", "%26")), name


def test_the_same_pages_open_for_a_complete_sign_in(client, admin, document):
    """The refusals above are not an accident of the URLs: the complete session is served."""
    client.force_login(admin)
    for name, url in staff_urls(document).items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code, response.get("Location"))


def test_a_staff_api_write_needs_the_second_factor(client, admin):
    password_only_login(client, admin)
    body = json.dumps({"aliases": ["HKUST", "UST", "hacked"]})
    response = client.patch("/api/v1/organisations/hkust", body, content_type="application/json")
    assert response.status_code == 403 and "second factor" in response.json()["detail"]
    assert "hacked" not in Organisation.objects.get(slug="hkust").aliases
    client.force_login(admin)
    response = client.patch("/api/v1/organisations/hkust", body, content_type="application/json")
    assert response.status_code == 200 and "hacked" in Organisation.objects.get(slug="hkust").aliases


def test_the_mfa_step_completes_a_password_only_session_and_returns_to_the_page(client, admin):
    password_only_login(client, admin)
    step = client.get("/en/work/")["Location"]
    assert step == reverse("mfa_reauthenticate") + "?next=%2Fen%2Fwork%2F"
    assert client.get(step).status_code == 200
    response = client.post(step, {"code": "000000"})
    assert response.status_code == 200 and client.get("/en/work/")["Location"] == step  # a wrong code: no
    response = client.post(step, {"code": totp_code()})
    assert response.status_code == 302 and response["Location"] == "/en/work/"
    assert client.get("/en/work/").status_code == 200


def test_a_department_role_without_is_staff_also_needs_the_second_factor(client):
    officer = staff_in("roleonly", "data", "head")
    User.objects.filter(pk=officer.pk).update(is_staff=False)
    officer.refresh_from_db()
    password_only_login(client, officer)
    assert refused(client.get(reverse("accounts:clients")))
    client.force_login(officer)
    assert client.get(reverse("accounts:clients")).status_code == 200


def test_a_passkey_sign_in_counts_as_the_second_factor(client, admin):
    """allauth records a passkey sign-in as method "mfa", type "webauthn", passwordless."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY

    password_only_login(client, admin)
    assert refused(client.get("/en/work/"))
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "mfa", "type": "webauthn", "passwordless": True,
                                                    "at": 0}]
    session.save()
    assert client.get("/en/work/").status_code == 200


def test_records_of_another_account_do_not_count(client, admin, member_user):
    """A session's MFA record belongs to the user who made it."""
    client.force_login(member_user)  # complete sign-in of the member
    session = client.session
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session[SESSION_KEY], session[HASH_SESSION_KEY] = str(admin.pk), admin.get_session_auth_hash()
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    assert refused(client.get("/en/work/"))


def test_setting_up_the_first_factor_counts_for_the_session(client, django_capture_on_commit_callbacks):
    officer = staff_in("newcomer", "data")
    officer.authenticator_set.all().delete()
    password_only_login(client, officer)
    assert client.get("/en/work/")["Location"] == reverse("mfa_index")
    step = client.get(reverse("mfa_activate_totp"))["Location"]  # allauth asks for the password again first
    assert urlparse(step).path == reverse("account_reauthenticate")
    assert client.post(step, {"password": "pw-newcomer-123"}).status_code == 302
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session["mfa.totp.secret"]
    with django_capture_on_commit_callbacks(execute=True):  # allauth announces the new factor after commit
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get("/en/work/").status_code == 200  # no second prompt right after proving the code


def test_a_password_only_session_cannot_add_its_own_factor(client, admin):
    password_only_login(client, admin)
    for page in ("mfa_index", "mfa_add_webauthn", "mfa_view_recovery_codes", "mfa_generate_recovery_codes",
                 "mfa_deactivate_totp"):
        assert refused(client.get(reverse(page))), page
    response = client.post(reverse("mfa_add_webauthn"), {"name": "mine", "credential": "{}"})
    assert refused(response) and admin.authenticator_set.count() == 1


# ── Other ways in: email confirmation and password reset ─────────────────────────────────────────────

@pytest.fixture
def unverified_officer():
    officer = staff_in("unverified", "data", "head")
    officer.authenticator_set.all().delete()
    TOTP.activate(officer, SECRET)
    EmailAddress.objects.create(user=officer, email=officer.email, verified=False, primary=True)
    return officer


def test_login_by_email_confirmation_still_asks_for_the_second_factor(client, unverified_officer):
    response = sign_in(client, unverified_officer.email, "pw-unverified-123")
    assert response.status_code == 302 and not signed_in(client)
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", mail.outbox[-1].body).group(0)
    response = client.post("/" + link.split("/", 3)[3])
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert not signed_in(client) and client.get("/en/work/").status_code == 302
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert signed_in(client) and client.get("/en/work/").status_code == 200


@pytest.mark.parametrize("login_on_reset", [False, True])
def test_a_password_reset_never_gives_a_staff_session_without_the_second_factor(client, settings, admin,
                                                                                 login_on_reset):
    settings.ACCOUNT_LOGIN_ON_PASSWORD_RESET = login_on_reset
    client.post(reverse("account_reset_password"), {"email": ADMIN})
    link = re.search(r"https?://[^\s]+/accounts/password/reset/key/[^\s]+/", mail.outbox[-1].body).group(0)
    path = "/" + link.split("/", 3)[3]
    form = client.get(path)["Location"]  # allauth moves the key into the session
    response = client.post(form, {"password1": "New-pass-2026!x", "password2": "New-pass-2026!x"})
    assert response.status_code == 302
    if login_on_reset:
        assert response["Location"] == reverse("mfa_authenticate")
    assert not signed_in(client)
    assert client.get("/en/work/").status_code == 302 and not signed_in(client)


# ── The whole site, swept ────────────────────────────────────────────────────────────────────────────

SAMPLE = {"int": "1", "slug": "x", "str": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}
# What a password-only staff session may still open: the MFA step itself, sign-out, the language switch and
# the translation catalogue those pages load. Nothing else.
OPEN_TO_AN_UNFINISHED_SESSION = {"mfa_reauthenticate", "mfa_reauthenticate_webauthn", "account_logout",
                                 "javascript-catalog", "set_language", "healthz"}


def every_path() -> list[tuple[str, str]]:
    """(url name, a path) for every route of the project whose parameters are plain converters."""
    found = []

    def walk(patterns, prefix):
        for entry in patterns:
            pattern = entry.pattern
            if isinstance(pattern, LocalePrefixPattern):
                part = "en/"
            elif isinstance(pattern, RoutePattern):
                part = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "x"), str(pattern))
            else:
                text = str(pattern).lstrip("^").rstrip("$").replace("/?", "/").replace("\\.", ".")
                if re.search(r"[()\[\]\\*+?]", text):
                    continue  # a regex with groups (the admin's app index, the export formats)
                part = text
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + part)
            elif isinstance(entry, URLPattern):
                found.append((entry.name or "", "/" + prefix + part))

    walk(get_resolver().url_patterns, "")
    return found


def test_a_password_only_staff_session_is_served_nothing_but_the_mfa_step(client, admin):
    password_only_login(client, admin)
    paths = every_path()
    assert len(paths) > 150  # the sweep really covers the site (admin, accounts, services, passes, API, OIDC)
    served = set()
    for name, path in paths:
        response = client.get(path)
        if not refused(response):
            served.add(name)
    assert served == OPEN_TO_AN_UNFINISHED_SESSION
    assert signed_in(client)  # still signed in: only the step is asked for


def test_staff_pages_found_by_the_sweep_include_the_ones_named_in_the_issue(document):
    names = {name for name, _path in every_path()}
    assert {"index", "queue", "access_log", "reveal_document", "scanner", "clients"} <= names


def test_a_member_session_is_untouched(client, member_user):
    """Members have no staff powers: their password-only session is served as before."""
    password_only_login(client, member_user)
    assert client.get("/en/account/").status_code == 200
    assert not StaffRole.objects.filter(user=member_user).exists()
