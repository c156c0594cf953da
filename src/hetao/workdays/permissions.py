"""Who may change the working-day calendars (registered into hetao.accounts.permissions)."""

from hetao.accounts.permissions import in_department, rule


@rule("workdays.manage")
def _manage(actor, obj) -> bool:
    return actor.is_staff and in_department(actor, "data")
