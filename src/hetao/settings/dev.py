"""Development: `make run`. SQLite under var/, console email, debug on, a throwaway secret."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("HETAO_DEBUG", default=True)
SECRET_KEY = env("HETAO_SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
ALLOWED_HOSTS = env.list("HETAO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
