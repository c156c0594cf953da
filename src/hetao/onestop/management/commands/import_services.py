"""Import park services from exported JSON files (no code change, no deploy). Run by whoever runs manage.py:
the import is recorded in the audit trail as made by the system (services.service_import_as_system)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hetao.onestop.services import service_import_as_system

SEED_DIR = Path(__file__).resolve().parents[2] / "services_seed"


class Command(BaseCommand):
    help = "Import services from JSON files (default: the ten seeded services of the zone)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="JSON files exported from the back office.")

    def handle(self, *args, files, **options):
        paths = [Path(f) for f in files] or sorted(SEED_DIR.glob("*.json"))
        for path in paths:
            try:
                service = service_import_as_system(data=path.read_text(encoding="utf-8"))
            except (ValidationError, OSError) as exc:
                raise CommandError(f"{path.name}: {exc}") from exc
            self.stdout.write(f"{service.code}: version {service.current_version.number}")
