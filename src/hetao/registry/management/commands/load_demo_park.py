"""Load the demo park (the real zone plus a generated population). Safe to run again: it loads once."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from hetao.registry import demo


class Command(BaseCommand):
    help = "Load the demo Hetao park into an empty registry (skipped when already loaded)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1,
                            help="Multiply the generated population (for benchmarks). Default 1.")
        parser.add_argument("--reset", action="store_true",
                            help="Delete the registry's records first, then load again.")

    def handle(self, *args, scale: int, reset: bool, **options):
        if scale < 1 or scale > 100:
            raise CommandError("--scale must be between 1 and 100.")
        if demo.is_loaded() and not reset:
            self.stdout.write("The demo park is already loaded; nothing to do (use --reset to reload).")
            return
        started = time.monotonic()
        if reset:
            from hetao.accounts.demo import clear_demo_accounts
            from hetao.onestop.demo import clear_demo_applications
            from hetao.passes.demo import clear_demo_passes

            clear_demo_passes()
            clear_demo_applications()
            clear_demo_accounts()
            demo.clear_registry()
        with transaction.atomic():
            demo.load_demo_park(scale=scale)
            # Demo accounts (one per role) and the `demo-partner` SSO client exist only in the demo.
            from hetao.accounts.demo import load_demo_accounts

            load_demo_accounts()
            from django.core.management import call_command

            call_command("import_services", stdout=self.stdout)
            from hetao.onestop.demo import load_demo_applications

            load_demo_applications()
            from hetao.passes.demo import load_demo_passes

            load_demo_passes()
        self.stdout.write(self.style.SUCCESS(
            f"Loaded the demo park at scale {scale} in {time.monotonic() - started:.1f} s."))
