from hetao.accounts.models import User
from hetao.core.permissions import rule
from hetao.core.roles import in_department

from .models import AccessPoint, access_points_open_to


@rule("passes.scan")
def _scan(actor: User, access_point: object) -> bool:
    """Gate and facility staff scan at any access point."""
    return in_department(actor, "facilities_security")


@rule("passes.view_log")
def _view_log(actor: User, obj: object) -> bool:
    return in_department(actor, "facilities_security", "data")


@rule("passes.invite_visitor")
def _invite(actor: User, access_point: AccessPoint | None) -> bool:
    """A member or officer invites a guest only where they may go themselves (facilities staff: anywhere)."""
    if actor.is_superuser or in_department(actor, "facilities_security"):
        return True
    if not (actor.memberships.exists() or actor.staff_roles.exists()):
        return False
    return access_point is None or access_points_open_to(actor).filter(pk=access_point.pk).exists()


@rule("passes.manage_rules")
def _manage_rules(actor: User, access_point: object) -> bool:
    """Who may enter where is decided by the head of facilities and security."""
    return in_department(actor, "facilities_security", head=True)
