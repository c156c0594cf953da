"""Development: `make run`. SQLite under var/, console email, debug on, a throwaway secret."""

from .base import *  # noqa: F403
from .base import OAUTH2_PROVIDER, env

DEBUG = env.bool("HETAO_DEBUG", default=True)
SECRET_KEY = env("HETAO_SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
ALLOWED_HOSTS = env.list("HETAO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

# Loopback http redirect URIs for partner systems tried from this machine (RFC 8252), e.g. `demo-partner`.
OAUTH2_PROVIDER = {**OAUTH2_PROVIDER, "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"],
                   "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": False,
                   "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": False}
HETAO_OIDC_FORM_ACTION = ["https:", "http://127.0.0.1:*", "http://localhost:*"]
