from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PassesConfig(AppConfig):
    name = "hetao.passes"
    label = "passes"
    verbose_name = _("One code (park passes)")

    def ready(self) -> None:
        from . import account_hooks  # noqa: F401  (registers with hetao.accounts.hooks)
