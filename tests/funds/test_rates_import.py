"""Rates imported from CSV or XLSX: all rows or none, each bad row named."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from hetao.funds.models import ExchangeRate
from hetao.funds.rates_import import rates_import
from tests import factories

pytestmark = pytest.mark.django_db

CSV = b"Date,Base,Quote,Rate\n2024-05-02,HKD,CNY,0.92116\n2024-05-03,HKD,CNY,0.92080\n"


def test_a_csv_file_records_every_rate(finance):
    result = rates_import(actor=finance, data=CSV, filename="cfets.csv", source="central_parity")
    assert result.recorded == 2
    assert ExchangeRate.objects.get(on=datetime.date(2024, 5, 3)).rate == Decimal("0.92080000")


def test_an_xlsx_file_records_every_rate(finance):
    book = Workbook()
    sheet = book.active
    sheet.append(["date", "base", "quote", "rate", "source"])
    sheet.append([datetime.date(2024, 5, 2), "usd", "hkd", 7.8123, "hkma"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert rates_import(actor=finance, data=buffer.getvalue(), filename="hkma.xlsx", source="bank").recorded == 1
    assert ExchangeRate.objects.get().source == "hkma"


@pytest.mark.parametrize("data", [
    b"Date,Base,Quote,Rate\n2024-05-02,HKD,CNY,0.92116\n2024-13-01,HKD,CNY,0.9\n",
    b"Date,Base,Quote,Rate\n2024-05-02,HKD,CNY,0.92116\n2024-05-03,HKD,XYZ,0.9\n",
    b"Date,Base,Quote,Rate\n2024-05-02,HKD,CNY,0.92116\n2024-05-02,HKD,CNY,0.93\n",
    b"Date,Base,Quote,Rate\n2024-05-02,HKD,CNY,-1\n",
    b"Date,Base,Rate\n2024-05-02,HKD,0.9\n",
    b"",
    b"\xff\xfe\x00bad",
])
def test_a_bad_file_records_nothing(finance, data):
    with pytest.raises(ValidationError):
        rates_import(actor=finance, data=data, filename="rates.csv", source="bank")
    assert not ExchangeRate.objects.exists()


def test_a_bad_row_is_named(finance):
    with pytest.raises(ValidationError, match="Row 4"):
        rates_import(actor=finance, data=CSV + b"2024-05-04,HKD,CNY,abc\n", filename="r.csv", source="bank")


def test_a_broken_workbook_is_refused(finance):
    with pytest.raises(ValidationError, match="XLSX"):
        rates_import(actor=finance, data=b"PK\x03\x04 not really", filename="r.xlsx", source="bank")


def test_only_finance_imports():
    with pytest.raises(PermissionDenied):
        rates_import(actor=factories.make_user("someone"), data=CSV, filename="r.csv", source="bank")
    assert not ExchangeRate.objects.exists()
