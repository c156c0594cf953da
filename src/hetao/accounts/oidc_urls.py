"""The OpenID Connect provider's endpoints. Discovery sits at the site root, so the issuer is the site
itself; the rest lives under /oidc/. Only what partner systems need is exposed: no device flow, no
self-service client registration (staff of the data department register clients on the partner-systems
page, hetao.accounts.client_views)."""

from csp.decorators import csp_update
from django.conf import settings
from django.urls import path, re_path
from oauth2_provider import views
from oauth2_provider.urls import metadata_urlpatterns

from .oidc import DiscoveryView

app_name = "oauth2_provider"

urlpatterns = [
    re_path(r"^\.well-known/openid-configuration/?$", DiscoveryView.as_view(), name="oidc-connect-discovery-info"),
    *metadata_urlpatterns,
    # The consent form's answer redirects to the partner's registered redirect URI; CSP's form-action also
    # governs that redirect, so this one page may send forms on to partner origins.
    path("oidc/authorize/", csp_update({"form-action": settings.HETAO_OIDC_FORM_ACTION})(
        views.AuthorizationView.as_view()), name="authorize"),
    path("oidc/token/", views.TokenView.as_view(), name="token"),
    path("oidc/revoke/", views.RevokeTokenView.as_view(), name="revoke-token"),
    path("oidc/introspect/", views.IntrospectTokenView.as_view(), name="introspect"),
    path("oidc/jwks.json", views.JwksInfoView.as_view(), name="jwks-info"),
    path("oidc/userinfo/", views.UserInfoView.as_view(), name="user-info"),
    path("oidc/logout/", views.RPInitiatedLogoutView.as_view(), name="rp-initiated-logout"),
]
