"""Park claims for partner systems that sign users in through the park (OpenID Connect), and the park's
policy: what the discovery document publishes is exactly what the provider accepts.

Allowed: the authorization code flow (response type `code`, S256 PKCE), refresh tokens, ID tokens signed with
RS256, public clients (`none` at the token endpoint) and confidential ones (`client_secret_basic` or
`client_secret_post`). A client registered otherwise (HS256, implicit or hybrid grant) or disabled by staff
is treated as unknown: it gets no code and no token.
"""

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, JsonResponse
from django.utils import translation
from oauth2_provider.models import Application
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import SettingsScopes
from oauth2_provider.views import ConnectDiscoveryInfoView

from hetao.core.trilingual import LANGUAGE_SUFFIXES, localised

if TYPE_CHECKING:
    from .models import User


def display_name(user: "User") -> str:
    """The user's name in their own language: the registry person's name when linked."""
    if user.person_id:
        return localised(user.person, "name", LANGUAGE_SUFFIXES.get(user.preferred_language, "en"))
    return user.get_full_name() or user.email


def organisations(user: "User") -> list[dict[str, Any]]:
    suffix = LANGUAGE_SUFFIXES.get(user.preferred_language, "en")
    return [
        {"id": m.organisation.slug, "name": localised(m.organisation, "name", suffix), "role": m.role,
         "park": m.organisation.park.code if m.organisation.park else None}
        for m in user.memberships.select_related("organisation__park").order_by("organisation__name_en")
    ]


def park(user: "User") -> str | None:
    parks = {o["park"] for o in organisations(user) if o["park"]}
    return sorted(parks)[0] if parks else None


def email_verified(user: "User") -> bool:
    # allauth's EmailAddress (untyped) adds this reverse relation, which the stubs cannot see.
    return user.emailaddress_set.filter(  # type: ignore[attr-defined]
        email__iexact=user.email, verified=True).exists()


RESPONSE_TYPES = ["code"]
GRANT_TYPES = ["authorization_code", "refresh_token"]
SIGNING_ALGORITHMS = [Application.RS256_ALGORITHM]
TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]


def client_allowed(application: Application) -> bool:
    """Registered the way the park allows, and not disabled by staff."""
    policy = getattr(application, "park_policy", None) if application.pk else None
    return (application.algorithm in SIGNING_ALGORITHMS
            and application.authorization_grant_type == Application.GRANT_AUTHORIZATION_CODE
            and (policy is None or policy.disabled_at is None))


class ParkOAuth2Validator(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "organisations": "organisations",
        "park": "profile",
    }

    def _load_application(self, client_id: str, request: Any) -> Application | None:
        # Every endpoint finds its client here (authorize, token, revoke, introspect): one place to refuse.
        application = super()._load_application(client_id, request)
        if application is not None and not client_allowed(application):
            request.client = None
            return None
        return application

    def validate_response_type(self, client_id: str, response_type: str, client: Application, request: Any,
                               *args: Any, **kwargs: Any) -> bool:
        return response_type in RESPONSE_TYPES and super().validate_response_type(
            client_id, response_type, client, request, *args, **kwargs)

    def validate_grant_type(self, client_id: str, grant_type: str, client: Application, request: Any,
                            *args: Any, **kwargs: Any) -> bool:
        return grant_type in GRANT_TYPES and super().validate_grant_type(
            client_id, grant_type, client, request, *args, **kwargs)

    def get_additional_claims(self) -> dict[str, Callable[[Any], Any]]:
        # Request-agnostic: the claim names are also advertised in the discovery document.
        return {
            "name": lambda r: display_name(r.user),
            "given_name": lambda r: r.user.first_name,
            "family_name": lambda r: r.user.last_name,
            "locale": lambda r: translation.to_locale(r.user.preferred_language).replace("_", "-"),
            "park": lambda r: park(r.user),
            "email": lambda r: r.user.email,
            "email_verified": lambda r: email_verified(r.user),
            "organisations": lambda r: organisations(r.user),
        }


class ClientScopes(SettingsScopes):
    """A client may be granted only the scopes staff allowed it (ClientPolicy); `openid` always."""

    def get_available_scopes(self, application: Application | None = None, request: Any = None, *args: Any,
                             **kwargs: Any) -> list[str]:
        scopes = super().get_available_scopes(application, request, *args, **kwargs)
        if application is None:  # the discovery documents: every scope the provider serves
            return scopes
        policy = getattr(application, "park_policy", None) if application is not None else None
        allowed = set(policy.allowed_scopes.split()) | {"openid"} if policy else {"openid"}
        return [s for s in scopes if s in allowed]


class DiscoveryView(ConnectDiscoveryInfoView):
    """The OpenID Connect discovery document, with what the park's policy allows (and nothing more).

    django-oauth-toolkit always lists HS256; the rest comes from OAUTH2_PROVIDER (settings), which the test
    of this document pins field by field."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        upstream = super().get(request, *args, **kwargs)
        data = json.loads(upstream.content)
        data.update({
            "id_token_signing_alg_values_supported": SIGNING_ALGORITHMS,
            "grant_types_supported": GRANT_TYPES,
            "claims_supported": sorted(data["claims_supported"]),
            "scopes_supported": sorted(data["scopes_supported"]),
        })
        response = JsonResponse(data)
        response["Access-Control-Allow-Origin"] = "*"
        return response
