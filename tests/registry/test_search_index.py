"""Search through an index, not a scan (issue 10): the same results as a scan, the index in step with the rows,
the index chosen by the database, and no query — however hostile — that fails."""

import importlib
import random
from contextlib import nullcontext
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models.functions import Length
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hetao.core.chinese import normalise_for_search
from hetao.registry import search_index, selectors
from hetao.registry.models import Organisation, Person, Project

pytestmark = pytest.mark.django_db

SEARCHED = (Organisation, Person, Project)


def scanned(model, q: str) -> set[int]:
    """What search found before the index: every word a substring of `search_text`, row by row."""
    qs = model.objects.all()
    for word in dict.fromkeys(normalise_for_search(q).split()):  # (repeated, a scan fails: SQLite's depth limit)
        qs = qs.filter(search_text__contains=word)
    return set(qs.values_list("pk", flat=True))


def indexed(model, q: str) -> set[int]:
    return set(selectors.search_filter(model.objects.all(), q).values_list("pk", flat=True))


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return "\n".join(row[-1] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = off")  # the test park is small: ask whether an index serves
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


# ── The same results as a scan ──────────────────────────────────────────────────────────────────────

KNOWN = ["港科大", "港科", "港", "chan", "陈", "陳", "wu", "ng", "li", "zw", "香港科技大学", "hkust", "91440300",
         "chan tai", "陈 大", "z", "9", "|", "| ", "-", "x y z", "ab" * 40, "陈 a", "wu z", "a 港科大", "é", "ü"]


@pytest.mark.parametrize("q", KNOWN)
def test_known_queries_find_what_a_scan_finds(q):
    for model in SEARCHED:
        assert indexed(model, q) == scanned(model, q), (model.__name__, q)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32), words=st.integers(min_value=1, max_value=3),
       model_index=st.integers(min_value=0, max_value=2))
def test_pieces_of_real_search_texts_find_what_a_scan_finds(seed, words, model_index):
    """Substrings of 1 to 5 characters of the park's own search texts, alone and together (short words use the
    gram index, longer ones the trigrams), and the same across records."""
    rng = random.Random(seed)
    model = SEARCHED[model_index]
    rows = model.objects.order_by("pk")
    count = rows.count()
    pieces = []
    for _ in range(words):
        text = rows.values_list("search_text", flat=True)[rng.randrange(count)]
        start = rng.randrange(len(text))
        piece = text[start:start + rng.randint(1, 5)].replace("|", " ").split()
        if piece:
            pieces.append(piece[0])
    q = " ".join(pieces) or "x"
    assert indexed(model, q) == scanned(model, q), q


@pytest.mark.parametrize("q", ["港科大", "chan", "陈", "wu", "hkust", "91440300"])
def test_ranking_is_unchanged(q):
    """Whole-name matches first, then shorter names, as before the index."""
    for model, name in ((Organisation, "name_en"), (Person, "name_en"), (Project, "title_en")):
        before = (model.objects.filter(pk__in=scanned(model, q)).annotate(exact=selectors.exact_match(q))
                  .order_by("-exact", Length(name), name, "pk"))
        after = selectors.ranked_search(model.objects.all(), q, name)
        assert list(after.values_list("pk", flat=True)) == list(before.values_list("pk", flat=True)), q


def test_query_words():
    assert search_index.query_words("Chan chan CHAN") == ["chan"]
    assert search_index.query_words("chan cha an tai") == ["chan", "tai"]  # inside "chan": no more condition
    assert search_index.query_words("港科大 港科") == ["港科大"]
    assert search_index.query_words("") == []
    assert search_index.query_words("chan\x00") is None
    many = [f"w{i:03d}" for i in range(search_index.MAX_WORDS + 1)]
    assert len(search_index.query_words(" ".join(many[:-1]))) == search_index.MAX_WORDS
    assert search_index.query_words(" ".join(many)) is None


# ── Hostile input never fails ───────────────────────────────────────────────────────────────────────

HOSTILE = ['"', '""', '"chan', 'chan"', 'ch"an', "*", "chan*", "*chan", '"chan"*', "NEAR", "NEAR(chan wu)",
           "chan NEAR wu", "NEAR/2", "-", "-chan", "chan - wu", "OR", "chan OR wu", "AND", "NOT", "chan NOT wu",
           "(", ")", "(chan", "chan)", "((((", "))", "body:chan", "{body}: chan", "^chan", "+", "chan + wu",
           "\x00", "chan\x00", "\x00\x00\x00", "%", "_", "%%", "%_%", "\\", "\\%", "'", "';--", "' OR '1'='1",
           "a" * 10_000, "港" * 10_000, "ab " * 3_400, " ".join(f"w{i}" for i in range(2_000)), "\u200b",
           "😀", "e\u0301", "\ufeff", "\t\n", "|", "| chan |", "$1", "{}", "[]", "\\x00", "\x1f", "\x7f"]
PAGES = ["/en/search/", "/en/people/", "/en/organisations/", "/en/projects/", "/api/v1/people",
         "/api/v1/organisations", "/api/v1/projects"]


@pytest.mark.parametrize("q", HOSTILE, ids=lambda q: repr(q[:20]) + (f"…{len(q)}" if len(q) > 20 else ""))
def test_hostile_queries_never_fail(client, member_user, q):
    ok = {200, 400} if "\x00" in q else {200}  # a NUL byte in a query string may be refused as a bad request
    for path in PAGES:
        response = client.get(path, {"q": q})
        assert response.status_code in ok, (path, q[:40], response.status_code)
    client.force_login(member_user)
    assert client.get("/en/account/person/search/", {"q": q}).status_code in ok
    for model in SEARCHED:
        expected = set() if search_index.query_words(q) is None else scanned(model, q)
        assert indexed(model, q) == expected, q[:40]


