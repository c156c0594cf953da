"""Who may do what on the community pages (rules registered with hetao.core.permissions).

Anonymous and inactive accounts are refused by the registry before any rule runs, so "any account" rules
return True.
"""

from hetao.accounts.models import User
from hetao.core.permissions import rule
from hetao.core.roles import in_department

COMMUNITY_STAFF = ("enterprise_services", "talent_services", "data")


@rule("community.publish")
def _publish(actor: User, obj: object) -> bool:
    return in_department(actor, *COMMUNITY_STAFF)


@rule("community.manage_events")
def _manage_events(actor: User, event: object) -> bool:
    """Create and change events in the back office."""
    return in_department(actor, *COMMUNITY_STAFF)


@rule("community.manage_groups")
def _manage_groups(actor: User, group: object) -> bool:
    """Create, rename and delete interest groups in the back office (members join and leave themselves)."""
    return in_department(actor, *COMMUNITY_STAFF)


@rule("community.register_event")
def _register_event(actor: User, event: object) -> bool:
    """Any account may sign up; whether a place is open is the service's answer (closed, duplicate, waiting)."""
    return True


@rule("community.join_group")
def _join_group(actor: User, group: object) -> bool:
    return True


@rule("community.leave_group")
def _leave_group(actor: User, group: object) -> bool:
    return True


@rule("community.set_email_preferences")
def _set_email_preferences(actor: User, user: User | None) -> bool:
    """One's own email settings only."""
    return user is not None and user.pk == actor.pk
