from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "hetao.funds"
    label = "funds"
    verbose_name = _("Research funds")
    default_auto_field = "django.db.models.BigAutoField"
