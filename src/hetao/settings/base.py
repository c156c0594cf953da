"""Every setting of Hetao Virtual Park, read from the environment.

Each variable is documented in docs/configuration.md. dev.py, test.py and prod.py only change defaults.
"""

import ipaddress
from pathlib import Path
from typing import Any, Literal

import environ
from django.utils.translation import gettext_lazy as _

SRC_DIR = Path(__file__).resolve().parents[2]
BASE_DIR = SRC_DIR.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("HETAO_SECRET_KEY", default="")
DEBUG = env.bool("HETAO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("HETAO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("HETAO_CSRF_TRUSTED_ORIGINS", default=[])

VAR_DIR = Path(env("HETAO_VAR_DIR", default=str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "ninja",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.usersessions",
    "oauth2_provider",
    "django_tasks",
    "django_tasks_db",
    "hetao.core",
    "hetao.audit",
    "hetao.registry",
    "hetao.accounts",
    "hetao.community",
    "hetao.onestop",
    "hetao.passes",
    "hetao.funds",
    "hetao.challenges",
    "hetao.ops",
    "hetao.workdays",
    "hetao.demo",  # last: it loads every app's demo records (manage.py load_demo_park)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "hetao.core.middleware.ApiAcceptLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "hetao.accounts.middleware.PreferredLanguageMiddleware",
    "hetao.accounts.middleware.StaffMustUseMfaMiddleware",
]

ROOT_URLCONF = "hetao.urls"
WSGI_APPLICATION = "hetao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "hetao" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "hetao.core.context_processors.site",
                "hetao.community.context_processors.inbox",
            ],
        },
    },
]

# SQLite under var/ is the embedded default; production and CI set a postgres:// URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'hetao.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("HETAO_DB_CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while the demo loader writes; IMMEDIATE makes writers queue, not fail.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
# Optional read replica for report reads marked with hetao.ops.replica.reports() (docs/deploy.md).
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {**env.db("DATABASE_REPLICA_URL"), "TEST": {"MIRROR": "default"},
                            "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"]}
