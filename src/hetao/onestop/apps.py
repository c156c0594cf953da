from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnestopConfig(AppConfig):
    name = "hetao.onestop"
    label = "onestop"
    verbose_name = _("One network (park services)")

    def ready(self):
        from . import account_hooks  # noqa: F401  (registers with hetao.accounts.hooks)
