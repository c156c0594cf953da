"""Recompute `search_text` of every organisation, person and project (after the derivation changed)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from hetao.registry.models import Organisation, Person, Project
from hetao.registry.search_text import refresh_all


class Command(BaseCommand):
    help = "Recompute the search forms (search_text) of every organisation, person and project."

    def handle(self, *args, **options):
        with transaction.atomic():
            changed = refresh_all([Organisation, Person, Project])
        self.stdout.write(f"search_text recomputed: {changed} rows changed.")
