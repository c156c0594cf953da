from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "hetao.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Every app's rules exist before the first request (hetao.core.permissions).
        from .permissions import autodiscover

        autodiscover()
