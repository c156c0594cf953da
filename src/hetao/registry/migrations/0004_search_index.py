"""An index for search (issue 10): a search costs what it finds, not what the table holds.

- PostgreSQL: `registry_search_grams(text)`, every 1- and 2-character substring of each space-separated run,
  and a GIN index over it on each searched table, for words too short for the trigram indexes of 0002 (a
  Chinese surname, a two-character name); the GIN indexes skip their pending list (fastupdate off).
- SQLite: an FTS5 table with the trigram tokenizer per searched table, its fts5vocab table, and the triggers
  that keep it in step with `search_text`, filled from the rows already there.

See hetao/registry/search_index.py and docs/decisions/0007-search-index.md.
"""

from django.db import migrations

from hetao.registry import search_index


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        search_index.install_postgresql(schema_editor)
    elif vendor == "sqlite":
        search_index.install_sqlite(schema_editor.connection, rebuild=True)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        search_index.uninstall_postgresql(schema_editor)
    elif vendor == "sqlite":
        search_index.uninstall_sqlite(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_romanisation_as_written_and_search_forms")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
