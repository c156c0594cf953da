from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "hetao.community"
    label = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        from . import account_hooks  # noqa: F401  (registers with hetao.accounts.hooks)
