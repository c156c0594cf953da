from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "hetao.workdays"
    label = "workdays"
    verbose_name = _("Working-day calendars")

    def ready(self) -> None:
        from hetao.core import workdays

        from .services import load_overrides, overrides_token

        workdays.register_override_source(load_overrides, overrides_token)
