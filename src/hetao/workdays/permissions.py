"""Who may change the working-day calendars (rules registered with hetao.core.permissions)."""

from hetao.accounts.models import User
from hetao.core.permissions import rule
from hetao.core.roles import in_department


@rule("workdays.manage")
def _manage(actor: User, obj: object) -> bool:
    return actor.is_staff and in_department(actor, "data")
