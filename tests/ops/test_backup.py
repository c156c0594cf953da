"""Backup and restore: the whole park (database, private files, keys) comes back into an empty database, every
row and every file, checked independently of the manifest; damaged archives and non-empty targets are refused."""

import io
import os
import sqlite3
import tarfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from hetao.accounts import oidc_keys
from hetao.ops.backup import _psycopg_kwargs, sections, table_counts
from hetao.passes import keys

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def park_files(settings, tmp_path):
    """Private files and key directories on disk, as in production (the pass keys sit inside the OIDC keys)."""
    settings.MEDIA_ROOT = tmp_path / "var" / "private"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    settings.HETAO_OIDC_KEY_DIR = tmp_path / "var" / "keys"
    settings.HETAO_PASS_KEY_DIR = tmp_path / "var" / "keys" / "passes"
    stored = default_storage.save("documents/2026/grant letter.pdf", ContentFile(PDF + os.urandom(64)))
    oidc_keys.rotate(settings.HETAO_OIDC_KEY_DIR)
    keys.create(settings.HETAO_PASS_KEY_DIR)
    return stored


def backup(tmp_path) -> Path:
    out = io.StringIO()
    call_command("park_backup", out=tmp_path / "backups", stdout=out)
    archive = Path(out.getvalue().splitlines()[0])
    assert archive.exists() and oct(archive.stat().st_mode & 0o777) == "0o600"
    return archive


def source_files() -> dict[str, bytes]:
    roots = {name: path.resolve() for name, path in sections().items()}
    files = {}
    for name, root in roots.items():
        for path in root.rglob("*"):
            inner = [r for r in roots.values() if r != root and r.is_relative_to(root)]
            if path.is_file() and not any(path.resolve().is_relative_to(r) for r in inner):
                files[f"{name}/{path.relative_to(root).as_posix()}"] = path.read_bytes()
    return files


def restored_files(base: Path) -> dict[str, bytes]:
    return {p.relative_to(base).as_posix(): p.read_bytes() for p in base.rglob("*") if p.is_file()}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump/pg_restore: PostgreSQL only")
def test_postgresql_backup_restores_every_row_and_file_into_an_empty_database(demo_park, park_files, tmp_path):
    import psycopg

    archive = backup(tmp_path)
    source = {**_psycopg_kwargs(connection.settings_dict)}
    target_name = f"hetao_restore_{os.getpid()}"
    with psycopg.connect(**{**source, "dbname": "postgres"}, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{target_name}"')
    try:
        url = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{target_name}"))
        out = io.StringIO()
        call_command("park_restore", str(archive), database_url=url, files_to=tmp_path / "restored", stdout=out)
        assert "every row count and every file hash matches" in out.getvalue()
        # Checked again here, without the manifest: the source database against the restored one.
        with connection.cursor() as cursor:
            expected = table_counts(cursor, "postgresql")
        with psycopg.connect(**{**source, "dbname": target_name}) as conn, conn.cursor() as cursor:
            restored = table_counts(cursor, "postgresql")
        assert restored == expected
        assert expected["registry_organisation"] > 100 and expected["registry_person"] > 100  # the demo park
        assert restored_files(tmp_path / "restored") == source_files()
        assert "private/" + park_files in source_files()
        with pytest.raises(CommandError, match="not empty"):
            call_command("park_restore", str(archive), database_url=url, files_to=tmp_path / "again")
    finally:
        with psycopg.connect(**{**source, "dbname": "postgres"}, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite flavour of the same round trip")
def test_sqlite_backup_restores_every_row_and_file(transactional_db, park_files, tmp_path):
    archive = backup(tmp_path)
    target = tmp_path / "restored.sqlite3"
    call_command("park_restore", str(archive), database_url=f"sqlite:///{target}", files_to=tmp_path / "restored",
                 stdout=io.StringIO())
    with connection.cursor() as cursor:
        expected = table_counts(cursor, "sqlite")
    with sqlite3.connect(target) as conn:
        assert table_counts(conn.cursor(), "sqlite") == expected
    assert restored_files(tmp_path / "restored") == source_files()
    with pytest.raises(CommandError, match="not empty"):
        call_command("park_restore", str(archive), database_url=f"sqlite:///{target}", files_to=tmp_path / "again")


def test_a_damaged_archive_is_refused_before_anything_is_written(transactional_db, park_files, tmp_path):
    archive = backup(tmp_path)
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("files/private/"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            target.addfile(member, io.BytesIO(data))
    target_db = tmp_path / "never.sqlite3"
    with pytest.raises(CommandError, match="damaged"):
        call_command("park_restore", str(damaged), database_url=f"sqlite:///{target_db}",
                     files_to=tmp_path / "restored")
    assert not target_db.exists() and not (tmp_path / "restored").exists()


def test_the_scheduler_backs_up_daily_when_configured_and_keeps_the_newest(transactional_db, park_files, tmp_path,
                                                                          settings):
    from hetao.ops.tasks import backup_if_configured

    settings.HETAO_BACKUP_DIR = ""
    assert backup_if_configured() == "HETAO_BACKUP_DIR is not set"
    settings.HETAO_BACKUP_DIR, settings.HETAO_BACKUP_KEEP = str(tmp_path / "daily"), 2
    (tmp_path / "daily").mkdir()
    for day in ("20200101", "20200102"):
        (tmp_path / "daily" / f"hetao-backup-{day}T030000Z.tar.gz").write_bytes(b"old")
    result = backup_if_configured()
    kept = sorted(p.name for p in (tmp_path / "daily").iterdir())
    assert len(kept) == 2 and kept[0] == "hetao-backup-20200102T030000Z.tar.gz" and kept[1] in result
