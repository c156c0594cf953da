"""Production shares one cache between every process and machine, keeps sessions in it (backed by the database),
and lets load-balancer probes reach /healthz and /readyz over plain http."""

from tests.test_settings import PROD_ENV, manage


def test_prod_refuses_a_cache_of_its_own_per_process():
    result = manage("check", env={**PROD_ENV, "HETAO_CACHE_URL": "locmemcache://"})
    assert result.returncode != 0 and "HETAO_CACHE_URL must be a shared cache" in result.stderr


def test_prod_keeps_sessions_in_the_shared_cache_and_lets_probes_through():
    code = ("from django.conf import settings as s; from django.test import Client; c = Client(); "
            "print(s.SESSION_ENGINE, s.CACHES['default']['BACKEND'], "
            "c.get('/readyz', HTTP_HOST='park.example.org').status_code != 301, "
            "c.get('/healthz', HTTP_HOST='park.example.org').status_code, "
            "c.get('/en/', HTTP_HOST='park.example.org').status_code)")
    result = manage("shell", "--verbosity", "0", "-c", code, env=PROD_ENV)
    assert result.stdout.split() == ["django.contrib.sessions.backends.cached_db", "django_redis.cache.RedisCache",
                                     "True", "200", "301"], result.stderr[-2000:]
