"""PostgreSQL-only guards and indexes; a no-op on SQLite (the embedded development database).

- No two leases of one unit overlap: an exclusion constraint over daterange(start, end, '[)'), so the
  database itself decides between two officers leasing the same unit at once.
- Trigram GIN indexes on search_text make the "contains" search of the directory use an index.
"""

from django.db import migrations

TRIGRAM_TABLES = ["registry_organisation", "registry_person", "registry_project"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "ALTER TABLE registry_lease ADD CONSTRAINT lease_no_overlap EXCLUDE USING gist "
        "(unit_id WITH =, daterange(start_date, end_date, '[)') WITH &&)"
    )
    for table in TRIGRAM_TABLES:
        schema_editor.execute(
            f"CREATE INDEX {table}_search_trgm ON {table} USING gin (search_text gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE registry_lease DROP CONSTRAINT IF EXISTS lease_no_overlap")
    for table in TRIGRAM_TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
