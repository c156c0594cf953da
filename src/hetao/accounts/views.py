"""Pages of one account: my account, profile, organisations and their members, invitations, person claim."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hetao.core.forms import add_validation_errors
from hetao.core.params import int_param
from hetao.core.permissions import can, require
from hetao.registry.models import Organisation, Person

from . import services
from .forms import (
    IdentityDocumentForm,
    InvitationForm,
    JoinRequestForm,
    NewPersonForm,
    ProfileForm,
    RevealForm,
)
from .models import IdentityDocument, Invitation, JoinRequest, Membership

CLAIM_RESULTS = 10


def _people_to_claim(q: str):
    """Registry people matching `q` (any script, alias or romanisation) not yet linked to an account; None
    before anything worth searching for was typed."""
    from hetao.registry import selectors

    q = q.strip()[:100]
    if len(q) < 2:
        return None
    return list(selectors.person_list(q=q).filter(account__isnull=True)[:CLAIM_RESULTS])


@login_required
@require_GET
def person_search(request):
    """Results for "find yourself in the registry" (htmx fragment; the home page renders the same without JS)."""
    q = request.GET.get("q", "")
    return render(request, "accounts/person_search_results.html", {"person_query": q,
                                                                   "people": _people_to_claim(q)})


@login_required
def home(request):
    user = request.user
    q = request.GET.get("q", "") if not user.person_id else ""
    return render(request, "accounts/home.html", {
        "person_query": q, "people": _people_to_claim(q),
        "memberships": user.memberships.select_related("organisation").order_by("organisation__name_en"),
        "claims": user.person_claims.select_related("person").order_by("-created_at")[:5],
        "join_requests": user.join_requests.select_related("organisation").filter(status="pending"),
        "invitations": Invitation.objects.filter(email__iexact=user.email, accepted_at__isnull=True)
        .select_related("organisation"),
        "new_person_form": NewPersonForm(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    form = ProfileForm(request.POST or None, initial={
        "first_name": user.first_name, "last_name": user.last_name, "mobile": user.mobile,
        "preferred_language": user.preferred_language})
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(actor=user, user=user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:home")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_POST
def claim_person(request):
    """"This is me" on a search result: a claim that park staff confirm (services.person_claim_create)."""
    person = get_object_or_404(Person, pk=int_param(request.POST, "person", minimum=1))
    try:
        services.person_claim_create(actor=request.user, person=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you. Park staff will confirm that this record is you."))
    return redirect("accounts:home")


@login_required
@require_http_methods(["GET", "POST"])
def members(request, slug: str):
    organisation = get_object_or_404(Organisation, slug=slug)
    require(request.user, "organisation.view_members", organisation)
    manage = can(request.user, "organisation.manage_members", organisation)
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.invitation_create(actor=request.user, organisation=organisation, **form.cleaned_data)
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
                return redirect("accounts:members", slug=slug)
    return render(request, "accounts/members.html", {
        "organisation": organisation, "manage": manage, "form": form,
        "memberships": organisation.memberships.select_related("user").order_by("-role", "user__email"),
        "join_requests": organisation.join_requests.filter(status="pending").select_related("user") if manage else [],
        "invitations": organisation.invitations.filter(accepted_at__isnull=True).order_by("-created_at")
        if manage else [],
    })


@login_required
@require_POST
def membership_action(request, pk: int):
    membership = get_object_or_404(Membership.objects.select_related("organisation"), pk=pk)
    slug = membership.organisation.slug
    try:
        if request.POST.get("action") == "remove":
            services.membership_remove(actor=request.user, membership=membership)
            messages.success(request, _("The member was removed."))
        else:
            services.membership_set_role(actor=request.user, membership=membership, role=request.POST.get("role", ""))
            messages.success(request, _("The role was changed."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    if membership.user_id == request.user.pk and request.POST.get("action") == "remove":
        return redirect("accounts:home")
    return redirect("accounts:members", slug=slug)


@login_required
@require_POST
def join_request_action(request, pk: int):
    join_request = get_object_or_404(JoinRequest.objects.select_related("organisation"), pk=pk)
    try:
        services.join_request_decide(actor=request.user, join_request=join_request,
                                     approve=request.POST.get("decision") == "approve")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("accounts:members", slug=join_request.organisation.slug)


@login_required
@require_http_methods(["GET", "POST"])
def join(request, slug: str):
    organisation = get_object_or_404(Organisation, slug=slug)
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.join_request_create(actor=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Your request was sent to the organisation's admins."))
            return redirect("accounts:home")
    return render(request, "accounts/join.html", {"organisation": organisation, "form": form,
                                                  "allowed": can(request.user, "organisation.request_join",
                                                                 organisation)})


@login_required
@require_http_methods(["GET", "POST"])
def invitation(request, token: str):
    found = Invitation.objects.select_related("organisation").filter(token=token).first()
    error = None
    if request.method == "POST":
        try:
            membership = services.invitation_accept(actor=request.user, token=token)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("You are now a member of %(organisation)s.")
                             % {"organisation": membership.organisation.name})
            return redirect("accounts:home")
    status = 200 if found is not None and error is None else (404 if found is None else 400)
    return render(request, "accounts/invitation.html", {"invitation": found, "error": error}, status=status)


def set_language(request):
    """Django's language switch, which also stores the choice on the account of a signed-in user."""
    from django.views.i18n import set_language as django_set_language

    response = django_set_language(request)
    language = request.POST.get("language")
    user = request.user
    if request.method == "POST" and user.is_authenticated and language in dict(settings.LANGUAGES):
        get_user_model().objects.filter(pk=user.pk).update(preferred_language=language)
        user.preferred_language = language
    return response


