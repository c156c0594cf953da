from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.utils.translation import gettext_lazy
from django.views.i18n import JavaScriptCatalog

from hetao.accounts import staffauth
from hetao.accounts import views as account_views
from hetao.api.api import api
from hetao.ops.views import readyz

admin.site.site_header = admin.site.site_title = gettext_lazy("Hetao Virtual Park")
staffauth.protect_admin(admin.site)  # the admin signs in through the park's sign-in (MFA, rate limits)


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe for load balancers; also the trivial baseline view of `make bench`."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("", include("hetao.accounts.oidc_urls")),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("api/v1/", api.urls),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("allauth.urls")),
    path("", include("hetao.accounts.urls")),
    path("", include("hetao.community.urls")),
    path("", include("hetao.onestop.urls")),
    path("", include("hetao.passes.urls")),
    path("", include("hetao.challenges.urls")),
    path("", include("hetao.registry.urls")),
)

# The park's own error pages, in the page's language (hetao.core.errors).
handler400 = "hetao.core.errors.bad_request"
handler403 = "hetao.core.errors.permission_denied"
handler404 = "hetao.core.errors.page_not_found"
handler500 = "hetao.core.errors.server_error"
