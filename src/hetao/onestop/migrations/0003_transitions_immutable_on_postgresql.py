"""The history of an application (onestop_transition) is immutable in the database too (PostgreSQL; a no-op on
SQLite, where Transition.save() refuses to change a saved row and no code deletes one).

A BEFORE UPDATE OR DELETE trigger raises for every row, whatever the client, except what the platform legitimately
does to an existing line of history:
- deleting an account (hetao.accounts.privacy.deletion_carry_out, or any deletion of a user) clears the foreign
  keys to it, `actor_id` and `first_signoff_by_id` (on_delete=SET_NULL, an UPDATE Django sends). Erasure never
  rewrites comments (officers write them; the applicant's personal answers are erased on the application).
  So an UPDATE passes only when every other column is unchanged (compared as JSON, so a column added later is
  immutable too) and those two are each either unchanged or cleared to NULL.
- deleting an application together with its history, only where a transaction says so explicitly with
  `SELECT set_config('hetao.onestop_history_delete', 'on', true)` (onestop.demo.clear_demo_applications, for
  `load_demo_park --reset`; an account's drafts, deleted at erasure, have no history).
TRUNCATE is not a row operation and stays possible for the table's owner (test databases are emptied that way).
The error is SQLSTATE 23000 (integrity_constraint_violation): Django raises IntegrityError.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION onestop_transition_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('hetao.onestop_history_delete', true) = 'on' THEN
            RETURN OLD;  -- an application deleted with its history, said explicitly by the transaction
        END IF;
        RAISE EXCEPTION 'the history of an application is immutable: DELETE of onestop_transition % refused', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF to_jsonb(NEW) - 'actor_id' - 'first_signoff_by_id' = to_jsonb(OLD) - 'actor_id' - 'first_signoff_by_id'
       AND (NEW.actor_id IS NULL OR NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id)
       AND (NEW.first_signoff_by_id IS NULL OR NEW.first_signoff_by_id IS NOT DISTINCT FROM OLD.first_signoff_by_id)
    THEN
        RETURN NEW;  -- a deleted account: who acted is forgotten, nothing else changed
    END IF;
    RAISE EXCEPTION 'the history of an application is immutable: UPDATE of onestop_transition % refused', OLD.id
        USING DETAIL = 'Only the actor and the first sign-off officer may be cleared (a deleted account).',
              ERRCODE = 'integrity_constraint_violation';
END
$$;
"""

TRIGGER = """
CREATE TRIGGER onestop_transition_immutable BEFORE UPDATE OR DELETE ON onestop_transition
FOR EACH ROW EXECUTE FUNCTION onestop_transition_immutable();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, None)  # None: no parameters, so the % of RAISE is not a placeholder
    schema_editor.execute(TRIGGER, None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS onestop_transition_immutable ON onestop_transition")
    schema_editor.execute("DROP FUNCTION IF EXISTS onestop_transition_immutable()")


class Migration(migrations.Migration):
    dependencies = [("onestop", "0002_application_invariants_and_second_signoff")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
