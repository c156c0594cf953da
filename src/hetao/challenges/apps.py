from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "hetao.challenges"
    label = "challenges"
    verbose_name = _("Open challenges (topic solicitation)")

    def ready(self) -> None:
        from . import account_hooks  # noqa: F401  (registers with hetao.accounts.hooks)
