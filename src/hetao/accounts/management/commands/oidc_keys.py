"""Manage the OpenID Connect signing keys (PEM files in HETAO_OIDC_KEY_DIR)."""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from hetao.accounts import oidc_keys


class Command(BaseCommand):
    help = "Create (--ensure), rotate (--rotate) or prune (--keep N) the OIDC signing keys. Restart to apply."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--ensure", action="store_true", help="Create a key if there is none.")
        parser.add_argument("--rotate", action="store_true", help="Add a new signing key; older ones stay published.")
        parser.add_argument("--keep", type=int, help="Delete all but the newest N keys.")

    def handle(self, *args: Any, ensure: bool, rotate: bool, keep: int | None, **options: Any) -> None:
        directory = settings.HETAO_OIDC_KEY_DIR
        if ensure and (path := oidc_keys.ensure(directory)):
            self.stdout.write(f"Created signing key {path.name}")
        if rotate:
            self.stdout.write(f"New signing key {oidc_keys.rotate(directory).name}; restart the server to use it.")
        if keep:
            for path in oidc_keys.prune(directory, keep):
                self.stdout.write(f"Deleted {path.name}")
        files = oidc_keys.key_files(directory)
        self.stdout.write(f"{len(files)} key(s) in {directory}; active: {files[-1].name if files else 'none'}")
