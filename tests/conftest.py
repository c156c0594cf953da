import pytest
from django.contrib.auth import get_user_model

from hetao.registry.demo import load_demo_park


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every database test starts from the demo park (scale 1), loaded once per session."""
    with django_db_blocker.unblock():
        load_demo_park(scale=1)


def with_mfa(user):
    """Staff must have a second factor before any page opens (StaffMustUseMfaMiddleware)."""
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "test"})
    return user


def ensure_departments() -> None:
    """The departments come from a data migration; a transactional test's flush removes them."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("hetao.accounts.migrations.0002_departments")
    migration.create(apps, None)


def staff_in(username: str, department: str, role: str = "officer"):
    from hetao.accounts.models import Department, StaffRole

    ensure_departments()
    user = get_user_model().objects.create_user(username, f"{username}@example.org", f"pw-{username}-123",
                                                is_staff=True)
    StaffRole.objects.create(user=user, department=Department.objects.get(code=department), role=role)
    return with_mfa(user)


@pytest.fixture
def staff_user(db):
    """An officer of the data department (registry upkeep), with MFA."""
    return staff_in("officer", "data")


@pytest.fixture
def member_user(db):
    return get_user_model().objects.create_user("member", "member@example.org", "pw-member-123")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def demo_park(transactional_db):
    """For tests that commit (live server, threads): the demo park, reloaded if an earlier one flushed it."""
    from hetao.registry import demo

    if not demo.is_loaded():
        demo.load_demo_park(scale=1)


def record_sign_in(client, user, methods=("password", "mfa")) -> None:
    """Write into `client`'s session how it signed in, as allauth records it (see hetao.accounts.staffauth)."""
    import time

    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.account.internal.flows.login import _AUTHENTICATION_METHODS_USER_SESSION_KEY
    from allauth.account.internal.userkit import user_id_to_str

    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": method, "at": time.time(), **({"type": "totp"} if method == "mfa" else {})} for method in methods]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    session.save()


def password_only_login(client, user) -> None:
    """A session signed in with a password and nothing else: what the old admin sign-in made."""
    client.force_login(user)
    record_sign_in(client, user, ("password",))  # replaces the complete sign-in force_login recorded


@pytest.fixture(autouse=True)
def force_login_is_a_complete_sign_in(monkeypatch):
    """`client.force_login(user)` stands for a complete sign-in — password and second factor — because staff
    pages serve only sessions that used a second factor (StaffMustUseMfaMiddleware). A test of a weaker
    session says so: `password_only_login(client, user)`, or a real POST to the sign-in page."""
    import functools

    from django.test import Client

    original = Client.force_login

    @functools.wraps(original)
    def force_login(self, user, backend=None):
        original(self, user, backend)
        record_sign_in(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def english_to_start_with():
    """Each test starts in English: a request that activated another language must not leak into reverse()."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()
