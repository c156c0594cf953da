"""Several servers, one park: two gunicorn processes on two ports, one PostgreSQL database and one Redis, and
they behave as one — a session made on one works on the other, a park code replayed across them is refused,
two officers on different processes get the conflict, and sign-in failures split between them still lock.

Needs PostgreSQL (DATABASE_URL=postgres://…, as `make test-pg`) and Redis on 127.0.0.1:6379; skipped otherwise
(failed instead when HETAO_REQUIRE_SERVICES=1, as in .ci/run). The test makes its own database
(hetao_two_servers_<pid>) and its own Redis key prefix, and removes both at the end. Loopback only.
"""

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
REDIS = ("127.0.0.1", 6379)
PUBLIC_HOST = "park.two-servers.test"
REDIS_DB = 13  # a Redis database of its own; keys carry a per-run prefix as well


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _missing() -> str:
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return "needs PostgreSQL: run with DATABASE_URL=postgres://… (make test-pg)"
    if not _redis_answers():
        return "needs Redis on 127.0.0.1:6379 (redis-server --daemonize yes --bind 127.0.0.1 --port 6379)"
    return ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres(url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(sql)


class Browser:
    """One user's browser in front of the load balancer: every request names the park's public host, whichever
    server answers (as a load balancer passes it on). Cookies by hand: the production settings make them Secure,
    and these servers speak plain http on the loopback."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, method: str, url: str, headers: dict | None = None, **kwargs) -> requests.Response:
        response = requests.request(method, url, cookies=self.cookies, allow_redirects=False, timeout=60,
                                    headers={"Host": PUBLIC_HOST, **(headers or {})}, **kwargs)
        for header in response.raw.headers.getlist("Set-Cookie"):
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, url: str) -> requests.Response:
        return self.request("GET", url)

    def post_form(self, url: str, data: dict, page: str | None = None) -> requests.Response:
        """POST like a browser: the CSRF token from the form page (`page`, default the same URL)."""
        html = self.get(page or url).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert token, f"no CSRF token on {page or url}"
        return self.request("POST", url, data={**data, "csrfmiddlewaretoken": token.group(1)})


class Park:
    def __init__(self, urls: list[str], people: dict, prefix: str, logs: list[Path]):
        self.a, self.b = urls
        self.people, self.prefix, self.logs = people, prefix, logs

    def sign_in(self, browser: Browser, server: str, email: str, password: str | None = None) -> requests.Response:
        return browser.post_form(f"{server}/en/accounts/login/",
                                 {"login": email, "password": password or self.people["password"]})

    def forget_sign_in_failures(self) -> None:
        """Clear the rate-limit counters (each test starts from none, in any order)."""
        import redis

        client = redis.Redis(host=REDIS[0], port=REDIS[1], db=REDIS_DB)
        for key in client.scan_iter(f"{self.prefix}:*allauth:rl:*"):
            client.delete(key)

    def log_tail(self) -> str:
        return "\n".join(f"── {path.name}\n" + path.read_text()[-3000:] for path in self.logs)


@pytest.fixture(scope="module")
def park(tmp_path_factory):
    missing = _missing()
    if missing:
        if os.environ.get("HETAO_REQUIRE_SERVICES") == "1":
            pytest.fail(missing)
        pytest.skip(missing)
    tmp = tmp_path_factory.mktemp("two-servers")
    name = f"hetao_two_servers_{os.getpid()}"
    database_url = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}"))
    prefix = f"two-servers-{os.getpid()}-{secrets.token_hex(3)}"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HETAO_", "DATABASE_URL", "DJANGO_"))}
    env = {**base, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
           "DJANGO_SETTINGS_MODULE": "hetao.settings.prod", "DATABASE_URL": database_url,
           "HETAO_SECRET_KEY": secrets.token_urlsafe(50),
           "HETAO_FIELD_ENCRYPTION_KEYS": "8mDhKcA8sS7fq0u6a9u0Zk3i5Jx1X1r8tq4kqv0YpFQ=",
           "HETAO_CACHE_URL": f"redis://{REDIS[0]}:{REDIS[1]}/{REDIS_DB}?key_prefix={prefix}",
           "HETAO_ALLOWED_HOSTS": f"127.0.0.1,{PUBLIC_HOST}", "HETAO_PUBLIC_BASE_URL": f"https://{PUBLIC_HOST}",
           "HETAO_SECURE_SSL_REDIRECT": "0", "HETAO_VAR_DIR": str(tmp / "var"), "HETAO_LOG_LEVEL": "WARNING",
           "HETAO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    _postgres(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _postgres(database_url, f'CREATE DATABASE "{name}"')
    servers: list[subprocess.Popen] = []
    logs = [tmp / "setup.log"]
    try:
        with logs[0].open("w") as log:
            setup = subprocess.run([sys.executable, "-m", "tests.ops.two_servers_setup", str(tmp / "people.json")],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=180)
        assert setup.returncode == 0, logs[0].read_text()[-3000:]
        people = json.loads((tmp / "people.json").read_text())
        urls = []
        for letter in "ab":
            port = _free_port()
            logs.append(tmp / f"server-{letter}.log")
            servers.append(subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "deploy" / "gunicorn.conf.py"),
                 "--bind", f"127.0.0.1:{port}", "--workers", "1"],
                cwd=ROOT, env=env, stdout=logs[-1].open("w"), stderr=subprocess.STDOUT))
            urls.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 90
        for url, server in zip(urls, servers, strict=True):
            while True:
                assert server.poll() is None, "a server stopped:\n" + Park(urls, {}, prefix, logs).log_tail()
                try:
                    if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                        break
                except requests.RequestException:  # not listening yet, or its worker still booting
                    pass
                assert time.monotonic() < deadline, "servers did not start:\n" + Park(urls, {}, prefix, logs).log_tail()
                time.sleep(0.3)
        yield Park(urls, people, prefix, logs)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        _postgres(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        try:
            import redis

            client = redis.Redis(host=REDIS[0], port=REDIS[1], db=REDIS_DB)
            for key in client.scan_iter(f"{prefix}:*"):
                client.delete(key)
        except Exception:  # noqa: BLE001 (cleanup of a per-run prefix; never hide the test's own result)
            pass


def totp_now(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def at_once(*calls):
    """Run the calls in threads released together; their results in order."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def go(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=go, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return results


def test_a_session_made_on_one_server_works_on_the_other(park):
    browser = Browser()
    response = park.sign_in(browser, park.a, park.people["applicant"])
    assert response.status_code == 302, park.log_tail()
    assert Browser().get(f"{park.b}/en/account/").status_code == 302  # a stranger on B is sent to sign in
    on_b = browser.get(f"{park.b}/en/account/")
    assert on_b.status_code == 200 and park.people["applicant"] in on_b.text
    # Signing out on B ends the session on A too.
    assert browser.post_form(f"{park.b}/en/accounts/logout/", {}).status_code == 302
    assert browser.get(f"{park.a}/en/account/").status_code == 302


def test_a_park_code_replayed_across_servers_is_refused(park):
    browser = Browser()
    assert park.sign_in(browser, park.a, park.people["applicant"]).status_code == 302
    from hetao.passes.verifier import PREFIX

    code = re.search(f">({re.escape(PREFIX)}[^<]+)<", browser.get(f"{park.b}/en/code/").text).group(1)

    def scan(server):
        return lambda: requests.post(f"{server}/api/v1/passes/scan", json={"code": code, "access_point":
                                                                           park.people["gate"]},
                                     headers={"Authorization": f"Bearer {park.people['gate_token']}",
                                              "Host": PUBLIC_HOST}, timeout=60)

    first, second = at_once(scan(park.a), scan(park.b))
    outcomes = sorted((r.status_code, r.json()["allowed"], r.json()["reason"]) for r in (first, second))
    assert [outcome[:2] for outcome in outcomes] == [(200, True), (403, False)], outcomes
    assert outcomes[1][2] == "replayed"
    again = scan(park.a)()
    assert again.status_code == 403 and again.json()["reason"] == "replayed"


def test_two_officers_on_two_servers_one_gets_the_conflict(park):
    officers = []
    for server, email in zip((park.a, park.b), park.people["officers"], strict=True):
        browser = Browser()
        assert park.sign_in(browser, server, email).status_code == 302
        second_factor = browser.post_form(f"{server}/en/accounts/2fa/authenticate/",
                                          {"code": totp_now(park.people["totp_secret"])})
        assert second_factor.status_code == 302, second_factor.text[-2000:]
        officers.append((browser, server))
    url = "{server}/en/work/" + park.people["reference"] + "/"
    pages = [browser.get(url.format(server=server)) for browser, server in officers]
    versions = {re.search(r'name="version" value="(\d+)"', page.text).group(1) for page in pages}
    assert len(versions) == 1  # both opened the same state
    version = versions.pop()
    posts = []
    for (browser, server), page in zip(officers, pages, strict=True):
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        target = url.format(server=server)
        data = {"action": "approve", "version": version, "csrfmiddlewaretoken": token}
        posts.append(lambda b=browser, u=target, d=data: b.request("POST", u, data=d))
    results = at_once(*posts)
    assert sorted(r.status_code for r in results) == [302, 409], [r.status_code for r in results]


def test_sign_in_failures_split_between_servers_lock_the_account(park):
    park.forget_sign_in_failures()
    browser, email = Browser(), park.people["locked"]
    for server in (park.a, park.b, park.a, park.b, park.a):  # 5 failures: 3 on A, 2 on B; neither saw 5
        assert park.sign_in(browser, server, email, "wrong-password").status_code == 200
    assert park.sign_in(browser, park.b, email).status_code != 302  # the right password, refused: locked
    park.forget_sign_in_failures()
    assert park.sign_in(Browser(), park.b, email).status_code == 302  # it was the lock that refused it


def test_sign_in_failures_split_between_servers_limit_the_address(park):
    park.forget_sign_in_failures()
    for attempt in range(10):  # the per-address limit (10 in 15 minutes): 5 on each server, each a new account
        server = park.a if attempt % 2 else park.b
        assert park.sign_in(Browser(), server, f"nobody{attempt}@two-servers.example.org").status_code == 200
    assert park.sign_in(Browser(), park.a, park.people["fresh"]).status_code != 302  # this address is blocked
    park.forget_sign_in_failures()
    assert park.sign_in(Browser(), park.a, park.people["fresh"]).status_code == 302
