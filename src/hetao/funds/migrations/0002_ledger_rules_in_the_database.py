"""The ledger's rules, held by the database itself (see hetao.funds.models).

PostgreSQL:
- `funds_transaction_append_only` / `funds_entry_append_only`: BEFORE UPDATE OR DELETE on transactions and entries raises. The one UPDATE that
  passes on a transaction clears `posted_by_id` to NULL and changes nothing else (erasure of a deleted account,
  the foreign key's SET_NULL). Entries have no exception.
- `funds_entry_posted`: AFTER INSERT on entries checks the entry's currency is its account's and adds the amount
  to the account's balance and entry count (one row read for a balance, whatever the ledger's size).
- `funds_account_balance_guard`: BEFORE UPDATE on accounts refuses a change of balance or entry count except from
  the trigger above (pg_trigger_depth() > 1), so `UPDATE funds_account SET balance = …` fails.
- `funds_entries_balance` / `funds_transaction_has_entries`: constraint triggers, DEFERRABLE INITIALLY DEFERRED,
  check at commit that every transaction has at least two entries and that its entries sum to zero per currency.
- `funds_rate_in_use`: a rate some entry used cannot be changed or deleted.
TRUNCATE (how test databases are emptied) is not a row operation: the table's owner can still empty the tables.
pg_restore inserts rows before it creates triggers, so a restore rebuilds balances from the dump as they were.

SQLite (the embedded default for `make run`): the insert trigger keeping balances, and entries refusing UPDATE.
DELETE stays possible there because Django's test flush deletes rows; the services never delete.
"""

from django.db import migrations

POSTGRESQL = [
    """
CREATE OR REPLACE FUNCTION funds_transaction_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.posted_by_id IS NULL
           AND (NEW.id, NEW.kind, NEW.value_date, NEW.posted_at, NEW.memo, NEW.reference, NEW.project_id,
                NEW.reverses_id)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.kind, OLD.value_date, OLD.posted_at, OLD.memo, OLD.reference, OLD.project_id,
                OLD.reverses_id) THEN
            RETURN NEW;  -- erasure: who posted is cleared, nothing else changes
        END IF;
    END IF;
    RAISE EXCEPTION 'the ledger is append-only: % of ledger transaction % refused (post a reversal instead)',
        TG_OP, OLD.id USING ERRCODE = 'integrity_constraint_violation';
END
$$;
""",
    """
CREATE OR REPLACE FUNCTION funds_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % of ledger entry % refused (post a reversal instead)',
        TG_OP, OLD.id USING ERRCODE = 'integrity_constraint_violation';
END
$$;
""",
    """
CREATE TRIGGER funds_transaction_append_only BEFORE UPDATE OR DELETE ON funds_ledgertransaction
FOR EACH ROW EXECUTE FUNCTION funds_transaction_append_only();
""",
    """
CREATE TRIGGER funds_entry_append_only BEFORE UPDATE OR DELETE ON funds_entry
FOR EACH ROW EXECUTE FUNCTION funds_entry_append_only();
""",
    """
CREATE OR REPLACE FUNCTION funds_entry_posted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    account_currency varchar(3);
BEGIN
    UPDATE funds_account SET balance = balance + NEW.amount, entry_count = entry_count + 1
        WHERE id = NEW.account_id RETURNING currency INTO account_currency;
    IF account_currency IS DISTINCT FROM NEW.currency THEN
        RAISE EXCEPTION 'ledger entry in % refused: account % is in %', NEW.currency, NEW.account_id,
            account_currency USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$;
""",
    """
CREATE TRIGGER funds_entry_posted AFTER INSERT ON funds_entry
FOR EACH ROW EXECUTE FUNCTION funds_entry_posted();
""",
    """
CREATE OR REPLACE FUNCTION funds_account_balance_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.balance IS DISTINCT FROM OLD.balance OR NEW.entry_count IS DISTINCT FROM OLD.entry_count)
       AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'an account balance is the sum of its entries: direct change of account % refused', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$;
""",
    """
CREATE TRIGGER funds_account_balance_guard BEFORE UPDATE ON funds_account
FOR EACH ROW EXECUTE FUNCTION funds_account_balance_guard();
""",
    """
CREATE OR REPLACE FUNCTION funds_transaction_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tx bigint;
    unbalanced varchar(3);
    legs integer;
BEGIN
    IF TG_TABLE_NAME = 'funds_entry' THEN
        tx := NEW.transaction_id;
    ELSE
        tx := NEW.id;
    END IF;
    SELECT count(*) INTO legs FROM funds_entry WHERE transaction_id = tx;
    IF legs < 2 THEN
        RAISE EXCEPTION 'ledger transaction % refused: it has % entries, a transaction needs at least two', tx, legs
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT currency INTO unbalanced FROM funds_entry WHERE transaction_id = tx
        GROUP BY currency HAVING sum(amount) <> 0 LIMIT 1;
    IF unbalanced IS NOT NULL THEN
        RAISE EXCEPTION 'ledger transaction % refused: its % entries do not balance', tx, unbalanced
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$;
""",
    """
CREATE CONSTRAINT TRIGGER funds_entries_balance AFTER INSERT ON funds_entry
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION funds_transaction_balanced();
""",
    """
CREATE CONSTRAINT TRIGGER funds_transaction_has_entries AFTER INSERT ON funds_ledgertransaction
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION funds_transaction_balanced();
""",
    """
CREATE OR REPLACE FUNCTION funds_rate_in_use() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.entered_by_id IS NULL
       AND (NEW.id, NEW.on, NEW.base, NEW.quote, NEW.rate, NEW.source, NEW.note, NEW.created_at)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.on, OLD.base, OLD.quote, OLD.rate, OLD.source, OLD.note, OLD.created_at) THEN
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM funds_entry WHERE rate_id = OLD.id) THEN
        RAISE EXCEPTION 'exchange rate % is used by the ledger: % refused', OLD.id, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
""",
    """
CREATE TRIGGER funds_rate_in_use BEFORE UPDATE OR DELETE ON funds_exchangerate
FOR EACH ROW EXECUTE FUNCTION funds_rate_in_use();
""",
]

POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS funds_rate_in_use ON funds_exchangerate",
    "DROP TRIGGER IF EXISTS funds_transaction_has_entries ON funds_ledgertransaction",
    "DROP TRIGGER IF EXISTS funds_entries_balance ON funds_entry",
    "DROP TRIGGER IF EXISTS funds_account_balance_guard ON funds_account",
    "DROP TRIGGER IF EXISTS funds_entry_posted ON funds_entry",
    "DROP TRIGGER IF EXISTS funds_entry_append_only ON funds_entry",
    "DROP TRIGGER IF EXISTS funds_transaction_append_only ON funds_ledgertransaction",
    "DROP FUNCTION IF EXISTS funds_rate_in_use()",
    "DROP FUNCTION IF EXISTS funds_transaction_balanced()",
    "DROP FUNCTION IF EXISTS funds_account_balance_guard()",
    "DROP FUNCTION IF EXISTS funds_entry_posted()",
    "DROP FUNCTION IF EXISTS funds_entry_append_only()",
    "DROP FUNCTION IF EXISTS funds_transaction_append_only()",
]

SQLITE = [
    """
CREATE TRIGGER funds_entry_posted AFTER INSERT ON funds_entry
BEGIN
    SELECT RAISE(ABORT, 'ledger entry refused: its currency is not its account''s')
        WHERE NEW.currency <> (SELECT currency FROM funds_account WHERE id = NEW.account_id);
    -- SQLite has no decimal type: the sum is rounded back to cents at each step, so no float error builds up.
    UPDATE funds_account SET balance = ROUND(balance + NEW.amount, 2), entry_count = entry_count + 1
        WHERE id = NEW.account_id;
END
""",
    """
CREATE TRIGGER funds_entry_append_only BEFORE UPDATE ON funds_entry
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only: UPDATE of funds_entry refused');
END
""",
]

SQLITE_DROP = ["DROP TRIGGER IF EXISTS funds_entry_append_only", "DROP TRIGGER IF EXISTS funds_entry_posted"]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(vendor, []):
        schema_editor.execute(statement, None)  # None: no parameters, so RAISE's % is not a placeholder


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}.get(vendor, []):
        schema_editor.execute(statement, None)


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_ledger")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
