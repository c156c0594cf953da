"""Research funds: exchange rates by date and source, and the double-entry, append-only ledger.

Every movement of money (grant commitment, disbursement, expenditure, refund, interest, FX difference,
remittance, reversal) is a LedgerTransaction whose Entries balance per currency (debits positive, credits
negative, summing to zero). Nothing is updated or deleted: a mistake is corrected by a reversing transaction
that points to the original (`reverses`, one reversal per transaction, held by a unique index).

The database holds the rules, so no code path can bypass them (migration 0002): on PostgreSQL a trigger refuses
UPDATE and DELETE of transactions and entries, a deferred constraint trigger refuses at commit a transaction
whose entries do not balance per currency, and an insert trigger keeps each account's balance and entry count
(on SQLite too), so a balance is read from one row whatever the size of the ledger.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hetao.core.trilingual import NamedModel

from .money import Currency


class RateSource(models.TextChoices):
    CENTRAL_PARITY = "central_parity", _("Central parity (CFETS, published by the PBoC)")
    HKMA = "hkma", _("Hong Kong Monetary Authority reference rate")
    BANK = "bank", _("The bank's rate on the value date")
    MANUAL = "manual", _("Entered by finance from a document")


class ExchangeRate(models.Model):
    """One unit of `base` is worth `rate` units of `quote` on day `on`, according to `source`."""

    on = models.DateField(_("date"))
    base = models.CharField(_("from"), max_length=3, choices=Currency.choices)
    quote = models.CharField(_("to"), max_length=3, choices=Currency.choices)
    rate = models.DecimalField(_("rate"), max_digits=18, decimal_places=8)
    source = models.CharField(_("source"), max_length=16, choices=RateSource.choices)
    note = models.CharField(_("document or reference"), max_length=255, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["-on", "base", "quote", "source"]
        constraints = [
            models.UniqueConstraint(fields=["on", "base", "quote", "source"], name="rate_once_per_day_and_source"),
            models.CheckConstraint(name="rate_positive", condition=Q(rate__gt=0)),
            models.CheckConstraint(name="rate_two_currencies", condition=~Q(base=F("quote"))),
            models.CheckConstraint(name="rate_currencies_valid",
                                   condition=Q(base__in=Currency.values) & Q(quote__in=Currency.values)),
        ]

    def __str__(self) -> str:
        return f"1 {self.base} = {self.rate.normalize()} {self.quote} ({self.on}, {self.get_source_display()})"


class AccountKind(models.TextChoices):
    ASSET = "asset", _("Asset (a bank or project account)")
    LIABILITY = "liability", _("Liability")
    INCOME = "income", _("Income (grants received)")
    EXPENSE = "expense", _("Expenditure")
    FUND = "fund", _("Fund balance")
    COMMITMENT = "commitment", _("Commitment (granted, not yet paid)")
    CLEARING = "clearing", _("Clearing (money in transit, FX)")


class Account(NamedModel):
    """An account of the ledger in one currency. `balance` and `entry_count` are kept by the database (the insert
    trigger on entries); no code writes them."""

    code = models.CharField(_("account code"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=AccountKind.choices)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    project = models.ForeignKey("registry.Project", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="ledger_accounts", verbose_name=_("project"))
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="ledger_accounts", verbose_name=_("organisation"))
    budget_line = models.CharField(_("budget line"), max_length=40, blank=True)
    is_open = models.BooleanField(_("open"), default=True)
    balance = models.DecimalField(_("balance"), max_digits=20, decimal_places=2, default=0, editable=False)
    entry_count = models.BigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        ordering = ["code"]
        indexes = [models.Index(fields=["project", "kind"], name="account_project_kind")]
        constraints = [
            models.CheckConstraint(name="account_kind_valid", condition=Q(kind__in=AccountKind.values)),
            models.CheckConstraint(name="account_currency_valid", condition=Q(currency__in=Currency.values)),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.currency})"


class TransactionKind(models.TextChoices):
    OPENING = "opening", _("Opening balance")
    COMMITMENT = "commitment", _("Grant commitment")
    DISBURSEMENT = "disbursement", _("Disbursement")
    EXPENDITURE = "expenditure", _("Expenditure")
    REFUND = "refund", _("Refund")
    INTEREST = "interest", _("Interest")
    FX_DIFFERENCE = "fx_difference", _("Exchange difference")
    REMITTANCE = "remittance", _("Cross-border remittance")
    REVERSAL = "reversal", _("Reversal")


class LedgerTransaction(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=TransactionKind.choices)
    value_date = models.DateField(_("value date"))
    posted_at = models.DateTimeField(_("posted"), auto_now_add=True)
    # SET_NULL: erasing an account clears who posted (the trigger allows exactly that change); the audit trail
    # keeps the pseudonym.
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  related_name="+", verbose_name=_("posted by"))
    memo = models.CharField(_("description"), max_length=500)
    reference = models.CharField(_("reference"), max_length=120, blank=True,
                                 help_text=_("Voucher number, bank reference or the record it comes from."))
    project = models.ForeignKey("registry.Project", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="ledger_transactions", verbose_name=_("project"))
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="reversed_by", verbose_name=_("reverses"))

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        ordering = ["-id"]
        indexes = [models.Index(fields=["project", "value_date"], name="ledger_tx_project_date")]
        constraints = [
            models.CheckConstraint(name="ledger_tx_kind_valid", condition=Q(kind__in=TransactionKind.values)),
            models.CheckConstraint(name="ledger_tx_reversal_points_back", condition=(
                (Q(kind=TransactionKind.REVERSAL) & Q(reverses__isnull=False))
                | (~Q(kind=TransactionKind.REVERSAL) & Q(reverses__isnull=True)))),
            models.CheckConstraint(name="ledger_tx_has_memo", condition=~Q(memo="")),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.value_date}"


class Entry(models.Model):
    """One leg of a transaction: a signed amount (debit +, credit −) in its account's currency."""

    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount = models.DecimalField(_("amount"), max_digits=20, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    rate = models.ForeignKey(ExchangeRate, on_delete=models.PROTECT, null=True, blank=True, related_name="entries",
                             help_text=_("The rate a converted amount used."))
    memo = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["transaction", "id"]
        indexes = [models.Index(fields=["account", "transaction"], name="entry_account_tx")]
        constraints = [
            models.CheckConstraint(name="entry_not_zero", condition=~Q(amount=0)),
            models.CheckConstraint(name="entry_currency_valid", condition=Q(currency__in=Currency.values)),
        ]
