"""Rules of one account: organisations, members, staff roles, OIDC clients, security log, identity documents,
privacy (registered with hetao.core.permissions).

The registry lives in `hetao.core.permissions` and the staff-role helpers in `hetao.core.roles`; both are
re-exported here for callers that predate them.
"""

from hetao.core.permissions import RULES, can, require, rule
from hetao.core.roles import in_department, is_org_admin, is_org_member

__all__ = ["RULES", "can", "in_department", "is_org_admin", "is_org_member", "require", "rule"]


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


@rule("privacy.delete_accounts")
def _delete_accounts(actor, obj) -> bool:
    return in_department(actor, "data", head=True)
