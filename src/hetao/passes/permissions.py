from hetao.core.permissions import rule
from hetao.core.roles import in_department


@rule("passes.scan")
def _scan(actor, access_point) -> bool:
    """Gate and facility staff scan at any access point."""
    return in_department(actor, "facilities_security")


@rule("passes.view_log")
def _view_log(actor, obj) -> bool:
    return in_department(actor, "facilities_security", "data")


@rule("passes.invite_visitor")
def _invite(actor, access_point) -> bool:
    return actor.memberships.exists() or actor.staff_roles.exists() or actor.is_superuser
