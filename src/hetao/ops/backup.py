"""Back up and restore the whole park in one tar.gz: the database, the private files and the key directories.

The archive holds `manifest.json` (row count of every table, SHA-256 and size of every file), `database.dump`
(pg_dump custom format) or `database.sqlite3` (SQLite's online backup), and `files/<section>/…`. On PostgreSQL
the row counts and the dump read the same snapshot (`pg_export_snapshot`), so a restore must find exactly them.
A restore goes only into an empty database, and checks every count and every hash before it reports success.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import environ
from django.conf import settings
from django.db import connection, transaction

FORMAT = 1


class BackupError(Exception):
    pass


def sections() -> dict[str, Path]:
    """Directories of files that live outside the database, by the name they have inside the archive."""
    return {"private": Path(settings.MEDIA_ROOT), "oidc-keys": Path(settings.HETAO_OIDC_KEY_DIR),
            "pass-keys": Path(settings.HETAO_PASS_KEY_DIR)}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Cursor(Protocol):
    """What table_counts needs of a DB-API cursor (Django's, psycopg's or sqlite3's)."""

    def execute(self, sql: str, /) -> object: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> Iterable[Any]: ...


def table_counts(cursor: Cursor, vendor: str) -> dict[str, int]:
    """Rows in every table of the database (PostgreSQL: of the current schema), by a DB-API cursor."""
    if vendor == "postgresql":
        cursor.execute("SELECT table_name FROM information_schema.tables "
                       "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1")
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1")
    counts = {}
    for (name,) in cursor.fetchall():
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(name)}")  # noqa: S608 (names come from the catalogue)
        counts[name] = cursor.fetchone()[0]
    return counts


def libpq_env(db: dict) -> dict[str, str]:
    """Environment for pg_dump/pg_restore/psycopg from a Django DATABASES entry (no password on a command line)."""
    pairs = {"PGDATABASE": db.get("NAME"), "PGHOST": db.get("HOST"), "PGPORT": db.get("PORT"),
             "PGUSER": db.get("USER"), "PGPASSWORD": db.get("PASSWORD"),
             "PGSSLMODE": (db.get("OPTIONS") or {}).get("sslmode")}
    return {**os.environ, **{k: str(v) for k, v in pairs.items() if v}}


def _pg(tool: str, *args: str, db: dict) -> None:
    if not shutil.which(tool):
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client, the server's version).")
    result = subprocess.run([tool, *args], env=libpq_env(db), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip()}")


def _dump_database(directory: Path) -> tuple[str, dict[str, int]]:
    """Write the database into `directory`; returns (file name, row counts of the same snapshot)."""
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = table_counts(cursor, "postgresql")
            _pg("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                f"--file={directory / 'database.dump'}", db=connection.settings_dict)
        return "database.dump", counts
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(directory / "database.sqlite3")
        try:
            connection.connection.backup(target)
            counts = table_counts(target.cursor(), "sqlite")
        finally:
            target.close()
        return "database.sqlite3", counts
    raise BackupError(f"Backups of {connection.vendor} databases are not supported.")


def _walk(root: Path, others: list[Path]) -> Iterator[Path]:
    """Files under root, skipping directories that are another section (the pass keys sit under the OIDC keys)."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if (here / d).resolve() not in others)
        for name in sorted(filenames):
            yield here / name


def backup(out: Path) -> tuple[Path, dict]:
    """Write `hetao-backup-<UTC time>.tar.gz` (mode 0600: it holds keys and personal data) into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC)
    final = out / f"hetao-backup-{stamp:%Y%m%dT%H%M%SZ}.tar.gz"
    roots = {name: path.resolve() for name, path in sections().items()}
    with tempfile.TemporaryDirectory(dir=out, prefix=".backup-") as tmp:
        database_file, counts = _dump_database(Path(tmp))
        partial = Path(tmp) / "archive.tar.gz"
        files = {}
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(Path(tmp) / database_file, database_file)
            for name, root in roots.items():
                others = [r for r in roots.values() if r != root]
                for path in _walk(root, others):
                    data = path.read_bytes()  # hashed and archived from one read: what is stored is what is hashed
                    arcname = f"files/{name}/{path.relative_to(root).as_posix()}"
                    info = tarfile.TarInfo(arcname)
                    info.size, info.mtime, info.mode = len(data), int(path.stat().st_mtime), 0o600
                    tar.addfile(info, io.BytesIO(data))
                    files[arcname] = {"sha256": sha256(data), "size": len(data)}
            manifest = {"format": FORMAT, "created_at": stamp.isoformat(), "database": {
                "vendor": connection.vendor, "file": database_file,
                "sha256": _file_sha256(Path(tmp) / database_file), "tables": counts}, "files": files}
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime, info.mode = len(data), int(stamp.timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
        partial.chmod(0o600)
        os.replace(partial, final)
    return final, manifest


def _is_empty(db: dict, vendor: str) -> bool:
    if vendor == "postgresql":
        import psycopg

        with psycopg.connect("", **_psycopg_kwargs(db)) as pg_conn, pg_conn.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()")
            row = cursor.fetchone()
            assert row is not None  # an aggregate without GROUP BY answers exactly one row
            return row[0] == 0
    path = Path(db["NAME"])
    if not path.exists():
        return True
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] == 0


