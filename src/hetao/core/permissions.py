"""The one registry that answers "may this actor do this to this object?" — every view, endpoint and service asks.

Each app declares its rules in `<app>/permissions.py` with `@rule("<app>.<action>")`; the modules are imported
when Django starts (`autodiscover`, called from CoreConfig.ready), so a rule exists before the first request.
An unknown action, an anonymous or an inactive actor is always denied.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied

# Actors and objects are read by duck typing: core imports no app (the rules know their own models).
Rule = Callable[[Any, Any], bool]
RULES: dict[str, Rule] = {}

__all__ = ["RULES", "autodiscover", "can", "require", "rule"]


def rule(action: str) -> Callable[[Rule], Rule]:
    """Register `function(actor, obj) -> bool` as the rule for `action`; an action has exactly one rule."""

    def register(function: Rule) -> Rule:
        existing = RULES.get(action)
        if existing is not None and existing.__qualname__ != function.__qualname__:
            raise ValueError(f"Two rules for {action!r}: {existing.__module__} and {function.__module__}")
        RULES[action] = function
        return function

    return register


def can(actor: Any, action: str, obj: Any = None) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if action not in RULES:
        return False
    return bool(RULES[action](actor, obj))


def require(actor: Any, action: str, obj: Any = None) -> None:
    if not can(actor, action, obj):
        raise PermissionDenied(action)


def autodiscover() -> None:
    """Import `permissions` from every installed app (as the admin does with `admin`)."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("permissions")
