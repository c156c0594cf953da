"""Property (hypothesis): any sequence of postings, reversals and conversions keeps every account's balance equal
to the sum of its entries and every transaction balanced per currency."""

from decimal import Decimal

import pytest
from django.db.models import Count, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase  # noqa: F401  (hypothesis' Django integration is importable)

from hetao.funds import services
from hetao.funds.models import Account, Entry, LedgerTransaction
from hetao.funds.money import Money

from .conftest import DAY, account

pytestmark = pytest.mark.django_db

AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999.99"), places=2)
STEPS = st.lists(st.one_of(
    st.tuples(st.just("post"), st.integers(0, 3), st.integers(0, 3), AMOUNTS),
    st.tuples(st.just("reverse"), st.integers(0, 50), st.just(0), st.just(Decimal(0))),
    st.tuples(st.just("convert"), st.integers(0, 1), st.integers(2, 3), AMOUNTS),
), min_size=1, max_size=12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_balances_always_equal_the_sum_of_entries(finance, steps):
    from django.db import transaction

    sid = transaction.savepoint()
    try:
        cny = [account(finance, f"cny{i}") for i in range(2)]
        hkd = [account(finance, f"hkd{i}", "HKD") for i in range(2)]
        accounts = cny + hkd
        fx = [account(finance, "fx-cny", kind="clearing"), account(finance, "fx-hkd", "HKD", kind="clearing")]
        services.rate_record(actor=finance, on=DAY, base="HKD", quote="CNY", rate="0.92116", source="bank")
        posted: list[LedgerTransaction] = []
        for kind, a, b, amount in steps:
            if kind == "post" and accounts[a].currency == accounts[b].currency and a != b:
                posted.append(services.post(actor=finance, kind="expenditure", value_date=DAY, memo="p", lines=[
                    services.Line(accounts[a], amount), services.Line(accounts[b], -amount)]))
            elif kind == "reverse" and posted:
                original = posted[a % len(posted)]
                if original.kind != "reversal" and not LedgerTransaction.objects.filter(reverses=original).exists():
                    posted.append(services.reverse(actor=finance, original=original, reason="r"))
            elif kind == "convert":
                received, rate = services.convert(Money(amount, "HKD"), to="CNY", on=DAY)
                # HKD leaves an HKD account for the HKD clearing account; CNY arrives through the CNY one.
                posted.append(services.post(actor=finance, kind="remittance", value_date=DAY, memo="c", lines=[
                    services.Line(fx[1], amount), services.Line(hkd[b - 2], -amount),
                    services.Line(cny[a], received.amount, rate=rate), services.Line(fx[0], -received.amount)]))
        for item in Account.objects.all():
            total = Entry.objects.filter(account=item).aggregate(s=Sum("amount"), n=Count("id"))
            # SQLite sums decimals as floats: the sum is compared at the currency's cents.
            expected = Decimal(total["s"] or 0).quantize(Decimal("0.01"))
            assert item.balance == expected and item.entry_count == total["n"]
        sums = Entry.objects.values("transaction", "currency").annotate(s=Sum("amount")).values_list("s", flat=True)
        assert all(Decimal(s).quantize(Decimal("0.01")) == 0 for s in sums)
    finally:
        transaction.savepoint_rollback(sid)
