"""Partner systems that sign people in through the park (OpenID Connect clients): registration, changes,
secrets and disabling. Staff allowed `oidc.manage_clients` (the head of the data department) do this on the
partner-systems page; every write goes through these services and is audited.

A client is a django-oauth-toolkit Application (always: authorization code grant, RS256 ID tokens) plus the
park's ClientPolicy (allowed scopes, contact, disabled). The secret of a confidential client is stored hashed
and shown once, when it is made.
"""

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application, Grant, IDToken, RefreshToken

from hetao.audit.service import audit_record
from hetao.core.permissions import require

from .models import ClientPolicy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
CLIENT_TYPES = [
    (Application.CLIENT_PUBLIC, _("Public: a browser or mobile app (PKCE, no secret)")),
    (Application.CLIENT_CONFIDENTIAL, _("Confidential: a server that keeps a secret")),
]


SCOPE_DESCRIPTIONS = {
    "openid": _("signing in (always included)"),
    "profile": _("name, preferred language and park"),
    "email": _("email address, and whether it is verified"),
    "organisations": _("organisations and roles"),
}


def scope_choices() -> "list[tuple[str, StrOrPromise]]":
    """(scope, what it shares); the page shows the scope's name as typed, with the translated description."""
    return [(name, SCOPE_DESCRIPTIONS.get(name, name)) for name in settings.OAUTH2_PROVIDER["SCOPES"]]


def loopback_http_allowed() -> bool:
    """Development and test settings allow http://127.0.0.1 (RFC 8252); production allows https only."""
    return "http" in settings.OAUTH2_PROVIDER.get("ALLOWED_REDIRECT_URI_SCHEMES", ["https"])


def validate_redirect_uri(uri: str) -> None:
    """An exact, absolute https address without a fragment, user name or wildcard (loopback http in dev)."""
    try:
        parts = urlsplit(uri)
        host = parts.hostname or ""
    except ValueError:
        raise ValidationError(_("%(uri)s is not a valid address.") % {"uri": uri}, code="invalid") from None
    if parts.scheme == "http" and host in LOOPBACK_HOSTS and loopback_http_allowed():
        pass
    elif parts.scheme != "https":
        raise ValidationError(_("%(uri)s: use an https address.") % {"uri": uri}, code="scheme")
    if not host or "*" in uri or parts.fragment or parts.username or parts.password or " " in uri:
        raise ValidationError(_("%(uri)s: give the exact address, with a host and without a fragment, "
                                "user name or wildcard.") % {"uri": uri}, code="invalid")


def _uris(text: str) -> list[str]:
    return [line.strip() for line in text.split() if line.strip()]


