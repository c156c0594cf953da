"""Park claims for partner systems that sign users in through the park (OpenID Connect)."""

from django.utils import translation
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import SettingsScopes

from hetao.core.trilingual import LANGUAGE_SUFFIXES, localised


def display_name(user) -> str:
    """The user's name in their own language: the registry person's name when linked."""
    if user.person_id:
        return localised(user.person, "name", LANGUAGE_SUFFIXES.get(user.preferred_language, "en"))
    return user.get_full_name() or user.email


def organisations(user) -> list[dict]:
    suffix = LANGUAGE_SUFFIXES.get(user.preferred_language, "en")
    return [
        {"id": m.organisation.slug, "name": localised(m.organisation, "name", suffix), "role": m.role,
         "park": m.organisation.park.code if m.organisation.park_id else None}
        for m in user.memberships.select_related("organisation__park").order_by("organisation__name_en")
    ]


def park(user) -> str | None:
    parks = {o["park"] for o in organisations(user) if o["park"]}
    return sorted(parks)[0] if parks else None


def email_verified(user) -> bool:
    return user.emailaddress_set.filter(email__iexact=user.email, verified=True).exists()


class ParkOAuth2Validator(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "organisations": "organisations",
        "park": "profile",
    }

    def get_additional_claims(self):
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

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        scopes = super().get_available_scopes(application, request, *args, **kwargs)
        policy = getattr(application, "park_policy", None) if application is not None else None
        allowed = set(policy.allowed_scopes.split()) | {"openid"} if policy else {"openid"}
        return [s for s in scopes if s in allowed]
