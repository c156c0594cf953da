"""Manage the signing keys of park codes (Ed25519 PEM files in HETAO_PASS_KEY_DIR)."""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from hetao.passes import keys


class Command(BaseCommand):
    help = "Create (--ensure) or rotate (--rotate) the signing keys of park codes; --keep N prunes old files."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--ensure", action="store_true")
        parser.add_argument("--rotate", action="store_true")
        parser.add_argument("--keep", type=int)

    def handle(self, *args: Any, ensure: bool, rotate: bool, keep: int | None, **options: Any) -> None:
        directory = settings.HETAO_PASS_KEY_DIR
        files = sorted(directory.glob("pass-*.pem")) if directory.is_dir() else []
        if (ensure and not files) or rotate:
            self.stdout.write(f"Created {keys.create(directory).name}")
        if keep:
            for path in sorted(directory.glob("pass-*.pem"))[:-keep]:
                path.unlink()
                self.stdout.write(f"Deleted {path.name}")
        loaded = keys.load(directory, settings.HETAO_PASS_KEY_LIFETIME_DAYS)
        self.stdout.write(f"{len(loaded)} key(s) in {directory}")
