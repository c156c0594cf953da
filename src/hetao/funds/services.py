"""Every write of the ledger: exchange rates, accounts, posting and reversing transactions.

Posting validates everything the database will also refuse (so the user reads why in their language instead
of a database error): at least two entries, no zero amount, no more decimals than the currency has, each entry
in its account's currency, entries balancing per currency, open accounts. The database then holds the same
rules (migration 0002), so a bug here cannot write an unbalanced or edited ledger.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hetao.accounts.models import User
from hetao.audit.service import audit_record
from hetao.core.permissions import require
from hetao.registry.models import Organisation, Project

from .models import Account, AccountKind, Entry, ExchangeRate, LedgerTransaction, RateSource, TransactionKind
from .money import Currency, Money, check_amount, quantum

__all__ = ["Line", "account_open", "convert", "post", "rate_for", "rate_record", "reverse"]


@dataclass(frozen=True)
class Line:
    """One leg to post: a signed amount (debit +, credit −) in the account's currency."""

    account: Account
    amount: Decimal
    memo: str = ""
    rate: ExchangeRate | None = None


@transaction.atomic
def rate_record(*, actor: User, on: datetime.date, base: str, quote: str, rate: Decimal | str, source: str,
                note: str = "") -> ExchangeRate:
    require(actor, "funds.rates")
    errors: dict[str, str] = {}
    for field, currency in (("base", base), ("quote", quote)):
        if currency not in Currency.values:
            errors[field] = _("Unknown currency: %(currency)s.") % {"currency": currency}
    if base == quote:
        errors["quote"] = _("A rate converts between two different currencies.")
    if source not in RateSource.values:
        errors["source"] = _("Choose the source of the rate.")
    try:
        value = Decimal(str(rate))
        if not value.is_finite() or value <= 0:
            raise ValueError
    except (ArithmeticError, ValueError):
        errors["rate"] = _("A rate is a positive number, e.g. 0.92.")
        value = Decimal(0)
    if errors:
        raise ValidationError(errors)
    item = ExchangeRate(on=on, base=base, quote=quote, rate=value, source=source, note=note, entered_by=actor)
    item.full_clean(validate_constraints=False)  # the unique index answers a duplicate, below
    try:
        with transaction.atomic():
            item.save(force_insert=True)
    except IntegrityError:
        raise ValidationError(_("A %(source)s rate from %(base)s to %(quote)s on %(on)s is already recorded.") % {
            "source": item.get_source_display(), "base": base, "quote": quote, "on": on}, code="duplicate") from None
    audit_record(actor=actor, action="funds.rate.record", target=item,
                 changes={"on": str(on), "base": base, "quote": quote, "rate": str(value), "source": source})
    return item


def rate_for(*, on: datetime.date, base: str, quote: str, source: str | None = None) -> tuple[Decimal, ExchangeRate]:
    """The rate from `base` to `quote` on day `on` (direct, or the inverse of the opposite rate), and the row it
    comes from. No rate that day is an error naming the day: a conversion never guesses from another date."""
    rates = ExchangeRate.objects.filter(on=on)
    if source:
        rates = rates.filter(source=source)
    direct = rates.filter(base=base, quote=quote).order_by("source").first()
    if direct is not None:
        return direct.rate, direct
    inverse = rates.filter(base=quote, quote=base).order_by("source").first()
    if inverse is not None:
        return Decimal(1) / inverse.rate, inverse
    raise ValidationError(_("No exchange rate from %(base)s to %(quote)s is recorded for %(on)s.") % {
        "base": base, "quote": quote, "on": on}, code="no_rate")


def convert(money: Money, *, to: str, on: datetime.date, source: str | None = None) -> tuple[Money, ExchangeRate]:
    """`money` in currency `to` at the rate of day `on`, rounded half up to the currency's minor units."""
    if money.currency == to:
        raise ValidationError(_("The amount is already in %(currency)s.") % {"currency": to}, code="same_currency")
    rate, row = rate_for(on=on, base=money.currency, quote=to, source=source)
    return Money((money.amount * rate).quantize(quantum(to), rounding=ROUND_HALF_UP), to), row


