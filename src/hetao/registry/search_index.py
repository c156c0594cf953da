"""Index lookups for `search_text`, so that a search costs what it finds, not what the table holds.

A search keeps its meaning (docs/decisions/0003): every word of the normalised query must occur somewhere in
`search_text`. This module only lets the database find the candidate rows through an index; the same
`search_text__contains` test then decides, so the results are exactly those of a scan. The design and its
reasons: docs/decisions/0007-search-index.md.

- PostgreSQL: words of 3 or more characters use the trigram GIN index on `search_text` (migration 0002);
  words of 1 or 2 characters — a Chinese surname, a two-character name, "wu", "ng" — use an expression GIN
  index over `registry_search_grams(search_text)`, every 1- and 2-character substring of each space-separated
  run of the text (migration 0004). A word has no space in it, so it occurs in the text exactly when it is one
  of those grams: the index condition alone is the answer for short words.
- SQLite: an FTS5 table per searched model with the trigram tokenizer (`<table>_fts`, rowid = the row's id),
  kept in step by triggers. Words of 3 or more characters are phrases in one MATCH; a word of 1 or 2
  characters is the prefix of the trigrams that start where it occurs, read from the fts5vocab table
  `<table>_fts_terms` (the indexed text ends with two spaces, so every character starts a trigram).
- On both, a single Latin letter, digit or sign, found in most rows, is left to the substring test.

A Django migration that rebuilds a table on SQLite (`_remake_table`) drops its triggers; `install_sqlite`
runs after every `migrate` (post_migrate, see apps.py) and rebuilds an index whose triggers went missing.
"""

from django.db import connections
from django.db.models import BooleanField, Func, QuerySet
from django.db.models.expressions import RawSQL

from hetao.core.chinese import normalise_for_search

TABLES = ("registry_organisation", "registry_person", "registry_project")
TRIGRAM = 3
# More distinct words than this find nothing: no record's names hold so many (a 10,000-character API query
# would otherwise become thousands of conditions). The search form allows 200 characters.
MAX_WORDS = 32
MIGRATION = "0004_search_index"  # the registry migration that installs the index
PAD = "  "  # appended to the indexed text (SQLite): the last characters start trigrams too


def query_words(q: str) -> list[str] | None:
    """The words every match must contain, or None when nothing can match.

    Normalised as `search_text` is; repeated words, and words inside another word of the query, are dropped
    (they add no condition). A NUL or a lone surrogate cannot be stored in `search_text` (PostgreSQL refuses
    it in any text), so a word holding one matches nothing."""
    words = sorted(dict.fromkeys(normalise_for_search(q).split()), key=len, reverse=True)
    kept: list[str] = []
    for word in words:
        if "\x00" in word or not _encodable(word):
            return None
        if not any(word in longer for longer in kept):
            kept.append(word)
            if len(kept) > MAX_WORDS:
                return None
    return kept


def _encodable(word: str) -> bool:
    try:
        word.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def filter_words(queryset: QuerySet, words: list[str]) -> QuerySet:
    """Rows of `queryset` whose `search_text` contains every one of `words`, found through the index."""
    if not words:
        return queryset
    table = queryset.model._meta.db_table
    vendor = connections[queryset.db].vendor
    if table in TABLES and vendor == "postgresql":
        return _postgresql(queryset, words)
    if table in TABLES and vendor == "sqlite":
        queryset = _sqlite(queryset, table, words)
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    return queryset


# ── PostgreSQL ──────────────────────────────────────────────────────────────────────────────────────


class ContainsGrams(Func):
    """`registry_search_grams(search_text) @> ARRAY[words]`: the expression GIN index of migration 0004."""

    output_field = BooleanField()

    def __init__(self, expression, words: list[str]):
        super().__init__(expression)
        self.words = list(words)

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"registry_search_grams({sql}) @> %s::text[]", (*params, self.words)


def _common(word: str) -> bool:
    """A single Latin letter, digit or sign: in most rows, several times each; reading the table is cheaper than
    reading its entries in an index (measured at scale 10: 1.7 s through SQLite's index, 0.1 s through
    PostgreSQL's, against 0.15 s and 0.07 s for the scan). The substring test alone decides it."""
    return len(word) == 1 and word.isascii()


def _postgresql(queryset: QuerySet, words: list[str]) -> QuerySet:
    short = [w for w in words if len(w) < TRIGRAM and not _common(w)]
    if short:
        queryset = queryset.filter(ContainsGrams("search_text", short))
    for word in words:
        if len(word) >= TRIGRAM or _common(word):
            queryset = queryset.filter(search_text__contains=word)  # LIKE '%word%': the trigram index (3+)
    return queryset


POSTGRESQL_GRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION registry_search_grams(text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(run, i, n)), '{}')
    FROM unnest(string_to_array($1, ' ')) AS run,
         generate_series(1, char_length(run)) AS i,
         generate_series(1, 2) AS n
    WHERE i + n - 1 <= char_length(run)
