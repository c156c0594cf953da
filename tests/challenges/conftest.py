import pytest

from hetao.challenges import services
from hetao.registry.models import KeyDirection
from tests import factories
from tests.conftest import staff_in


def direction(code: str = "quantum") -> KeyDirection:
    return KeyDirection.objects.get(code=code)


def draft(proposer, **extra):
    fields = {"title_en": "Logical qubits", "problem": "Qubits decohere.", "importance": "Fault tolerance.",
              "outcome": "A logical qubit.", "key_direction": direction(), **extra}
    return services.topic_propose(actor=proposer, **fields)


def submitted(proposer, **extra):
    return services.topic_submit(actor=proposer, topic=draft(proposer, **extra))


def accepted(proposer, officer, **extra):
    return services.topic_screen(actor=officer, topic=submitted(proposer, **extra), action="accept")


def published(proposer, officer, **extra):
    return services.topic_publish(actor=officer, topic=accepted(proposer, officer, **extra))


@pytest.fixture
def proposer(db):
    return factories.make_user("proposer")


@pytest.fixture
def other(db):
    return factories.make_user("other")


@pytest.fixture
def officer(db):
    return staff_in("researchofficer", "research_management")


@pytest.fixture
def outsider_officer(db):
    """An officer of another department (enterprise services): may not screen topics."""
    return staff_in("enterpriseofficer", "enterprise_services")
