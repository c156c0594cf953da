from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from .health import readiness


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness probe: 200 when the database, the cache and the background processes are fine, else 503."""
    checks = readiness()
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse({"ok": ok, "checks": checks}, status=200 if ok else 503)
