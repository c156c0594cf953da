"""Authentication of API callers, with the permission each endpoint declares.

A write endpoint states `auth=PermissionSessionAuth("<app>.<action>", message)`: the caller must be signed in
(session + CSRF token) and allowed that action by hetao.core.permissions.
"""

from ninja.errors import HttpError
from ninja.security import SessionAuth

from hetao.core.permissions import can


class PermissionSessionAuth(SessionAuth):
    """A signed-in user allowed `action`; else 401 (not signed in) or 403 with `message`."""

    def __init__(self, action: str, message: str):
        super().__init__()
        self.action, self.message = action, message

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None:
            return None
        if not can(user, self.action):
            raise HttpError(403, str(self.message))
        return user
