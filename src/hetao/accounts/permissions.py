"""One place that answers "may this actor do this to this object?" — every view and endpoint asks here.

Rules are small functions registered by action name. Later parts of the platform add their own actions
with `@rule("...")`. An unknown action is always denied.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied

Rule = Callable[..., bool]
RULES: dict[str, Rule] = {}

__all__ = ["RULES", "can", "in_department", "is_org_admin", "is_org_member", "require", "rule"]


def rule(action: str) -> Callable[[Rule], Rule]:
    def register(function: Rule) -> Rule:
        RULES[action] = function
        return function

    return register


def can(actor, action: str, obj=None) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if action not in RULES:
        return False
    return bool(RULES[action](actor, obj))


def require(actor, action: str, obj=None) -> None:
    if not can(actor, action, obj):
        raise PermissionDenied(action)


def in_department(actor, *codes: str, head: bool = False) -> bool:
    if actor.is_superuser:
        return True
    roles = actor.staff_roles.filter(department__code__in=codes)
    return roles.filter(role="head").exists() if head else roles.exists()


def is_org_admin(actor, organisation) -> bool:
    return actor.memberships.filter(organisation=organisation, role="admin").exists()


def is_org_member(actor, organisation) -> bool:
    return actor.memberships.filter(organisation=organisation).exists()


@rule("registry.change")
def _registry_change(actor, obj) -> bool:
    return in_department(actor, "data", "enterprise_services")


@rule("organisation.view_members")
def _view_members(actor, organisation) -> bool:
    return is_org_member(actor, organisation) or in_department(actor, "enterprise_services", "data")


@rule("organisation.manage_members")
def _manage_members(actor, organisation) -> bool:
    return actor.is_superuser or is_org_admin(actor, organisation)


@rule("organisation.request_join")
def _request_join(actor, organisation) -> bool:
    return not is_org_member(actor, organisation)


@rule("person_claim.decide")
def _decide_claim(actor, claim) -> bool:
    return in_department(actor, "talent_services", "data")


@rule("oidc.manage_clients")
def _manage_clients(actor, obj) -> bool:
    return in_department(actor, "data", head=True)


@rule("audit.view_security")
def _view_security_log(actor, obj) -> bool:
    return in_department(actor, "facilities_security", "data")


@rule("iddoc.reveal")
def _reveal_document(actor, document) -> bool:
    """Heads of talent services and of facilities and security, for a stated reason (audited)."""
    return in_department(actor, "talent_services", "facilities_security", head=True)


@rule("community.publish")
def _publish(actor, obj) -> bool:
    return in_department(actor, "enterprise_services", "talent_services", "data")


@rule("privacy.delete_accounts")
def _delete_accounts(actor, obj) -> bool:
    return in_department(actor, "data", head=True)
