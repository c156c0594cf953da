import datetime
from decimal import Decimal

import pytest

from hetao.funds import services
from hetao.funds.models import AccountKind
from tests.conftest import staff_in

DAY = datetime.date(2024, 5, 2)


@pytest.fixture
def finance(db):
    return staff_in("financeofficer", "finance")


def account(actor, code: str, currency: str = "CNY", kind: str = AccountKind.ASSET):
    return services.account_open(actor=actor, code=code, kind=kind, currency=currency, name_en=code)


def pay(actor, debit, credit, amount: str, *, kind: str = "expenditure", memo: str = "A payment"):
    return services.post(actor=actor, kind=kind, value_date=DAY, memo=memo, lines=[
        services.Line(debit, Decimal(amount)), services.Line(credit, -Decimal(amount))])
