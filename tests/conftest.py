import pytest
from django.contrib.auth import get_user_model

from hetao.registry.demo import load_demo_park


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every database test starts from the demo park (scale 1), loaded once per session."""
    with django_db_blocker.unblock():
        load_demo_park(scale=1)


@pytest.fixture
def staff_user(db):
    return get_user_model().objects.create_user("officer", "officer@example.org", "pw-officer-123",
                                                is_staff=True)


@pytest.fixture
def member_user(db):
    return get_user_model().objects.create_user("member", "member@example.org", "pw-member-123")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client