def _psycopg_kwargs(db: dict) -> dict:
    keys = {"NAME": "dbname", "HOST": "host", "PORT": "port", "USER": "user", "PASSWORD": "password"}
    kwargs = {arg: str(db[key]) for key, arg in keys.items() if db.get(key)}
    if (db.get("OPTIONS") or {}).get("sslmode"):
        kwargs["sslmode"] = db["OPTIONS"]["sslmode"]
    return kwargs


def _restored_counts(db: dict, vendor: str) -> dict[str, int]:
    if vendor == "postgresql":
        import psycopg

        with psycopg.connect("", **_psycopg_kwargs(db)) as pg_conn, pg_conn.cursor() as cursor:
            return table_counts(cursor, "postgresql")
    with sqlite3.connect(db["NAME"]) as conn:
        return table_counts(conn.cursor(), "sqlite")


def restore(archive: Path, database_url: str, files_to: Path | None = None) -> dict:
    """Restore `archive` into the EMPTY database at `database_url` and its files into the configured directories
    (or `files_to/<section>/`); raise BackupError on any refusal or mismatch. Returns a summary."""
    db = environ.Env.db_url_config(database_url)
    vendor = "postgresql" if "postgresql" in db["ENGINE"] else "sqlite" if "sqlite" in db["ENGINE"] else db["ENGINE"]
    with tempfile.TemporaryDirectory(prefix="hetao-restore-") as tmp:
        work = Path(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work, filter="data")
        manifest = json.loads((work / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
        database = manifest["database"]
        # Check the archive against its own manifest before touching anything.
        bad = [name for name, entry in manifest["files"].items() if _file_sha256(work / name) != entry["sha256"]]
        if _file_sha256(work / database["file"]) != database["sha256"]:
            bad.append(database["file"])
        if bad:
            raise BackupError(f"The archive is damaged: {', '.join(sorted(bad))} do(es) not match the manifest.")
        if database["vendor"] != vendor:
            raise BackupError(f"This backup is of a {database['vendor']} database, not {vendor}.")
        destinations = {name: (files_to / name if files_to else path) for name, path in sections().items()}
        clashes = []
        for name, entry in manifest["files"].items():
            _files, section, relative = name.split("/", 2)
            target = destinations[section] / relative
            if target.exists() and _file_sha256(target) != entry["sha256"]:
                clashes.append(str(target))
        if clashes:
            raise BackupError(f"Refusing to overwrite different existing files: {', '.join(clashes)}")
        if not _is_empty(db, vendor):
            raise BackupError("The target database is not empty: restore only into a new, empty database.")

        if vendor == "postgresql":
            _pg("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                f"--dbname={db['NAME']}", str(work / database["file"]), db=db)
        else:
            Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / database["file"], db["NAME"])
        for name in manifest["files"]:
            _files, section, relative = name.split("/", 2)
            target = destinations[section] / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / name, target)
            target.chmod(0o600)

        counts = _restored_counts(db, vendor)
        wrong_tables = sorted(name for name in set(counts) | set(database["tables"])
                              if counts.get(name) != database["tables"].get(name))
        wrong_files = sorted(name for name, entry in manifest["files"].items()
                             if _file_sha256(destinations[name.split("/", 2)[1]] / name.split("/", 2)[2])
                             != entry["sha256"])
        if wrong_tables or wrong_files:
            raise BackupError("The restored park does not match the manifest: "
                              + ", ".join([f"table {t}" for t in wrong_tables] + [f"file {f}" for f in wrong_files]))
    return {"tables": len(counts), "rows": sum(counts.values()), "files": len(manifest["files"]),
            "destinations": {k: str(v) for k, v in destinations.items()}}