$$"""


def install_postgresql(schema_editor) -> None:
    """The grams function and its GIN index on each searched table; the GIN indexes skip the pending list
    (fastupdate off), which a search would otherwise read from end to end after each bulk load."""
    schema_editor.execute(POSTGRESQL_GRAMS_FUNCTION)
    for table in TABLES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {table}_search_grams ON {table} "
                              f"USING gin (registry_search_grams(search_text)) WITH (fastupdate = off)")
        schema_editor.execute(f"ALTER INDEX IF EXISTS {table}_search_trgm SET (fastupdate = off)")
        schema_editor.execute(f"SELECT gin_clean_pending_list(to_regclass('{table}_search_trgm'))")


def uninstall_postgresql(schema_editor) -> None:
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_grams")
        schema_editor.execute(f"ALTER INDEX IF EXISTS {table}_search_trgm RESET (fastupdate)")
    schema_editor.execute("DROP FUNCTION IF EXISTS registry_search_grams(text)")


# ── SQLite ──────────────────────────────────────────────────────────────────────────────────────────


def _phrase(word: str) -> str:
    """An FTS5 string: whatever the word holds (quotes, *, NEAR, OR, -, parentheses) is text, not syntax."""
    return '"' + word.replace('"', '""') + '"'


def _after(prefix: str) -> str:
    """The least string greater than every string that starts with `prefix` (code point order, which is
    UTF-8 byte order)."""
    code = ord(prefix[-1]) + 1
    if 0xD800 <= code <= 0xDFFF:
        code = 0xE000
    if code > 0x10FFFF:
        return _after(prefix[:-1]) if len(prefix) > 1 else prefix + "\U0010ffff"
    return prefix[:-1] + chr(code)


def _sqlite(queryset: QuerySet, table: str, words: list[str]) -> QuerySet:
    """Candidates from the FTS5 index: the words of 3+ characters in one MATCH; when every word is shorter,
    the trigrams starting with the longest short words (the `search_text__contains` tests then decide);
    never a single Latin letter, digit or sign (`_common`)."""
    long = [w for w in words if len(w) >= TRIGRAM]
    if long:
        match = " ".join(_phrase(w) for w in long)
        return queryset.filter(pk__in=RawSQL(f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s", [match]))
    drivers = [w for w in words if not _common(w)]
    longest = max((len(w) for w in drivers), default=0)
    for word in drivers:
        if len(word) == longest:
            queryset = queryset.filter(pk__in=RawSQL(
                f"SELECT doc FROM {table}_fts_terms WHERE term >= %s AND term < %s", [word, _after(word)]))
    return queryset


def _sqlite_statements(table: str) -> list[str]:
    fts = f"{table}_fts"
    row = f"(new.id, new.search_text || '{PAD}')"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(body, tokenize = 'trigram case_sensitive 1')",
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts}_terms USING fts5vocab({fts}, 'instance')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, body) VALUES {row}; END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} BEGIN "
        f"DELETE FROM {fts} WHERE rowid = old.id; END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF id, search_text ON {table} "
        f"WHEN old.id IS NOT new.id OR old.search_text IS NOT new.search_text BEGIN "
        f"DELETE FROM {fts} WHERE rowid = old.id; INSERT INTO {fts}(rowid, body) VALUES {row}; END",
    ]


def _sqlite_objects(table: str) -> set[str]:
    fts = f"{table}_fts"
    return {fts, f"{fts}_terms", f"{fts}_insert", f"{fts}_delete", f"{fts}_update"}


def install_sqlite(connection, *, rebuild: bool = False) -> list[str]:
    """Create what is missing of each table's FTS5 index and refill an index that was created or had lost a
    trigger (or every index with `rebuild`). Returns the tables whose index was refilled."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        existing = {name for (name,) in cursor.fetchall()}
        refilled = []
        for table in TABLES:
            if table not in existing:
                continue
            if rebuild or not _sqlite_objects(table) <= existing:
                for statement in _sqlite_statements(table):
                    cursor.execute(statement)
                cursor.execute(f"DELETE FROM {table}_fts")
                cursor.execute(f"INSERT INTO {table}_fts(rowid, body) SELECT id, search_text || '{PAD}' FROM {table}")
                refilled.append(table)
    return refilled


def uninstall_sqlite(connection) -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            fts = f"{table}_fts"
            for trigger in ("insert", "delete", "update"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {fts}_{trigger}")
            cursor.execute(f"DROP TABLE IF EXISTS {fts}_terms")
            cursor.execute(f"DROP TABLE IF EXISTS {fts}")


def rebuild(using: str = "default") -> list[str]:
    """Refill the search index from `search_text` (SQLite), or refresh the statistics the planner reads to
    choose it (PostgreSQL, whose indexes are never out of step). Returns the tables refilled or analysed."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        return install_sqlite(connection, rebuild=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"ANALYZE {table}")
        return list(TABLES)
    return []


def after_migrate(sender, using: str = "default", **kwargs) -> None:
    """post_migrate: on SQLite, put back triggers a table rebuild dropped (only once migration 0004 is in)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    from django.db.migrations.recorder import MigrationRecorder

    if MigrationRecorder(connection).migration_qs.filter(app="registry", name=MIGRATION).exists():
        install_sqlite(connection)
