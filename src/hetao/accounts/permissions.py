"""Rules of one account: organisations, members, staff roles, OIDC clients, security log, identity documents,
privacy (registered with hetao.core.permissions).

The registry lives in `hetao.core.permissions` and the staff-role helpers in `hetao.core.roles`; both are
re-exported here for callers that predate them.
"""

from hetao.core.permissions import RULES, can, require, rule
from hetao.core.roles import in_department, is_org_admin, is_org_member
from hetao.registry.models import Organisation

from .models import User

__all__ = ["RULES", "can", "in_department", "is_org_admin", "is_org_member", "require", "rule"]


@rule("organisation.view_members")
def _view_members(actor: User, organisation: Organisation) -> bool:
    return is_org_member(actor, organisation) or in_department(actor, "enterprise_services", "data")


@rule("organisation.manage_members")
def _manage_members(actor: User, organisation: Organisation) -> bool:
    return actor.is_superuser or is_org_admin(actor, organisation)


@rule("organisation.request_join")
def _request_join(actor: User, organisation: Organisation) -> bool:
    return not is_org_member(actor, organisation)


@rule("person_claim.decide")
def _decide_claim(actor: User, claim: object) -> bool:
    return in_department(actor, "talent_services", "data")


@rule("oidc.manage_clients")
def _manage_clients(actor: User, obj: object) -> bool:
    return in_department(actor, "data", head=True)


@rule("audit.view_security")
def _view_security_log(actor: User, obj: object) -> bool:
    return in_department(actor, "facilities_security", "data")


@rule("iddoc.reveal")
def _reveal_document(actor: User, document: object) -> bool:
    """Heads of talent services and of facilities and security, for a stated reason (audited)."""
    return in_department(actor, "talent_services", "facilities_security", head=True)


@rule("privacy.delete_accounts")
def _delete_accounts(actor: User, obj: object) -> bool:
    return in_department(actor, "data", head=True)


@rule("accounts.deactivate_user")
def _deactivate_user(actor: User, user: object) -> bool:
    """The head of the data office (an account holder leaving, or one misused); the codes go with it."""
    return in_department(actor, "data", head=True)


@rule("accounts.manage_users")
def _manage_users(actor: User, obj: object) -> bool:
    """Accounts and staff roles in the back office: superusers only (a role grants what the roles' rules allow)."""
    return actor.is_superuser
