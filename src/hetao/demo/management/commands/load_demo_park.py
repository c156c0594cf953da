"""Load the demo park (the real zone plus a generated population). Safe to run again: it loads once."""

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hetao.demo import park


class Command(BaseCommand):
    help = "Load the demo Hetao park into an empty registry (skipped when already loaded)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--scale", type=int, default=1,
                            help="Multiply the generated population (for benchmarks). Default 1.")
        parser.add_argument("--reset", action="store_true",
                            help="Delete the registry's records first, then load again.")

    def handle(self, *args: Any, scale: int, reset: bool, **options: Any) -> None:
        if scale < 1 or scale > 100:
            raise CommandError("--scale must be between 1 and 100.")
        if park.is_loaded() and not reset:
            self.stdout.write("The demo park is already loaded; nothing to do (use --reset to reload).")
            return
        started = time.monotonic()
        if reset:
            park.clear_whole_demo_park()
        park.load_whole_demo_park(scale=scale, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(
            f"Loaded the demo park at scale {scale} in {time.monotonic() - started:.1f} s."))
