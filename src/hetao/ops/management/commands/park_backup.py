"""Back up the park: database, private files and keys in one tar.gz with a manifest (hetao.ops.backup)."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hetao.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write a backup of the database, the private files and the key directories: park_backup --out DIR"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="Directory for hetao-backup-<time>.tar.gz")

    def handle(self, *args: Any, out: Path, **options: Any) -> None:
        try:
            path, manifest = backup(out)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        tables = manifest["database"]["tables"]
        self.stdout.write(f"{path}\n{len(tables)} tables, {sum(tables.values())} rows, "
                          f"{len(manifest['files'])} files. Keep it safe: it holds personal data and private keys.")
