"""Authentication of API callers. Writes need a signed-in staff member (session + CSRF token)."""

from django.utils.translation import gettext_lazy as _
from ninja.errors import HttpError
from ninja.security import SessionAuth

from hetao.accounts.permissions import can


class PermissionSessionAuth(SessionAuth):
    """A signed-in user allowed `action` (hetao.accounts.permissions); else 401 (not signed in) or 403."""

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


staff_session = PermissionSessionAuth("registry.change", _("Only park staff of the registry may change it."))
