"""Restore a park backup into an empty database and check it against the manifest (hetao.ops.backup)."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hetao.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = ("Restore a park_backup archive into an EMPTY database, then verify every row count and file hash: "
            "park_restore FILE --database-url postgres://… [--files-to DIR]")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument("--database-url", required=True, help="The new, empty database to restore into.")
        parser.add_argument("--files-to", type=Path, default=None,
                            help="Put the files under DIR/<section>/ instead of the configured directories.")

    def handle(self, *args: Any, archive: Path, database_url: str, files_to: Path | None, **options: Any) -> None:
        try:
            summary = restore(archive, database_url, files_to)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {summary['tables']} tables ({summary['rows']} rows) and {summary['files']} "
                          "files; every row count and every file hash matches the manifest.")
        for section, path in summary["destinations"].items():
            self.stdout.write(f"  {section}: {path}")
