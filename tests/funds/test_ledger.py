"""The ledger: double entry, append-only, balances kept by the database, Decimal money with a currency."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from hetao.audit.models import AuditEvent
from hetao.funds import services
from hetao.funds.models import Account, Entry, ExchangeRate, LedgerTransaction, TransactionKind
from hetao.funds.money import Money
from tests import factories

from .conftest import DAY, account, pay

pytestmark = pytest.mark.django_db

def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def test_a_balanced_transaction_moves_both_balances_and_is_audited(finance):
    bank, spend = account(finance, "bank"), account(finance, "spend", kind="expense")
    item = pay(finance, spend, bank, "1234.56")
    bank.refresh_from_db()
    spend.refresh_from_db()
    assert (spend.balance, bank.balance) == (Decimal("1234.56"), Decimal("-1234.56"))
    assert (spend.entry_count, bank.entry_count) == (1, 1)
    assert AuditEvent.objects.filter(action="funds.transaction.expenditure", target_id=str(item.pk)).exists()


@pytest.mark.parametrize(("amounts", "code"), [
    (("10.00", "-9.99"), "unbalanced"),
    (("10.001", "-10.001"), "decimals"),
    (("0", "0"), "zero"),
    (("ten", "-10"), "invalid"),
    (("NaN", "-10"), "invalid"),
])
def test_bad_postings_are_refused_and_write_nothing(finance, amounts, code):
    bank, spend = account(finance, "bank"), account(finance, "spend", kind="expense")
    before = (LedgerTransaction.objects.count(), Entry.objects.count())
    with pytest.raises(ValidationError) as refused:
        services.post(actor=finance, kind="expenditure", value_date=DAY, memo="x", lines=[
            services.Line(spend, amounts[0]), services.Line(bank, amounts[1])])
    assert code in codes(refused.value)
    assert (LedgerTransaction.objects.count(), Entry.objects.count()) == before
    bank.refresh_from_db()
    assert bank.balance == 0 and bank.entry_count == 0


def test_a_float_amount_is_refused(finance):
    bank, spend = account(finance, "bank"), account(finance, "spend", kind="expense")
    with pytest.raises(ValidationError, match="floating"):
        services.post(actor=finance, kind="expenditure", value_date=DAY, memo="x",
                      lines=[services.Line(spend, 0.1), services.Line(bank, -0.1)])  # type: ignore[arg-type]


def test_one_entry_is_not_a_transaction(finance):
    bank = account(finance, "bank")
    with pytest.raises(ValidationError, match="at least two"):
        services.post(actor=finance, kind="interest", value_date=DAY, memo="x", lines=[services.Line(bank, 5)])


def test_entries_balance_per_currency_not_across_currencies(finance):
    cny, hkd = account(finance, "cny"), account(finance, "hkd", "HKD")
    with pytest.raises(ValidationError, match="do not balance"):
        services.post(actor=finance, kind="remittance", value_date=DAY, memo="x",
                      lines=[services.Line(cny, Decimal("92")), services.Line(hkd, Decimal("-92"))])


def test_only_finance_posts(finance):
    bank, spend = account(finance, "bank"), account(finance, "spend", kind="expense")
    outsider = factories.make_user("outsider")
    with pytest.raises(PermissionDenied):
        pay(outsider, spend, bank, "1")
    assert not LedgerTransaction.objects.exists()


def test_a_reversal_mirrors_the_original_once(finance):
    bank, spend = account(finance, "bank"), account(finance, "spend", kind="expense")
    original = pay(finance, spend, bank, "500.00")
    reversal = services.reverse(actor=finance, original=original, reason="Wrong line")
    assert reversal.kind == TransactionKind.REVERSAL and reversal.reverses_id == original.pk
    bank.refresh_from_db()
    assert bank.balance == 0 and bank.entry_count == 2
    with pytest.raises(ValidationError, match="already reversed"):
        services.reverse(actor=finance, original=original, reason="Again")
    with pytest.raises(ValidationError):
        services.reverse(actor=finance, original=reversal, reason="Undo the undo")
    assert LedgerTransaction.objects.count() == 2


def test_rates_convert_and_name_the_rate_used(finance):
    rate = services.rate_record(actor=finance, on=DAY, base="HKD", quote="CNY", rate="0.92116", source="central_parity")
    converted, used = services.convert(Money(Decimal("1000.00"), "HKD"), to="CNY", on=DAY)
    assert converted == Money(Decimal("921.16"), "CNY") and used == rate
    back, used_back = services.convert(Money(Decimal("921.16"), "CNY"), to="HKD", on=DAY)
    assert back.currency == "HKD" and used_back == rate and back.amount == Decimal("1000.00")
    with pytest.raises(ValidationError, match="2024-05-03"):
        services.convert(Money(Decimal("1"), "HKD"), to="CNY", on=DAY + datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="already recorded"):
        services.rate_record(actor=finance, on=DAY, base="HKD", quote="CNY", rate="0.93", source="central_parity")
    for bad in ("0", "-1", "abc", "Infinity"):
        with pytest.raises(ValidationError):
            services.rate_record(actor=finance, on=DAY, base="HKD", quote="USD", rate=bad, source="bank")
    with pytest.raises(ValidationError):
        services.rate_record(actor=finance, on=DAY, base="HKD", quote="HKD", rate="1", source="bank")
    assert ExchangeRate.objects.count() == 1


def test_entries_cannot_be_updated_in_the_database(finance):
    bank, spend = account(finance, "bank"), account(finance, "spend", kind="expense")
    pay(finance, spend, bank, "10.00")
    with pytest.raises(IntegrityError if on_postgresql() else Exception, match="append-only"), transaction.atomic():
        Entry.objects.update(amount=Decimal("99"))
    assert set(Entry.objects.values_list("amount", flat=True)) == {Decimal("10.00"), Decimal("-10.00")}


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the triggers beyond balances are PostgreSQL's")
def test_postgresql_refuses_every_way_round_the_rules(finance):
    bank, spend = account(finance, "bank"), account(finance, "spend", kind="expense")
    item = pay(finance, spend, bank, "10.00")
    attempts = [
        lambda: Entry.objects.filter(transaction=item).delete(),
        lambda: LedgerTransaction.objects.filter(pk=item.pk).update(memo="changed"),
        lambda: Account.objects.filter(pk=bank.pk).update(balance=Decimal("1000000")),
        lambda: _raw("DELETE FROM funds_entry"),
        lambda: _raw("UPDATE funds_ledgertransaction SET value_date = '2020-01-01'"),
    ]
    for attempt in attempts:
        with pytest.raises(IntegrityError), transaction.atomic():
            attempt()
    bank.refresh_from_db()
    assert bank.balance == Decimal("-10.00")


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="deferred constraint triggers are PostgreSQL's")
def test_postgresql_refuses_an_unbalanced_transaction_at_commit(finance):
    bank, spend = account(finance, "bank"), account(finance, "spend", kind="expense")
    for entries in ([(spend, "10.00"), (bank, "-9.00")], [(spend, "10.00")], []):
        with pytest.raises(IntegrityError, match="refused"), transaction.atomic():
            item = LedgerTransaction.objects.create(kind="expenditure", value_date=DAY, memo="bypass",
                                                    posted_by=finance)
            for acc, amount in entries:
                Entry.objects.create(transaction=item, account=acc, amount=Decimal(amount), currency="CNY")
            _raw("SET CONSTRAINTS ALL IMMEDIATE")  # what COMMIT would do; inside the test's transaction
    assert not LedgerTransaction.objects.filter(memo="bypass").exists()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL trigger")
def test_postgresql_refuses_an_entry_in_another_currency_than_its_account(finance):
    bank = account(finance, "bank")
    item = LedgerTransaction(kind="expenditure", value_date=DAY, memo="bypass", posted_by=finance)
    with pytest.raises(IntegrityError, match="account"), transaction.atomic():
        item.save()
        Entry.objects.create(transaction=item, account=bank, amount=Decimal("1"), currency="HKD")


def _raw(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


def codes(error: ValidationError) -> set[str]:
    found = set()
    for item in (error.error_dict.values() if hasattr(error, "error_dict") else [error.error_list]):
        found.update(e.code for e in item if e.code)
    return found
