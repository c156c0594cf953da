"""Money: an amount with a currency, Decimal only, rounded to the currency's minor units (never float)."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Currency(models.TextChoices):
    CNY = "CNY", gettext_lazy("Renminbi (CNY)")
    HKD = "HKD", gettext_lazy("Hong Kong dollars (HKD)")
    USD = "USD", gettext_lazy("US dollars (USD)")


# Decimal places of each currency (ISO 4217 minor units).
MINOR_UNITS = {Currency.CNY: 2, Currency.HKD: 2, Currency.USD: 2}


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-MINOR_UNITS[Currency(currency)])


def check_amount(
    amount: object, currency: str, *, field: str = "amount", allow_zero: bool = False, allow_negative: bool = False
) -> Decimal:
    """The amount as a Decimal in `currency`, or a ValidationError saying what is wrong with it."""
    if currency not in Currency.values:
        raise ValidationError(
            {
                "currency": ValidationError(
                    _("Unknown currency: %(currency)s.") % {"currency": currency}, code="currency"
                )
            }
        )
    if isinstance(amount, float):
        raise ValidationError(
            {field: ValidationError(_("Give the amount as a decimal number, not a floating-point one."), code="float")}
        )
    try:
        value = Decimal(str(amount).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {field: ValidationError(_("Not an amount: %(value)s.") % {"value": amount}, code="invalid")}
        ) from None
    if not value.is_finite():
        raise ValidationError(
            {field: ValidationError(_("Not an amount: %(value)s.") % {"value": amount}, code="invalid")}
        )
    places = MINOR_UNITS[Currency(currency)]
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ValidationError(
            {
                field: ValidationError(
                    _("%(currency)s has %(places)s decimal places; %(value)s has more.")
                    % {"currency": currency, "places": places, "value": value},
                    code="decimals",
                )
            }
        )
    if value == 0 and not allow_zero:
        raise ValidationError({field: ValidationError(_("The amount cannot be zero."), code="zero")})
    if value < 0 and not allow_negative:
        raise ValidationError({field: ValidationError(_("The amount cannot be negative."), code="negative")})
    if abs(value) >= Decimal("1e16"):
        raise ValidationError({field: ValidationError(_("The amount is too large."), code="too_large")})
    return value.quantize(quantum(currency))


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError("Money needs a Decimal amount")
        if self.currency not in Currency.values:
            raise ValueError(f"unknown currency {self.currency!r}")

    def __str__(self) -> str:
        return f"{self.amount:,.{MINOR_UNITS[Currency(self.currency)]}f} {self.currency}"

    def rounded(self) -> "Money":
        return Money(self.amount.quantize(quantum(self.currency), rounding=ROUND_HALF_UP), self.currency)
