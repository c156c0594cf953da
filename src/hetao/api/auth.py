"""Authentication of API callers. Writes need a signed-in staff member (session + CSRF token)."""

from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import SessionAuth


class StaffSessionAuth(SessionAuth):
    """A signed-in staff member; anyone else gets 401 (not signed in) or 403 (not staff)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None:
            return None
        if not user.is_staff:
            raise HttpError(403, _("Only park staff may change the registry."))
        return user


staff_session = StaffSessionAuth()
