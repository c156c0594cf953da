"""The topic workflow is one declared table (challenges/workflow.py): its states are the model's, every transition
names a registered rule, and what the pages and the API offer is exactly what the services accept."""

import re

import pytest
from django.utils.functional import Promise

from hetao.challenges.models import Status
from hetao.challenges.workflow import OFFICER_ACTIONS, TOPIC
from hetao.core.permissions import RULES

from .conftest import accepted, draft, published, submitted

pytestmark = pytest.mark.django_db

BUTTON = re.compile(r'<button[^>]*\bname="action"[^>]*\bvalue="([a-z_]+)"')


def actions(user, topic) -> list[str]:
    return [t.action for t in TOPIC.available(user, topic)]


def test_the_states_of_the_table_are_the_states_of_a_topic():
    declared = set(TOPIC.states())
    for transition in TOPIC.transitions.values():
        declared |= set(getattr(transition.target, "states", ()))
    assert declared == set(Status.values)


def test_every_transition_names_a_registered_rule_a_translatable_label_and_a_bootstrap_style():
    for action, transition in TOPIC.transitions.items():
        assert transition.permission in RULES, action
        assert transition.permission.startswith("challenges."), action
        assert isinstance(transition.label, Promise) and str(transition.label), action
        assert re.fullmatch(r"(outline-)?(primary|secondary|success|danger|warning|info)", transition.style), action
        assert set(OFFICER_ACTIONS) <= set(TOPIC.transitions)


def test_what_each_actor_may_do_in_each_state(proposer, other, officer, outsider_officer):
    topic = draft(proposer)
    assert actions(proposer, topic) == ["save", "submit"]
    assert actions(officer, topic) == [] and actions(other, topic) == []
    topic = submitted(proposer, title_en="Second")
    assert actions(proposer, topic) == []
    assert actions(officer, topic) == ["accept", "merge", "decline", "edit"]
    assert actions(outsider_officer, topic) == []
    topic = accepted(proposer, officer, title_en="Third")
    assert actions(officer, topic) == ["publish", "edit"]
    topic = published(proposer, officer, title_en="Fourth")
    assert actions(officer, topic) == ["edit"] and actions(proposer, topic) == []


def test_the_screening_page_shows_exactly_the_available_buttons(client, proposer, officer):
    topic = submitted(proposer)
    client.force_login(officer)
    response = client.get(f"/en/screening/topics/{topic.pk}/")
    assert response.status_code == 200
    assert BUTTON.findall(response.content.decode()) == ["accept", "merge", "decline"]
    topic = accepted(proposer, officer, title_en="Other")
    assert BUTTON.findall(client.get(f"/en/screening/topics/{topic.pk}/").content.decode()) == ["publish"]


def test_the_edit_page_shows_the_proposers_buttons(client, proposer):
    topic = draft(proposer)
    client.force_login(proposer)
    response = client.get(f"/en/topics/{topic.pk}/edit/")
    assert BUTTON.findall(response.content.decode()) == ["save", "submit"]
