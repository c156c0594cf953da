"""Staff-role checks that any app's permission rules build on.

Read by duck typing (`actor.staff_roles`, `actor.memberships`), so core imports no app and an app low in the
layers (the registry) can use them without importing accounts, which owns the roles.
"""

from typing import Any

ROLES_CACHE = "_hetao_staff_roles"


def staff_roles_of(actor: Any) -> frozenset[tuple[str, str]]:
    """The actor's (department code, role) pairs, read once per actor object (as Django's ModelBackend caches
    permissions on the user): a page that asks a rule for each of its rows costs one query, not one per row.
    A request has its own user object, so a change of roles is seen from the next request on; code that
    changes roles and asks again with the same object calls `forget_staff_roles` first."""
    cached = getattr(actor, ROLES_CACHE, None)
    if cached is None:
        cached = frozenset(actor.staff_roles.values_list("department__code", "role"))
        setattr(actor, ROLES_CACHE, cached)
    return cached


def forget_staff_roles(actor: Any) -> None:
    actor.__dict__.pop(ROLES_CACHE, None)


def in_department(actor: Any, *codes: str, head: bool = False) -> bool:
    """A superuser, or a staff member of one of the departments `codes` (only its head when `head`)."""
    if actor.is_superuser:
        return True
    return any(code in codes and (role == "head" or not head) for code, role in staff_roles_of(actor))


def is_org_admin(actor: Any, organisation: Any) -> bool:
    return actor.memberships.filter(organisation=organisation, role="admin").exists()


def is_org_member(actor: Any, organisation: Any) -> bool:
    return actor.memberships.filter(organisation=organisation).exists()
