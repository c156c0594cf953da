"""Issue a new credential for a gate device (the old one stops working). Shown once."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hetao.passes.models import AccessPoint


class Command(BaseCommand):
    help = "Issue a new API token for an access point: manage.py gate_token <access point code>"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("code")

    def handle(self, *args: Any, code: str, **options: Any) -> None:
        point = AccessPoint.objects.filter(code=code).first()
        if point is None:
            raise CommandError(f"No access point {code!r}.")
        self.stdout.write(point.issue_token())
