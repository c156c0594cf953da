"""Authentication of API callers, with the permission each endpoint declares.

A write endpoint states `auth=PermissionSessionAuth("<app>.<action>", message)`: the caller must be signed in
(session + CSRF token) and allowed that action by hetao.core.permissions.
"""

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import SessionAuth

from hetao.core.permissions import can
from hetao.core.workflow import InvalidTransition

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class PermissionSessionAuth(SessionAuth):
    """A signed-in user allowed `action`; else 401 (not signed in) or 403 with `message`."""

    def __init__(self, action: str, message: "StrOrPromise"):
        super().__init__()
        self.action, self.message = action, message

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        user = super().authenticate(request, key)
        if user is None:
            return None
        if not can(user, self.action):
            raise HttpError(403, str(self.message))
        return user



def call_or_409(service: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a service; a transition the object's state does not allow (InvalidTransition) answers 409 Conflict
    with its message. Other refusals keep their handlers (ValidationError 422, PermissionDenied 403)."""
    try:
        return service(*args, **kwargs)
    except InvalidTransition as error:
        raise HttpError(409, " ".join(str(m) for m in error.messages)) from None


def conflicts_as_409(view: Callable[..., Any]) -> Callable[..., Any]:
    """`call_or_409` for a whole endpoint (a decorator)."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        return call_or_409(view, *args, **kwargs)

    return wrapped
