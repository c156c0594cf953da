"""Declared workflows: a table of (state, action) → (next state, permission, side effects) that the services,
views, API, templates and tests all read (as Hypha's workflows carry their permissions on each transition).

An app declares its workflow once, e.g.

    APPLICATION = Workflow("onestop.application", [
        Transition("submit", source=["draft"], target="submitted", permission="onestop.submit"),
        Transition("approve", source=["in_review"], target="approved", permission="onestop.decide",
                   label=_("Approve"), style="success"),
    ])

and its services ask `APPLICATION.begin(actor, obj, "approve")`, which checks that the action is allowed from the
object's current state and that the actor holds the transition's permission, and answers the transition (its
target state, label, …). Pages show exactly `APPLICATION.available(actor, obj)` as buttons. A transition whose
target depends on the object (e.g. the next approval step) gives a callable target.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .permissions import can

__all__ = ["InvalidTransition", "Transition", "Workflow"]


class InvalidTransition(ValidationError):
    """The action is not allowed from the object's current state (answered as 409 Conflict by pages and API)."""


@dataclass(frozen=True)
class Transition:
    action: str
    source: Sequence[str]
    target: str | Callable[[Any], str]
    permission: str
    label: str | Promise = ""
    style: str = "primary"  # the button's Bootstrap colour
    # Extra conditions beyond state and permission (e.g. "a different officer than the first sign-off").
    condition: Callable[[Any, Any], bool] | None = None
    side_effects: Sequence[str] = field(default_factory=tuple)  # documentation: what the service schedules

    def target_for(self, obj: Any) -> str:
        return self.target(obj) if callable(self.target) else self.target


class Workflow:
    def __init__(self, name: str, transitions: Iterable[Transition], *, state_field: str = "status"):
        self.name, self.state_field = name, state_field
        self.transitions: dict[str, Transition] = {}
        for transition in transitions:
            if transition.action in self.transitions:
                raise ValueError(f"{name}: action {transition.action!r} declared twice")
            self.transitions[transition.action] = transition

    def state_of(self, obj: Any) -> str:
        return str(getattr(obj, self.state_field))

    def states(self) -> set[str]:
        found: set[str] = set()
        for transition in self.transitions.values():
            found.update(transition.source)
            if not callable(transition.target):
                found.add(transition.target)
        return found

    def permissions(self) -> set[str]:
        return {transition.permission for transition in self.transitions.values()}

    def allowed(self, actor: Any, obj: Any, action: str) -> bool:
        transition = self.transitions.get(action)
        return (
            transition is not None
            and self.state_of(obj) in transition.source
            and can(actor, transition.permission, obj)
            and (transition.condition is None or transition.condition(actor, obj))
        )

    def available(self, actor: Any, obj: Any) -> list[Transition]:
        """The transitions this actor may take now, in declaration order (the buttons a page shows)."""
        return [t for action, t in self.transitions.items() if self.allowed(actor, obj, action)]

    def begin(self, actor: Any, obj: Any, action: str) -> Transition:
        """The transition for `action`, or PermissionDenied / InvalidTransition saying why not.

        Call it inside the service's transaction, after locking the row, so the state it checks is current.
        """
        transition = self.transitions.get(action)
        if transition is None:
            raise InvalidTransition(_("This action does not exist."), code="unknown_action")
        if not can(actor, transition.permission, obj):
            raise PermissionDenied(transition.permission)
        if self.state_of(obj) not in transition.source:
            raise InvalidTransition(_("This cannot be done in the current state."), code="invalid_state")
        if transition.condition is not None and not transition.condition(actor, obj):
            raise PermissionDenied(transition.permission)
        return transition
