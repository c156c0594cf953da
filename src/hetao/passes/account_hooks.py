"""What passes does when an account is deactivated or erased (registered from PassesConfig.ready()).

Accounts sits below passes and never imports it; it calls these through hetao.accounts.hooks, inside the
transaction of its own service (user_deactivate, deletion_carry_out).
"""

from hetao.accounts.hooks import on_user_deactivated, on_user_erased
from hetao.accounts.models import User

from .models import AccessRule
from .services import holder_revoke, rules_remove


@on_user_deactivated
def revoke_codes(*, actor: User, user: User, reason: str) -> None:
    """A deactivated account's codes are refused at once (online) and within a minute (offline gates)."""
    holder_revoke(user=user, actor=actor, reason="account_deactivated")


@on_user_erased
def remove_access_rules(*, actor: User, user: User, pseudonym: str) -> dict[str, int]:
    """The person's own access rules go, revoking their codes while the holder is still there (inside the
    account's cascade the revocation would create a new holder for the account being deleted)."""
    removed = rules_remove(actor=actor, rules=AccessRule.objects.filter(user=user).select_related("access_point"))
    return {"access_rules_removed": removed} if removed else {}