DATABASE_ROUTERS = ["hetao.ops.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: three languages, chosen once (cookie) and kept; times stored in UTC.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
    ("zh-hant", _("Traditional Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "hetao_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE: Literal["Lax", "Strict", "None", False] | None = "Lax"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end packages come from the npm registry (package.json) and are served by the app.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    SRC_DIR / "hetao" / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/jsqr", NODE_MODULES / "jsqr" / "dist"),
]
# TrueType fonts embedded (subset) in every PDF: Noto Sans SC and HK from npm (hetao.core.pdf).
HETAO_PDF_FONT_DIR = Path(env("HETAO_PDF_FONT_DIR", default=str(NODE_MODULES / "@expo-google-fonts")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded files are private: stored outside the web root and never served by URL directly.
MEDIA_ROOT = VAR_DIR / "private"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE: Literal["Lax", "Strict", "None", False] = "Lax"
CSRF_COOKIE_SAMESITE: Literal["Lax", "Strict", "None", False] = "Lax"
CSRF_FAILURE_VIEW = "hetao.core.errors.csrf_failure"  # the park's own page, in the page's language
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content Security Policy: only our own origin; no inline script, no CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

EMAIL_BACKEND = env("HETAO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env("HETAO_DEFAULT_FROM_EMAIL", default="Hetao Virtual Park <noreply@hetao.invalid>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("HETAO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Pagination of directory pages and API lists.
HETAO_PAGE_SIZE = env.int("HETAO_PAGE_SIZE", default=25)
# Seconds the home dashboard's figures may be served from their snapshot when no registry service wrote
# (the safety net for writes outside the services: admin, other apps, SQL). See registry/snapshots.py.
HETAO_DASHBOARD_MAX_AGE = env.int("HETAO_DASHBOARD_MAX_AGE", default=300)
HETAO_API_MAX_PAGE_SIZE = 100
FORMAT_MODULE_PATH = ["hetao.formats"]

# ── Accounts (django-allauth) ────────────────────────────────────────────────────────────────────────
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:home"
ACCOUNT_ADAPTER = "hetao.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "hetao.accounts.forms.SignupExtraForm"
ACCOUNT_USER_DISPLAY = "hetao.accounts.models.user_display"  # the whole name, in its script's order
ACCOUNT_UNIQUE_EMAIL = True
# Sign-up says plainly when an email is already registered (users asked for a specific message); sign-up is
# rate-limited per IP below, which bounds how fast anyone can probe for addresses.
ACCOUNT_PREVENT_ENUMERATION = False
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Every absolute link the park sends (emails, notifications) starts from this one public address; the site's
# name greets in emails and subjects, translated when the catalogue knows it (see hetao.core.links).
HETAO_PUBLIC_BASE_URL = env("HETAO_PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
HETAO_SITE_NAME = env("HETAO_SITE_NAME", default="Hetao Virtual Park")
ACCOUNT_DEFAULT_HTTP_PROTOCOL = HETAO_PUBLIC_BASE_URL.split(":", 1)[0]
ACCOUNT_SESSION_REMEMBER = None
# Sign-in protection: failures are limited per IP and per account (the account is locked for the window).
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("HETAO_LOGIN_FAILED_LIMIT", default="10/15m/ip,5/15m/key"),
    "login": "30/m/ip",
    "signup": "20/h/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
# The client's address for rate limits, audit records and alerts (hetao.core.clientip). Behind a reverse proxy,
# name the proxy's header or count; without either, X-Forwarded-For is ignored (anyone can send it).
HETAO_TRUSTED_PROXY_COUNT = env.int("HETAO_TRUSTED_PROXY_COUNT", default=0)
HETAO_TRUSTED_CLIENT_IP_HEADER = env("HETAO_TRUSTED_CLIENT_IP_HEADER", default="")
HETAO_TRUSTED_PROXIES = [str(ipaddress.ip_network(n, strict=False))  # fails at start-up on a typo
                         for n in env.list("HETAO_TRUSTED_PROXIES", default=[])]
ALLAUTH_TRUSTED_PROXY_COUNT = HETAO_TRUSTED_PROXY_COUNT  # allauth asks hetao.core.clientip (adapter); same values
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = HETAO_TRUSTED_CLIENT_IP_HEADER or None
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Hetao Virtual Park"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool("HETAO_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=False)
USERSESSIONS_TRACK_ACTIVITY = True
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # linking an upstream identity needs a signed-in user or a new account
SOCIALACCOUNT_ADAPTER = "hetao.accounts.adapter.SocialAccountAdapter"
# Upstream OpenID Connect identity providers (e.g. a government sign-in), enabled by configuration only.
SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, list[dict[str, Any]]]] = {"openid_connect": {"APPS": []}}
if env("HETAO_UPSTREAM_OIDC_SERVER_URL", default=""):
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"].append({
        "provider_id": env("HETAO_UPSTREAM_OIDC_ID", default="upstream"),
        "name": env("HETAO_UPSTREAM_OIDC_NAME", default="Government sign-in"),
        "client_id": env("HETAO_UPSTREAM_OIDC_CLIENT_ID"),
        "secret": env("HETAO_UPSTREAM_OIDC_CLIENT_SECRET", default=""),
        "settings": {"server_url": env("HETAO_UPSTREAM_OIDC_SERVER_URL"), "oauth_pkce_enabled": True},
    })

# Caches hold rate-limit counters: use Redis (HETAO_CACHE_URL=redis://127.0.0.1:6379/1) with several processes.
CACHES = {"default": env.cache("HETAO_CACHE_URL", default="locmemcache://")}

# ── The park as an OpenID Connect provider (django-oauth-toolkit) ────────────────────────────────────
HETAO_OIDC_KEY_DIR = Path(env("HETAO_OIDC_KEY_DIR", default=str(VAR_DIR / "keys")))
OAUTH2_PROVIDER: dict[str, Any] = {
    "OIDC_ENABLED": True,
    "PKCE_REQUIRED": True,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 30 * 24 * 3600,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "OAUTH2_VALIDATOR_CLASS": "hetao.accounts.oidc.ParkOAuth2Validator",
    "SCOPES_BACKEND_CLASS": "hetao.accounts.oidc.ClientScopes",
    "SCOPES": {
        "openid": "OpenID Connect",
        "profile": "Your name, preferred language and park",
        "email": "Your email address",
        "organisations": "Your organisations and roles",
    },
    "DEFAULT_SCOPES": ["openid"],
    # Published in the discovery documents and enforced by hetao.accounts.oidc (code flow only; public PKCE
    # clients authenticate with `none`, confidential ones with their secret).
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    "OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["client_secret_basic", "client_secret_post", "none"],
    "OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["client_secret_basic", "client_secret_post", "none"],
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # RFC 9700 (OAuth 2.0 Security BCP): no implicit or password grant, S256 PKCE only, tokens only in headers,
    # `iss` in authorization responses, hashed token storage, exact redirect URI matching.
    **{f"COMPLIANT_BCP_RFC9700_{gate}": True for gate in (
        "IMPLICIT_GRANT", "PASSWORD_GRANT", "PKCE_METHOD", "ACCESS_TOKEN_TRANSPORT", "AUTHZ_RESPONSE_ISS",
        "TOKEN_STORAGE", "REFRESH_TOKEN", "REDIRECT_URI_SCHEME", "REDIRECT_URI_MATCHING", "PKCE_REQUIRED")},
    # Keys are read from files (see hetao.accounts.oidc_keys); filled in by hetao.accounts.oidc_keys.load().
    "OIDC_RSA_PRIVATE_KEY": "",
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [],
}
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
HETAO_OIDC_FORM_ACTION = ["https:"]  # where the consent page may send the browser on (partner redirect URIs)

# ── Background tasks (django-tasks; database backend, `manage.py db_worker`) ─────────────────────────
TASKS = {"default": {"BACKEND": env("HETAO_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}

from hetao.accounts import oidc_keys  # noqa: E402  (needs HETAO_OIDC_KEY_DIR above)

OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"], OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEYS_INACTIVE"] = oidc_keys.load(
    HETAO_OIDC_KEY_DIR)
HETAO_FIELD_ENCRYPTION_KEYS = env.list("HETAO_FIELD_ENCRYPTION_KEYS", default=[])

# ── One code: park passes ───────────────────────────────────────────────────────────────────────────
HETAO_ZONE = env("HETAO_ZONE", default="hetao")
HETAO_PASS_KEY_DIR = Path(env("HETAO_PASS_KEY_DIR", default=str(VAR_DIR / "keys" / "passes")))
HETAO_PASS_KEY_LIFETIME_DAYS = env.int("HETAO_PASS_KEY_LIFETIME_DAYS", default=60)
HETAO_PASS_CODE_SECONDS = 60

# ── Operations (hetao.ops): readiness, the scheduler's jobs ─────────────────────────────────────────────
HETAO_HEARTBEAT_MAX_AGE = env.int("HETAO_HEARTBEAT_MAX_AGE", default=120)  # seconds before /readyz fails
HETAO_PASS_KEY_ROTATE_DAYS = env.int("HETAO_PASS_KEY_ROTATE_DAYS", default=30)  # < the lifetime above
HETAO_OIDC_KEY_ROTATE_DAYS = env.int("HETAO_OIDC_KEY_ROTATE_DAYS", default=90)
HETAO_BACKUP_DIR = env("HETAO_BACKUP_DIR", default="")  # set: the scheduler writes a backup there daily
HETAO_BACKUP_KEEP = env.int("HETAO_BACKUP_KEEP", default=14)
