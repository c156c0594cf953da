"""Recompute `search_text` of every organisation, person and project (after the derivation changed), and put
the search index in step with it (registry/search_index.py)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from hetao.registry import search_index
from hetao.registry.models import Organisation, Person, Project
from hetao.registry.search_text import refresh_all


class Command(BaseCommand):
    help = "Recompute the search forms (search_text) of every organisation, person and project, and refill the " \
           "search index."

    def handle(self, *args, **options):
        with transaction.atomic():
            changed = refresh_all([Organisation, Person, Project])
            refilled = search_index.rebuild()
        self.stdout.write(f"search_text recomputed: {changed} rows changed.")
        if refilled:
            self.stdout.write(f"search index refreshed: {', '.join(refilled)}.")