def test_fts_syntax_is_text(client):
    chan = Person(name_en='Chan "NEAR" OR-Wu (Test)', region="hong_kong")
    chan.full_clean()
    chan.save()
    for q in ['"near"', "or-wu", "(test)", 'chan "near" or-wu (test)', "near", "or"]:
        assert chan.pk in indexed(Person, q), q
        assert chan.pk in scanned(Person, q), q


# ── The index follows the rows ──────────────────────────────────────────────────────────────────────


def test_the_index_follows_inserts_updates_and_deletes():
    person = Person(name_en="Qiu Xiaoyun Indexed", name_zh_hans="邱晓云", region="mainland")
    person.full_clean()
    person.save()
    for q in ("邱晓云", "邱晓", "晓", "qiuxiaoyun", "qxy", "indexed"):
        assert person.pk in indexed(Person, q), q
    person.name_en, person.name_zh_hans, person.name_zh_hant = "Renamed Someone", "", ""
    person.full_clean()
    person.save()
    assert person.pk not in indexed(Person, "邱晓云") and person.pk in indexed(Person, "renamed")
    Person.objects.filter(pk=person.pk).update(search_text="zzq | 奀")  # an update around save()
    assert person.pk in indexed(Person, "zzq") and person.pk in indexed(Person, "奀")
    assert person.pk not in indexed(Person, "renamed")
    created = Person.objects.bulk_create([Person(name_en="Bulk Made", region="abroad", search_text="bulk made | 叒")])
    assert created[0].pk in indexed(Person, "叒")
    pk = person.pk
    person.delete()
    assert pk not in indexed(Person, "zzq") and pk not in scanned(Person, "zzq")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index")
def test_sqlite_index_holds_one_row_per_record():
    with connection.cursor() as cursor:
        for model in SEARCHED:
            table = model._meta.db_table
            cursor.execute(f"SELECT count(*) FROM {table}_fts")
            assert cursor.fetchone()[0] == model.objects.count()
            cursor.execute(f"SELECT count(*) FROM {table} t JOIN {table}_fts f ON f.rowid = t.id "
                           f"WHERE f.body != t.search_text || '  '")
            assert cursor.fetchone()[0] == 0


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers")
def test_after_a_table_rebuild_migrate_puts_the_triggers_back():
    """Django rebuilds a SQLite table to alter it, and its triggers go with the old table."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER registry_person_fts_insert")
    person = Person(name_en="Made Without Trigger", region="abroad")
    person.full_clean()
    person.save()
    assert person.pk not in indexed(Person, "without trigger")
    search_index.after_migrate(sender=apps.get_app_config("registry"), using="default")
    assert person.pk in indexed(Person, "without trigger")
    other = Person(name_en="Made With Trigger", region="abroad")
    other.full_clean()
    other.save()
    assert other.pk in indexed(Person, "with trigger")


def test_refresh_search_text_refills_the_index(capsys):
    person = Person.objects.order_by("pk").first()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM registry_person_fts WHERE rowid = %s", [person.pk])
        assert person.pk not in indexed(Person, person.search_text.split(" | ")[0])
    call_command("refresh_search_text")
    assert person.pk in indexed(Person, person.search_text.split(" | ")[0])
    assert "search index refreshed: registry_organisation, registry_person, registry_project" in capsys.readouterr().out


def schema_editor():
    """SQLite's schema editor refuses to open inside the test's transaction; the SQLite steps only need the
    connection."""
    if connection.vendor == "sqlite":
        return nullcontext(SimpleNamespace(connection=connection))
    return connection.schema_editor()


def test_the_index_can_be_removed_and_put_back():
    migration = importlib.import_module("hetao.registry.migrations.0004_search_index")
    with schema_editor() as editor:
        migration.backwards(apps, editor)
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor) if connection.vendor == "sqlite" else []
    assert "registry_person_fts" not in names
    with schema_editor() as editor:
        migration.forwards(apps, editor)
    for q in ("chan", "陈", "港科大"):
        assert indexed(Person, q) == scanned(Person, q)


# ── The database reads the index ────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("q", "long"), [("港科大", True), ("chan", True), ("陈", False), ("wu", False),
                                         ("港科", False), ("chan tai", True)])
def test_search_reads_the_index(q, long):
    text = plan(selectors.person_list(q=q))
    if connection.vendor == "sqlite":
        assert ("registry_person_fts VIRTUAL TABLE" if long else "registry_person_fts_terms VIRTUAL TABLE") in text
        assert "SEARCH registry_person USING INTEGER PRIMARY KEY" in text
        assert "SCAN registry_person\n" not in text + "\n"
    else:
        assert ("registry_person_search_trgm" if long else "registry_person_search_grams") in text
        assert "Seq Scan on registry_person" not in text
    for model in (Organisation, Project):
        text = plan(selectors.search_filter(model.objects.all(), q))
        table = model._meta.db_table
        assert f"{table}_fts" in text if connection.vendor == "sqlite" else f"{table}_search_" in text


def test_a_single_latin_letter_is_left_to_the_scan():
    """In most rows, several times each: the index would cost more than the table (see search_index._common)."""
    sql = str(selectors.person_list(q="a").query)
    assert "_fts" not in sql and "registry_search_grams" not in sql
    sql = str(selectors.person_list(q="陈 a").query)
    assert ("registry_person_fts_terms" if connection.vendor == "sqlite" else "registry_search_grams") in sql
