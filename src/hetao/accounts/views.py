"""Pages of one account: my account, profile, organisations and their members, invitations, person claim."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hetao.registry.models import Organisation, Person

from . import services
from .forms import (
    IdentityDocumentForm,
    InvitationForm,
    JoinRequestForm,
    NewPersonForm,
    PersonClaimForm,
    ProfileForm,
    RevealForm,
)
from .models import IdentityDocument, Invitation, JoinRequest, Membership
from .permissions import can, require


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def home(request):
    user = request.user
    return render(request, "accounts/home.html", {
        "memberships": user.memberships.select_related("organisation").order_by("organisation__name_en"),
        "claims": user.person_claims.select_related("person").order_by("-created_at")[:5],
        "join_requests": user.join_requests.select_related("organisation").filter(status="pending"),
        "invitations": Invitation.objects.filter(email__iexact=user.email, accepted_at__isnull=True)
        .select_related("organisation"),
        "claim_form": PersonClaimForm(),
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
            _add_errors(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:home")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_POST
def claim_person(request):
    form = PersonClaimForm(request.POST)
    if form.is_valid():
        person = Person.objects.filter(pk=form.cleaned_data["person"]).first()
        if person is None:
            messages.error(request, _("There is no person with that number in the registry."))
        else:
            try:
                services.person_claim_create(actor=request.user, person=person)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Thank you. Park staff will confirm that this record is you."))
    else:
        messages.error(request, _("Enter the number of your record in the people directory."))
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
                _add_errors(form, error)
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
            _add_errors(form, error)
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
        document = get_object_or_404(IdentityDocument, pk=request.POST["delete"], user=request.user)
        services.identity_document_delete(actor=request.user, document=document)
        messages.success(request, _("The document was removed."))
        return redirect("accounts:documents")
    if request.method == "POST" and form.is_valid():
        try:
            services.identity_document_add(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
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
            _add_errors(form, error)
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
        response = render(request, "accounts/privacy_export.html", {"data": data})
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
