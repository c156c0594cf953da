"""Production: refuses to start without a secret key, a database URL and allowed hosts."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env


def _required(name: str) -> str:
    value = env(name, default="")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production (see docs/configuration.md).")
    return value


SECRET_KEY = _required("HETAO_SECRET_KEY")
_required("DATABASE_URL")
HETAO_FIELD_ENCRYPTION_KEYS = [k for k in _required("HETAO_FIELD_ENCRYPTION_KEYS").split(",") if k]
HETAO_SITE_HOST = _required("HETAO_SITE_HOST")
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
ALLOWED_HOSTS = [h for h in _required("HETAO_ALLOWED_HOSTS").split(",") if h]
DEBUG = False

SECURE_SSL_REDIRECT = env.bool("HETAO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("HETAO_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
EMAIL_BACKEND = env("HETAO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
