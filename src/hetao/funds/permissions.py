"""Who may record rates, post to the ledger and read it (rules registered with hetao.core.permissions).

Finance officers (财务处) keep the books; the projects part adds project managers, teams and auditors."""

from typing import Any

from hetao.core.permissions import rule
from hetao.core.roles import in_department

FINANCE = "finance"


def is_finance(actor: Any) -> bool:
    return in_department(actor, FINANCE)


@rule("funds.rates")
def _rates(actor: Any, rate: Any) -> bool:
    """Record or import exchange rates."""
    return is_finance(actor)


@rule("funds.post")
def _post(actor: Any, transaction: Any) -> bool:
    """Post a transaction, or reverse one."""
    return is_finance(actor)


@rule("funds.accounts")
def _accounts(actor: Any, account: Any) -> bool:
    """Open and close ledger accounts."""
    return is_finance(actor)


@rule("funds.view_ledger")
def _view_ledger(actor: Any, obj: Any) -> bool:
    return is_finance(actor)
