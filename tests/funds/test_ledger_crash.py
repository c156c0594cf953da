"""A crash in the middle of posting (kill -9 of the process holding the transaction) leaves the ledger whole:
the transaction is all there or not at all, and balances still equal the sum of the entries (PostgreSQL)."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from hetao.funds.models import Account, Entry, LedgerTransaction

from .conftest import account, pay

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif("connection.vendor != 'postgresql'", reason="kills a PostgreSQL client mid-posting")]


def test_a_killed_posting_leaves_nothing_half_written(finance):
    bank, spend = account(finance, "bank"), account(finance, "spend", kind="expense")
    pay(finance, spend, bank, "100.00")
    settings = connection.settings_dict
    dsn = f"dbname={settings['NAME']} host={settings['HOST'] or '127.0.0.1'} port={settings['PORT'] or 5432} " \
          f"user={settings['USER']}"
    # A posting that writes its transaction and the first entry, then hangs before the second: killed there.
    script = textwrap.dedent(f"""
        import sys, time, psycopg
        with psycopg.connect({dsn!r}) as conn:
            with conn.cursor() as cur:
                cur.execute("INSERT INTO funds_ledgertransaction (kind, value_date, posted_at, memo, reference) "
                            "VALUES ('expenditure', '2024-05-02', now(), 'crash', '') RETURNING id")
                tx = cur.fetchone()[0]
                cur.execute("INSERT INTO funds_entry (transaction_id, account_id, amount, currency, memo) "
                            "VALUES (%s, %s, 50.00, 'CNY', '')", (tx, {spend.pk}))
                print("half-written", flush=True)
                time.sleep(60)
    """)
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "half-written"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    time.sleep(0.5)  # the server notices the closed connection and rolls the transaction back
    assert not LedgerTransaction.objects.filter(memo="crash").exists()
    for item in Account.objects.all():
        assert item.balance == (Entry.objects.filter(account=item).aggregate(s=Sum("amount"))["s"] or 0)
    spend.refresh_from_db()
    assert spend.balance == Decimal("100.00") and spend.entry_count == 1