@transaction.atomic
def account_open(*, actor: User, code: str, kind: str, currency: str, name_en: str, name_zh_hans: str = "",
                 name_zh_hant: str = "", project: Project | None = None, organisation: Organisation | None = None,
                 budget_line: str = "") -> Account:
    require(actor, "funds.accounts")
    if currency not in Currency.values:
        raise ValidationError({"currency": _("Unknown currency: %(currency)s.") % {"currency": currency}})
    if kind not in AccountKind.values:
        raise ValidationError({"kind": _("Choose the kind of account.")})
    account = Account(code=code, kind=kind, currency=currency, name_en=name_en, name_zh_hans=name_zh_hans,
                      name_zh_hant=name_zh_hant, project=project, organisation=organisation, budget_line=budget_line)
    account.full_clean()
    account.save(force_insert=True)
    audit_record(actor=actor, action="funds.account.open", target=account,
                 changes={"code": code, "kind": kind, "currency": currency})
    return account


def _check_lines(lines: list[Line]) -> list[tuple[Account, Decimal, Line]]:
    if len(lines) < 2:
        raise ValidationError(_("A transaction needs at least two entries (double entry)."), code="legs")
    accounts = {a.pk: a for a in Account.objects.select_for_update().filter(pk__in=[line.account.pk for line in lines])}
    checked: list[tuple[Account, Decimal, Line]] = []
    totals: defaultdict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        account = accounts.get(line.account.pk)
        if account is None:
            raise ValidationError(_("Unknown account."), code="account")
        if not account.is_open:
            raise ValidationError(_("Account %(code)s is closed.") % {"code": account.code}, code="closed")
        amount = check_amount(line.amount, account.currency, allow_negative=True)
        totals[account.currency] += amount
        checked.append((account, amount, line))
    for currency, total in sorted(totals.items()):
        if total != 0:
            raise ValidationError(_("The %(currency)s entries do not balance: they sum to %(total)s, not zero.") % {
                "currency": currency, "total": total}, code="unbalanced")
    return checked


@transaction.atomic
def post(*, actor: User, kind: str, value_date: datetime.date, lines: list[Line], memo: str, reference: str = "",
         project: Project | None = None, reverses: LedgerTransaction | None = None) -> LedgerTransaction:
    """Post one balanced transaction (all of it or none: one database transaction)."""
    require(actor, "funds.post")
    if kind not in TransactionKind.values or (kind == TransactionKind.REVERSAL) != (reverses is not None):
        raise ValidationError({"kind": _("Choose the kind of transaction.")}, code="kind")
    checked = _check_lines(lines)
    item = LedgerTransaction(kind=kind, value_date=value_date, posted_by=actor, memo=(memo or "").strip(),
                             reference=reference, project=project, reverses=reverses)
    item.full_clean(exclude=["reverses"])
    try:
        with transaction.atomic():
            item.save(force_insert=True)
            Entry.objects.bulk_create([
                Entry(transaction=item, account=account, amount=amount, currency=account.currency, rate=line.rate,
                      memo=line.memo[:300]) for account, amount, line in checked])
    except IntegrityError:
        if reverses is not None:
            raise ValidationError(_("Transaction #%(number)s is already reversed.") % {"number": reverses.pk},
                                  code="already_reversed") from None
        raise
    audit_record(actor=actor, action=f"funds.transaction.{kind}", target=item, changes={
        "value_date": str(value_date), "reference": reference,
        "entries": [[account.code, str(amount)] for account, amount, _line in checked]})
    return item


@transaction.atomic
def reverse(*, actor: User, original: LedgerTransaction, reason: str,
            value_date: datetime.date | None = None) -> LedgerTransaction:
    """Correct a posted transaction by posting its mirror image, pointing back to it (one reversal each)."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the reversal.")})
    if original.kind == TransactionKind.REVERSAL:
        raise ValidationError(_("A reversal is not reversed: post the correct transaction instead."),
                              code="reverse_reversal")
    lines = [Line(account=entry.account, amount=-entry.amount, memo=entry.memo, rate=entry.rate)
             for entry in original.entries.select_related("account")]
    return post(actor=actor, kind=TransactionKind.REVERSAL, value_date=value_date or original.value_date,
                lines=lines, memo=(_("Reversal of #%(number)s: %(reason)s") % {
                    "number": original.pk, "reason": reason.strip()})[:500],
                reference=original.reference, project=original.project, reverses=original)
