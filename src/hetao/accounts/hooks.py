"""What other apps do when an account is deactivated or erased, without accounts importing them.

Accounts sits below passes, community and onestop (see the "layers" contract in pyproject.toml), yet deactivating
or erasing an account must revoke park codes, give up event places, keep submitted applications, and so on. Each
app registers its part at start-up, from its AppConfig.ready() (see docs/decisions/0006-signals-policy.md):

    from hetao.accounts.hooks import on_user_deactivated

    @on_user_deactivated
    def revoke_codes(*, actor, user, reason): ...

The accounts services call the hooks inside their own transaction, after their permission check and before their
audit record, so a failing hook rolls the whole change back. Hooks run in registration order (the order of
INSTALLED_APPS); registering the same function twice keeps one.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from .models import User

__all__ = ["on_user_deactivated", "on_user_erased", "run_user_deactivated", "run_user_erased"]

DeactivationHook = Callable[..., None]
ErasureHook = Callable[..., dict[str, Any] | None]

Hook = TypeVar("Hook", DeactivationHook, ErasureHook)

_deactivated: list[DeactivationHook] = []
_erased: list[ErasureHook] = []


def _register(hooks: list[Hook], function: Hook) -> Hook:
    name = f"{function.__module__}.{function.__qualname__}"
    if not any(f"{h.__module__}.{h.__qualname__}" == name for h in hooks):
        hooks.append(function)
    return function


def on_user_deactivated(function: DeactivationHook) -> DeactivationHook:
    """Register `function(*, actor, user, reason) -> None`, called when an account is deactivated."""
    return _register(_deactivated, function)


def on_user_erased(function: ErasureHook) -> ErasureHook:
    """Register `function(*, actor, user, pseudonym) -> dict | None`, called before an account is deleted.

    The hook ends or anonymises what its app holds for the account (the row itself is deleted afterwards, with
    everything that cascades from it). What it returns is added to the deletion's audit record, so it must not
    name the person (counts, slugs, ids).
    """
    return _register(_erased, function)


def run_user_deactivated(*, actor: "User", user: "User", reason: str) -> None:
    for hook in list(_deactivated):
        hook(actor=actor, user=user, reason=reason)


def run_user_erased(*, actor: "User", user: "User", pseudonym: str) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for hook in list(_erased):
        changes.update(hook(actor=actor, user=user, pseudonym=pseudonym) or {})
    return changes
