from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "hetao.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self):
        from django.db.models.signals import post_migrate

        from .search_index import after_migrate

        # SQLite: a migration that rebuilds a searched table drops the triggers of its search index.
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="registry.search_index")
