"""Import exchange rates from a CSV or XLSX file that finance officers download from the publisher.

Columns (a header row, any order, case-insensitive): `date` (YYYY-MM-DD), `base`, `quote`, `rate`, and optionally
`source` (default: the source chosen for the whole file) and `note`. Everything or nothing: one bad row and the
file is refused with every bad row named (row number and reason), nothing recorded.
"""

import csv
import datetime
import io
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hetao.accounts.models import User
from hetao.core.permissions import require

from . import services
from .models import ExchangeRate

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
REQUIRED = ("date", "base", "quote", "rate")

__all__ = ["ImportResult", "rates_import"]


@dataclass(frozen=True)
class ImportResult:
    recorded: int
    rates: list[ExchangeRate]


def _rows_of(data: bytes, filename: str) -> list[dict[str, Any]]:
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception:  # openpyxl raises many kinds for a file that is not a workbook
            raise ValidationError(_("This is not a readable XLSX workbook."), code="unreadable") from None
        if sheet is None:
            raise ValidationError(_("The workbook has no sheet."), code="unreadable")
        table = [list(row) for row in sheet.iter_rows(values_only=True)]
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("Save the CSV file as UTF-8."), code="encoding") from None
        table = [list(row) for row in csv.reader(io.StringIO(text))]
    table = [row for row in table if any(cell not in (None, "") for cell in row)]
    if not table:
        raise ValidationError(_("The file is empty."), code="empty")
    header = [str(cell or "").strip().lower() for cell in table[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ValidationError(_("Columns missing: %(columns)s.") % {"columns": ", ".join(missing)}, code="columns")
    if len(table) - 1 > MAX_ROWS:
        raise ValidationError(_("At most %(count)s rates per file.") % {"count": MAX_ROWS}, code="too_many")
    return [dict(zip(header, row, strict=False)) for row in table[1:]]


def _date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value).strip())


@transaction.atomic
def rates_import(*, actor: User, data: bytes, filename: str, source: str) -> ImportResult:
    """Record every rate of the file, or none (the errors of all rows in one ValidationError)."""
    require(actor, "funds.rates")
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 2 MB."), code="too_large")
    rows = _rows_of(data, filename)
    errors: list[str] = []
    made: list[ExchangeRate] = []
    for number, row in enumerate(rows, start=2):
        try:
            on = _date(row.get("date"))
        except (TypeError, ValueError):
            errors.append(_("Row %(row)s: the date must be written YYYY-MM-DD.") % {"row": number})
            continue
        try:
            with transaction.atomic():
                made.append(services.rate_record(
                    actor=actor, on=on, base=str(row.get("base") or "").strip().upper(),
                    quote=str(row.get("quote") or "").strip().upper(), rate=str(row.get("rate") or "").strip(),
                    source=str(row.get("source") or source).strip(), note=str(row.get("note") or "")[:255]))
        except ValidationError as error:
            errors.append(_("Row %(row)s: %(reason)s") % {"row": number, "reason": " ".join(error.messages)})
    if errors:
        transaction.set_rollback(True)
        raise ValidationError(errors, code="rows")
    return ImportResult(recorded=len(made), rates=made)
