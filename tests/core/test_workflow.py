"""The shared mechanism every app declares its workflow with (hetao.core.workflow) and the rule registry."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied

from hetao.core import permissions
from hetao.core.workflow import InvalidTransition, Transition, Workflow


@pytest.fixture
def rules():
    saved = dict(permissions.RULES)
    permissions.rule("test.edit")(lambda actor, obj: actor.name == "editor")
    permissions.rule("test.decide")(lambda actor, obj: actor.name == "officer")
    yield
    permissions.RULES.clear()
    permissions.RULES.update(saved)


def actor(name):
    return SimpleNamespace(name=name, is_authenticated=True, is_active=True)


FLOW = Workflow("test.thing", [
    Transition("submit", source=["draft"], target="submitted", permission="test.edit"),
    Transition("approve", source=["submitted"], target="approved", permission="test.decide"),
    Transition("return", source=["submitted"], target=lambda obj: "draft" if obj.rounds < 3 else "closed",
               permission="test.decide"),
    Transition("second", source=["submitted"], target="approved", permission="test.decide",
               condition=lambda who, obj: obj.first_by != who.name),
])


def test_available_lists_only_what_this_actor_may_do_from_this_state(rules):
    thing = SimpleNamespace(status="submitted", rounds=0, first_by="officer")
    assert [t.action for t in FLOW.available(actor("officer"), thing)] == ["approve", "return"]
    assert FLOW.available(actor("editor"), thing) == []
    assert [t.action for t in FLOW.available(actor("editor"), SimpleNamespace(status="draft"))] == ["submit"]


def test_begin_refuses_a_wrong_state_a_missing_permission_and_an_unknown_action(rules):
    thing = SimpleNamespace(status="draft", rounds=0, first_by="")
    with pytest.raises(InvalidTransition):
        FLOW.begin(actor("officer"), thing, "approve")
    with pytest.raises(PermissionDenied):
        FLOW.begin(actor("officer"), thing, "submit")
    with pytest.raises(InvalidTransition):
        FLOW.begin(actor("editor"), thing, "publish")
    assert FLOW.begin(actor("editor"), thing, "submit").target_for(thing) == "submitted"


def test_a_target_may_depend_on_the_object_and_a_condition_may_refuse(rules):
    thing = SimpleNamespace(status="submitted", rounds=3, first_by="officer")
    assert FLOW.begin(actor("officer"), thing, "return").target_for(thing) == "closed"
    with pytest.raises(PermissionDenied):
        FLOW.begin(actor("officer"), thing, "second")


def test_declaring_an_action_twice_or_two_rules_for_one_action_is_an_error(rules):
    with pytest.raises(ValueError):
        Workflow("dup", [Transition("a", ["x"], "y", "p"), Transition("a", ["y"], "z", "p")])
    with pytest.raises(ValueError):
        permissions.rule("test.edit")(lambda actor, obj: True)


def test_anonymous_inactive_and_unknown_actions_are_denied(rules):
    assert not permissions.can(None, "test.edit")
    assert not permissions.can(SimpleNamespace(name="editor", is_authenticated=True, is_active=False), "test.edit")
    assert not permissions.can(actor("editor"), "test.nothing")
    assert permissions.can(actor("editor"), "test.edit")


def test_every_app_rule_is_registered_at_start_up():
    """Rules are discovered from each app's permissions module when Django starts, not on first import."""
    for action in ("registry.change", "onestop.decide", "passes.scan", "community.publish"):
        assert action in permissions.RULES, action
