"""Tests: the same settings as production would use, with fast hashing and in-memory email."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-key-" + "x" * 40
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": env("HETAO_LOG_LEVEL", default="WARNING")},
}

# An ephemeral signing key per test run; tasks run at once (still after commit: services use on_commit).
from hetao.accounts.oidc_keys import generate_pem  # noqa: E402

OAUTH2_PROVIDER = {**OAUTH2_PROVIDER, "OIDC_RSA_PRIVATE_KEY": generate_pem(),  # noqa: F405
                   "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [generate_pem()]}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Loopback http redirect URIs for partner systems tried from this machine (RFC 8252), e.g. `demo-partner`.
OAUTH2_PROVIDER = {**OAUTH2_PROVIDER, "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"],  # noqa: F405
                   "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": False,
                   "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": False}
HETAO_OIDC_FORM_ACTION = ["https:", "http://127.0.0.1:*", "http://localhost:*"]
