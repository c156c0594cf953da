"""Audit events are append-only in the database too (PostgreSQL; a no-op on SQLite, where the model and its
queryset refuse the same writes).

A BEFORE UPDATE OR DELETE trigger on audit_auditevent raises for every row, whatever the client, except the one
change the platform legitimately makes to an existing row: erasure of personal data when an account is deleted
(hetao.accounts.privacy.deletion_carry_out). There
- `_forget_addresses` sets `ip_address` to NULL on the rows by or about the account, and
- deleting the user sets `actor_id` to NULL (the foreign key's on_delete=SET_NULL, an UPDATE Django sends).
So an UPDATE passes only when every other column is unchanged and `actor_id` and `ip_address` are each either
unchanged or cleared to NULL: no one can rewrite who did what, when, to what, nor put an address back.

No DELETE passes: nothing deletes audit events (there is no retention job; one would add a narrow, explicit path
here, e.g. a DELETE allowed only while a session setting such as `hetao.audit_retention` is on). TRUNCATE is not
a row operation and stays possible for the table's owner (test databases are emptied that way).
Backups are unaffected: pg_restore (hetao.ops.backup.restore) inserts the rows before it creates the trigger.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit events are append-only: DELETE of audit_auditevent % refused', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (NEW.id, NEW.at, NEW.actor_label, NEW.action, NEW.target_type, NEW.target_id, NEW.target_label, NEW.changes)
           IS NOT DISTINCT FROM
       (OLD.id, OLD.at, OLD.actor_label, OLD.action, OLD.target_type, OLD.target_id, OLD.target_label, OLD.changes)
       AND (NEW.actor_id IS NULL OR NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id)
       AND (NEW.ip_address IS NULL OR NEW.ip_address IS NOT DISTINCT FROM OLD.ip_address) THEN
        RETURN NEW;  -- erasure: the actor and the IP address cleared, nothing else changed
    END IF;
    RAISE EXCEPTION 'audit events are append-only: UPDATE of audit_auditevent % refused', OLD.id
        USING DETAIL = 'Only the actor and the IP address may be cleared (erasure of a deleted account).',
              ERRCODE = 'integrity_constraint_violation';
END
$$;
"""

TRIGGER = """
CREATE TRIGGER audit_auditevent_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, None)  # None: no parameters, so the % of RAISE is not a placeholder
    schema_editor.execute(TRIGGER, None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent")
    schema_editor.execute("DROP FUNCTION IF EXISTS audit_auditevent_append_only()")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