@login_required
@require_http_methods(["GET", "POST"])
def documents(request):
    form = IdentityDocumentForm(request.POST or None)
    if request.method == "POST" and request.POST.get("delete"):
        document = get_object_or_404(IdentityDocument, pk=int_param(request.POST, "delete"), user=request.user)
        services.identity_document_delete(actor=request.user, document=document)
        messages.success(request, _("The document was removed."))
        return redirect("accounts:documents")
    if request.method == "POST" and form.is_valid():
        try:
            services.identity_document_add(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("The document is saved. Only its masked number is shown."))
            return redirect("accounts:documents")
    status = 400 if form.errors else 200
    return render(request, "accounts/documents.html", {
        "form": form, "documents": request.user.identity_documents.order_by("added_at")}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def reveal_document(request, pk: int):
    document = get_object_or_404(IdentityDocument.objects.select_related("user"), pk=pk)
    require(request.user, "iddoc.reveal", document)
    form, number = RevealForm(request.POST or None), None
    if request.method == "POST" and form.is_valid():
        try:
            number = services.identity_document_reveal(actor=request.user, document=document, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
    response = render(request, "accounts/reveal.html", {"document": document, "form": form, "number": number})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def privacy(request):
    from .privacy import KEPT_AFTER_DELETION, deletion_request

    if request.method == "POST":
        if request.POST.get("confirm") != "delete":
            messages.error(request, _("Tick the box to confirm that you want your account deleted."))
        else:
            deletion_request(actor=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("Your request is with park staff. We will email you when it is done."))
        return redirect("accounts:privacy")
    return render(request, "accounts/privacy.html", {
        "kept": KEPT_AFTER_DELETION, "pending": request.user.deletion_requests.filter(status="pending").first()})


# Labels of the export's keys in the readable (HTML) copy; the JSON copy keeps the keys.
EXPORT_LABELS = {
    "account": gettext_lazy("Account"), "id": gettext_lazy("Account number"), "email": gettext_lazy("Email address"),
    "first_name": gettext_lazy("Given name"), "last_name": gettext_lazy("Family name"),
    "mobile": gettext_lazy("Mobile number"), "preferred_language": gettext_lazy("Preferred language"),
    "date_joined": gettext_lazy("Joined"), "registry_person": gettext_lazy("Registry person"),
    "email_addresses": gettext_lazy("Email addresses"), "verified": gettext_lazy("Verified"),
    "primary": gettext_lazy("Primary"), "memberships": gettext_lazy("My organisations"),
    "organisation": gettext_lazy("Organisation"), "role": gettext_lazy("Role"), "joined": gettext_lazy("Joined"),
    "identity_documents": gettext_lazy("Identity documents"), "kind": gettext_lazy("Kind"),
    "country": gettext_lazy("Issuing country"), "number": gettext_lazy("Number"), "added": gettext_lazy("Added"),
    "two_factor_methods": gettext_lazy("Two-factor authentication"), "known_devices": gettext_lazy("Known devices"),
    "browser": gettext_lazy("Browser"), "first_seen": gettext_lazy("First seen"),
    "notifications": gettext_lazy("Notifications"), "title": gettext_lazy("Title"), "body": gettext_lazy("Message"),
    "at": gettext_lazy("Time"), "event_registrations": gettext_lazy("Event registrations"),
    "event": gettext_lazy("Event"), "status": gettext_lazy("Status"),
    "interest_groups": gettext_lazy("Interest groups"), "security_events": gettext_lazy("Security events"),
    "action": gettext_lazy("Action"),
    "ip": gettext_lazy("IP address"),
}


def _readable(value):
    """The export with its keys labelled in the page's language and yes/no for flags (for the HTML copy)."""
    if isinstance(value, dict):
        return {str(EXPORT_LABELS.get(key, key)): _readable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_readable(item) for item in value]
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value


@login_required
@require_GET
def privacy_export(request, fmt: str):
    import json

    from django.http import HttpResponse

    from .privacy import export_data

    data = export_data(request.user)
    if fmt == "json":
        response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="hetao-my-data.json"'
    else:
        response = render(request, "accounts/privacy_export.html", {"data": _readable(data)})
        response["Content-Disposition"] = 'attachment; filename="hetao-my-data.html"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def create_person(request):
    form = NewPersonForm(request.POST)
    if form.is_valid():
        try:
            services.person_create_for_account(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your record is in the registry and linked to your account."))
    else:
        messages.error(request, _("Choose where you are from."))
    return redirect("accounts:home")
