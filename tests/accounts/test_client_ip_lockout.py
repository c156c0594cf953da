"""Sign-in lock-out behind a reverse proxy (issue 8, security 2): the client's address comes from a trusted
proxy header only (hetao.core.clientip), and failures lock the account as well as the address."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import RequestFactory

from hetao.accounts.models import User
from hetao.audit.models import AuditEvent
from hetao.core.clientip import client_ip

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"  # the park's reverse proxy, as the app sees it


def request(remote="203.0.113.9", **headers):
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


# ── One function, configured ─────────────────────────────────────────────────────────────────────────

def test_without_configuration_forwarded_headers_are_ignored(settings):
    assert (settings.HETAO_TRUSTED_PROXY_COUNT, settings.HETAO_TRUSTED_CLIENT_IP_HEADER) == (0, "")
    assert client_ip(request(HTTP_X_FORWARDED_FOR="198.51.100.1", HTTP_X_REAL_IP="198.51.100.2")) == "203.0.113.9"


@pytest.mark.parametrize(("count", "forwarded", "expected"), [
    (1, "198.51.100.7", "198.51.100.7"),
    (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the client wrote 6.6.6.6 itself; our proxy appended the rest
    (2, "6.6.6.6, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
    (2, "198.51.100.7", "198.51.100.7"),  # fewer hops than proxies: all were written by ours
    (1, "2001:db8::1", "2001:db8::1"),
    (1, "198.51.100.7:5123", "198.51.100.7"),
    (1, "not-an-address", PROXY),
    (1, "", PROXY),
])
def test_the_client_is_counted_from_the_right_of_x_forwarded_for(settings, count, forwarded, expected):
    settings.HETAO_TRUSTED_PROXY_COUNT = count
    assert client_ip(request(PROXY, HTTP_X_FORWARDED_FOR=forwarded)) == expected


def test_a_named_header_of_the_proxy(settings):
    settings.HETAO_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    assert client_ip(request(PROXY, HTTP_X_REAL_IP="198.51.100.7", HTTP_X_FORWARDED_FOR="6.6.6.6")) == "198.51.100.7"
    assert client_ip(request(PROXY)) == PROXY


def test_forwarded_headers_count_only_from_the_listed_proxies(settings):
    settings.HETAO_TRUSTED_PROXY_COUNT = 1
    settings.HETAO_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(request(PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")) == "198.51.100.7"
    # Straight to the app, around the proxy: the header is the client's own claim.
    assert client_ip(request("203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.7")) == "203.0.113.9"


def test_allauth_rate_limits_and_session_lists_use_the_same_function(settings):
    from allauth.account.adapter import get_adapter

    settings.HETAO_TRUSTED_PROXY_COUNT = 1
    assert get_adapter().get_client_ip(request(PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")) == "198.51.100.7"


# ── Lock-out through the sign-in page ────────────────────────────────────────────────────────────────

def account(n) -> User:
    user = User.objects.create_user(f"user{n}", f"user{n}@example.org", f"Pw-user{n}-2026")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def sign_in(client, n, *, right=True, remote=PROXY, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    client.cookies.clear()
    password = f"Pw-user{n}-2026" if right else "wrong-password"
    client.post("/en/accounts/login/", {"login": f"user{n}@example.org", "password": password}, **headers)
    return "_auth_user_id" in client.session


def test_behind_the_proxy_failures_of_many_people_do_not_lock_everyone(client, settings):
    settings.HETAO_TRUSTED_PROXY_COUNT = 1
    for n in range(12):  # more than the per-address limit, each from its own address
        account(n)
        assert not sign_in(client, n, right=False, forwarded=f"198.51.100.{n + 1}")
    account(99)
    assert sign_in(client, 99, forwarded="198.51.100.200")
    failed = AuditEvent.objects.filter(action="security.login_failed").order_by("pk")
    assert [e.ip_address for e in failed][:3] == ["198.51.100.1", "198.51.100.2", "198.51.100.3"]
    assert AuditEvent.objects.get(action="security.login").ip_address == "198.51.100.200"


def test_a_spoofed_x_forwarded_for_does_not_escape_the_address_lock(client, settings):
    """Unconfigured, the header is ignored: varying it does not give an attacker fresh addresses."""
    for n in range(10):
        account(n)
        assert not sign_in(client, n, right=False, remote="203.0.113.9", forwarded=f"198.51.100.{n + 1}")
    account(99)
    assert not sign_in(client, 99, remote="203.0.113.9", forwarded="198.51.100.200")  # the address is locked
    assert sign_in(client, 99, remote="203.0.113.10")
    assert set(AuditEvent.objects.filter(action="security.login_failed").values_list("ip_address", flat=True)) == {
        "203.0.113.9"}


def test_failures_on_one_account_lock_that_account_from_any_address(client, settings):
    settings.HETAO_TRUSTED_PROXY_COUNT = 1
    account(1), account(2)
    for _attempt in range(5):
        assert not sign_in(client, 1, right=False, forwarded="198.51.100.1")
    assert not sign_in(client, 1, forwarded="198.51.100.77")  # the right password, another address: locked
    assert sign_in(client, 2, forwarded="198.51.100.1")  # the failing address may still sign in another account


def test_one_address_behind_the_proxy_is_locked_alone(client, settings):
    settings.HETAO_TRUSTED_PROXY_COUNT = 1
    for n in range(10):
        account(n)
        assert not sign_in(client, n, right=False, forwarded="198.51.100.66")
    account(99)
    assert not sign_in(client, 99, forwarded="198.51.100.66")
    assert sign_in(client, 99, forwarded="198.51.100.67")


def test_the_new_device_alert_names_the_forwarded_address(client, settings, django_capture_on_commit_callbacks):
    settings.HETAO_TRUSTED_PROXY_COUNT = 1
    account(1)
    with django_capture_on_commit_callbacks(execute=True):
        assert sign_in(client, 1, forwarded="198.51.100.1")
        client.logout()
        client.post("/en/accounts/login/", {"login": "user1@example.org", "password": "Pw-user1-2026"},
                    REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.42", HTTP_USER_AGENT="Browser B")
    alert = [m for m in mail.outbox if "198.51.100.42" in m.body]
    assert len(alert) == 1 and PROXY not in alert[0].body
