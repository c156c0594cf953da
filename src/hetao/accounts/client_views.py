"""The partner-systems page: staff allowed `oidc.manage_clients` list, register, change, disable OpenID Connect
clients and issue a confidential client's secret (shown once). Writes go through hetao.accounts.clients."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from oauth2_provider.models import Application

from hetao.core.forms import add_validation_errors
from hetao.core.permissions import can, require

from . import clients

MANAGE = "oidc.manage_clients"


def _application(request: HttpRequest, pk: int) -> Application:
    application = get_object_or_404(Application.objects.select_related("park_policy"), pk=pk)
    require(request.user, MANAGE, application)
    return application


def _secret_page(request: HttpRequest, application: Application, secret: str) -> HttpResponse:
    """The secret is in this one response only (never stored in clear, never in a redirect or the session)."""
    response = render(request, "accounts/clients/secret.html", {"application": application, "secret": secret})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def client_list(request: HttpRequest) -> HttpResponse:
    require(request.user, MANAGE)
    applications = [a for a in Application.objects.select_related("park_policy").order_by("name", "pk")
                    if can(request.user, MANAGE, a)]
    rows = [{"application": a, "policy": clients.policy_of(a), "redirect_uris": a.redirect_uris.split(),
             "scopes": clients.policy_of(a).allowed_scopes.split()} for a in applications]
    return render(request, "accounts/clients/list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def client_create(request: HttpRequest) -> HttpResponse:
    require(request.user, MANAGE)
    form = clients.ClientForm(request.POST or None, initial={
        "client_type": Application.CLIENT_PUBLIC, "allowed_scopes": ["profile", "email"]})
    if request.method == "POST" and form.is_valid():
        try:
            application, secret = clients.oidc_client_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            if secret:
                return _secret_page(request, application, secret)
            messages.success(request, _("The partner system is registered."))
            return redirect("accounts:client_edit", pk=application.pk)
    return render(request, "accounts/clients/form.html", {"form": form, "application": None})


@login_required
@require_http_methods(["GET", "POST"])
def client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = clients.ClientForm(request.POST or None, initial=clients.ClientForm.initial_for(application))
    if request.method == "POST" and form.is_valid():
        try:
            secret = clients.oidc_client_update(actor=request.user, application=application, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            if secret:
                return _secret_page(request, application, secret)
            messages.success(request, _("The changes are saved."))
            return redirect("accounts:client_edit", pk=application.pk)
    return render(request, "accounts/clients/form.html", {
        "form": form, "application": application, "policy": clients.policy_of(application)})


@login_required
@require_POST
def client_secret(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    try:
        secret = clients.oidc_client_rotate_secret(actor=request.user, application=application)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:client_edit", pk=application.pk)
    return _secret_page(request, application, secret)


@login_required
@require_POST
def client_status(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    action = request.POST.get("action", "")
    if action not in ("disable", "enable"):
        messages.error(request, _("Choose whether to disable or enable the partner system."))
        return redirect("accounts:client_edit", pk=application.pk)
    clients.oidc_client_set_disabled(actor=request.user, application=application, disabled=action == "disable")
    messages.success(request, _("The partner system is disabled: it can no longer sign anyone in.")
                     if action == "disable" else _("The partner system is enabled again."))
    return redirect("accounts:clients")