class ClientForm(forms.Form):
    name = forms.CharField(label=_("System name"), max_length=255)
    client_type = forms.ChoiceField(label=_("Client type"), choices=CLIENT_TYPES,
                                    widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    redirect_uris = forms.CharField(
        label=_("Redirect addresses"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, exactly as the partner system sends them; https only."))
    post_logout_redirect_uris = forms.CharField(
        label=_("Addresses after sign-out"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line; where the partner may send people after they sign out."))
    allowed_scopes = forms.MultipleChoiceField(
        label=_("What the partner may ask for"), choices=scope_choices, required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("Signing in (openid) is always included."))
    skip_authorization = forms.BooleanField(label=_("First-party system of the park: skip the consent screen"),
                                            required=False)
    contact_email = forms.EmailField(label=_("Contact email"), required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if loopback_http_allowed():
            self.fields["redirect_uris"].help_text = _(
                "One per line, exactly as the partner system sends them; https only (this park also allows "
                "http://127.0.0.1 and http://localhost for development).")

    def _clean_uris(self, name: str) -> list[str]:
        uris, errors = _uris(self.cleaned_data[name]), []
        for uri in uris:
            try:
                validate_redirect_uri(uri)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return uris

    def clean_redirect_uris(self) -> list[str]:
        uris = self._clean_uris("redirect_uris")
        if not uris:
            raise ValidationError(_("Give at least one redirect address."))
        return uris

    def clean_post_logout_redirect_uris(self) -> list[str]:
        return self._clean_uris("post_logout_redirect_uris")

    @staticmethod
    def initial_for(application: Application) -> dict[str, object]:
        policy = policy_of(application)
        return {"name": application.name, "client_type": application.client_type,
                "redirect_uris": "\n".join(application.redirect_uris.split()),
                "post_logout_redirect_uris": "\n".join(application.post_logout_redirect_uris.split()),
                "allowed_scopes": [s for s in policy.allowed_scopes.split() if s != "openid"],
                "skip_authorization": application.skip_authorization, "contact_email": policy.contact_email}


def policy_of(application: Application) -> ClientPolicy:
    try:
        return application.park_policy
    except ClientPolicy.DoesNotExist:
        return ClientPolicy(application=application, allowed_scopes="openid")


def _snapshot(application: Application, policy: ClientPolicy) -> dict[str, object]:
    return {"name": application.name, "client_type": application.client_type,
            "redirect_uris": application.redirect_uris, "post_logout_redirect_uris":
            application.post_logout_redirect_uris, "skip_authorization": application.skip_authorization,
            "allowed_scopes": policy.allowed_scopes, "contact_email": policy.contact_email}


def _apply(application: Application, policy: ClientPolicy, *, name: str, client_type: str, redirect_uris: list[str],
           post_logout_redirect_uris: list[str], allowed_scopes: list[str], skip_authorization: bool,
           contact_email: str) -> str:
    """Set the fields, check them, and return a new secret when the client becomes confidential."""
    secret = ""
    if client_type == Application.CLIENT_CONFIDENTIAL and application.client_type != client_type:
        secret = generate_client_secret()
        application.client_secret = secret
    elif client_type == Application.CLIENT_PUBLIC:
        application.client_secret = ""
    application.name = name.strip()
    application.client_type = client_type
    application.redirect_uris = " ".join(redirect_uris)
    application.post_logout_redirect_uris = " ".join(post_logout_redirect_uris)
    application.skip_authorization = bool(skip_authorization)
    application.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
    application.algorithm = Application.RS256_ALGORITHM
    application.hash_client_secret = client_type == Application.CLIENT_CONFIDENTIAL  # a public client has none
    errors: dict[str, list[StrOrPromise]] = {}
    for field, uris in (("redirect_uris", redirect_uris), ("post_logout_redirect_uris", post_logout_redirect_uris)):
        for uri in uris:
            try:
                validate_redirect_uri(uri)
            except ValidationError as error:
                errors.setdefault(field, []).extend(error.messages)
    if not redirect_uris:
        errors.setdefault("redirect_uris", []).append(_("Give at least one redirect address."))
    if errors:
        raise ValidationError(errors)
    application.full_clean(exclude=["client_secret"])
    application.save()
    policy.application = application
    policy.allowed_scopes = " ".join(["openid", *[s for s in allowed_scopes if s != "openid"]])
    policy.contact_email = contact_email
    policy.full_clean()
    policy.save()
    return secret


def oidc_client_create(*, actor: Any, name: str, client_type: str, redirect_uris: list[str],
                       post_logout_redirect_uris: list[str], allowed_scopes: list[str], skip_authorization: bool,
                       contact_email: str = "") -> tuple[Application, str]:
    """Register a partner system. Returns it and, for a confidential client, its secret (shown once)."""
    require(actor, "oidc.manage_clients")
    with transaction.atomic():
        application = Application(client_type="", client_secret="")
        policy = ClientPolicy()
        secret = _apply(application, policy, name=name, client_type=client_type, redirect_uris=redirect_uris,
                        post_logout_redirect_uris=post_logout_redirect_uris, allowed_scopes=allowed_scopes,
                        skip_authorization=skip_authorization, contact_email=contact_email)
        audit_record(actor=actor, action="oidc.client_created", target=application,
                     changes=_snapshot(application, policy))
    return application, secret


def oidc_client_update(*, actor: Any, application: Application, name: str, client_type: str, redirect_uris: list[str],
                       post_logout_redirect_uris: list[str], allowed_scopes: list[str], skip_authorization: bool,
                       contact_email: str = "") -> str:
    """Change a partner system. Returns a new secret if it became confidential, else ""."""
    require(actor, "oidc.manage_clients", application)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        policy = policy_of(application)
        before = _snapshot(application, policy)
        secret = _apply(application, policy, name=name, client_type=client_type, redirect_uris=redirect_uris,
                        post_logout_redirect_uris=post_logout_redirect_uris, allowed_scopes=allowed_scopes,
                        skip_authorization=skip_authorization, contact_email=contact_email)
        after = _snapshot(application, policy)
        changes: dict[str, object] = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
        if secret:
            changes["secret"] = "issued"
        audit_record(actor=actor, action="oidc.client_changed", target=application, changes=changes)
    return secret


def oidc_client_rotate_secret(*, actor: Any, application: Application) -> str:
    """A new secret for a confidential client; the old one stops working at once. Shown once."""
    require(actor, "oidc.manage_clients", application)
    if application.client_type != Application.CLIENT_CONFIDENTIAL:
        raise ValidationError(_("A public client has no secret."), code="public")
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        secret = generate_client_secret()
        application.client_secret = secret
        application.save(update_fields=["client_secret", "updated"])
        audit_record(actor=actor, action="oidc.client_secret_rotated", target=application)
    return secret


def _revoke_tokens(application: Application) -> int:
    count = 0
    for model in (RefreshToken, AccessToken, IDToken, Grant):
        count += model.objects.filter(application=application).delete()[0]
    return count


def oidc_client_set_disabled(*, actor: Any, application: Application, disabled: bool) -> None:
    """Disable (no sign-in, no token, existing tokens revoked) or enable a partner system again."""
    require(actor, "oidc.manage_clients", application)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        policy = policy_of(application)
        if (policy.disabled_at is not None) == disabled:
            return
        policy.disabled_at = timezone.now() if disabled else None
        policy.full_clean()
        policy.save()
        revoked = _revoke_tokens(application) if disabled else 0
        audit_record(actor=actor, action="oidc.client_disabled" if disabled else "oidc.client_enabled",
                     target=application, changes={"tokens_revoked": revoked} if disabled else {})
