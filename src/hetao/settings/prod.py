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
HETAO_PUBLIC_BASE_URL = _required("HETAO_PUBLIC_BASE_URL").rstrip("/")
if not HETAO_PUBLIC_BASE_URL.startswith("https://") or "/" in HETAO_PUBLIC_BASE_URL[len("https://"):]:
    raise ImproperlyConfigured("HETAO_PUBLIC_BASE_URL must be the park's https:// address, e.g. https://park.example.org")
ACCOUNT_DEFAULT_HTTP_PROTOCOL = HETAO_PUBLIC_BASE_URL.split(":", 1)[0]
ALLOWED_HOSTS = [h for h in _required("HETAO_ALLOWED_HOSTS").split(",") if h]
DEBUG = False

# Every process (app servers, worker, scheduler, on every machine) shares one cache: sign-in failure counters,
# sessions (cached_db: Redis in front of the database) and figures. Per-process memory would split them.
CACHES = {"default": env.cache_url_config(_required("HETAO_CACHE_URL"))}
if CACHES["default"]["BACKEND"].rsplit(".", 1)[-1] in ("LocMemCache", "DummyCache"):
    raise ImproperlyConfigured("HETAO_CACHE_URL must be a shared cache in production, e.g. redis://127.0.0.1:6379/1.")
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

SECURE_SSL_REDIRECT = env.bool("HETAO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # probes of load balancers may use plain http
SECURE_HSTS_SECONDS = env.int("HETAO_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
EMAIL_BACKEND = env("HETAO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
