from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "hetao.ops"
    label = "ops"
    verbose_name = "Operations"
