"""Staff-role checks that any app's permission rules build on.

Read by duck typing (`actor.staff_roles`, `actor.memberships`), so core imports no app and an app low in the
layers (the registry) can use them without importing accounts, which owns the roles.
"""

from typing import Any


def in_department(actor: Any, *codes: str, head: bool = False) -> bool:
    """A superuser, or a staff member of one of the departments `codes` (only its head when `head`)."""
    if actor.is_superuser:
        return True
    roles = actor.staff_roles.filter(department__code__in=codes)
    return roles.filter(role="head").exists() if head else roles.exists()


def is_org_admin(actor: Any, organisation: Any) -> bool:
    return actor.memberships.filter(organisation=organisation, role="admin").exists()


def is_org_member(actor: Any, organisation: Any) -> bool:
    return actor.memberships.filter(organisation=organisation).exists()
