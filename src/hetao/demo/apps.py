from django.apps import AppConfig


class DemoConfig(AppConfig):
    """An app only so that `manage.py load_demo_park` is found; it has no models."""

    name = "hetao.demo"
    label = "demo"
    verbose_name = "Demo park"
