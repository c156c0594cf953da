"""Authentication of API callers, with the permission each endpoint declares.

A write endpoint states `auth=PermissionSessionAuth("<app>.<action>", message)`: the caller must be signed in
(session + CSRF token) and allowed that action by hetao.core.permissions.
"""

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import SessionAuth

from hetao.core.permissions import can

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
