from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hetao.core.permissions import can

from . import services
from .models import Announcement, Event, InterestGroup, NotificationKind, Registration


class AnnouncementForm(forms.ModelForm):
    class Meta:
        model = Announcement
        fields = ["title_en", "title_zh_hans", "title_zh_hant", "description_en", "description_zh_hans",
                  "description_zh_hant", "audience", "park", "organisation_kind"]
        labels = {"description_en": gettext_lazy("text (English)"),
                  "description_zh_hans": gettext_lazy("text (Simplified Chinese)"),
                  "description_zh_hant": gettext_lazy("text (Traditional Chinese)")}


class EmailPreferencesForm(forms.Form):
    kinds = forms.MultipleChoiceField(label=gettext_lazy("Also send me by email"), required=False,
                                      choices=NotificationKind.choices, widget=forms.CheckboxSelectMultiple)


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request):
    if request.method == "POST":
        services.notifications_mark_read(actor=request.user)
        return redirect("community:inbox")
    page = Paginator(request.user.notifications.all(), 25).get_page(request.GET.get("page"))
    return render(request, "community/inbox.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def email_settings(request):
    current = {k for k in NotificationKind.values}
    current -= set(request.user.email_preferences.filter(email=False).values_list("kind", flat=True))
    form = EmailPreferencesForm(request.POST or None, initial={"kinds": sorted(current)})
    if request.method == "POST" and form.is_valid():
        services.email_preferences_set(actor=request.user, email_kinds=set(form.cleaned_data["kinds"]),
                                       all_kinds=NotificationKind.values)
        messages.success(request, _("Your email settings are saved."))
        return redirect("community:email_settings")
    return render(request, "community/email_settings.html", {"form": form})


@require_http_methods(["GET", "POST"])
def announcements(request):
    may_publish = can(request.user, "community.publish")
    form = AnnouncementForm(request.POST or None)
    if request.method == "POST":
        if not may_publish:
            raise PermissionDenied
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in form.Meta.fields}
            try:
                services.announcement_publish(actor=request.user, **data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The announcement is published and its audience notified."))
                return redirect("community:announcements")
    page = Paginator(Announcement.objects.select_related("park"), 20).get_page(request.GET.get("page"))
    return render(request, "community/announcements.html", {"page": page, "form": form, "may_publish": may_publish},
                  status=400 if form.errors else 200)


@require_GET
def events(request):
    upcoming = Event.objects.filter(ends_at__gte=timezone.now())
    return render(request, "community/events.html", {"events": upcoming})


@require_http_methods(["GET", "POST"])
def event(request, pk: int):
    event = get_object_or_404(Event, pk=pk)
    mine = None
    if request.user.is_authenticated:
        mine = event.registrations.filter(user=request.user).exclude(status="cancelled").first()
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{_login_url()}?next={request.path}")
        try:
            if request.POST.get("action") == "cancel":
                if mine is None:
                    messages.error(request, _("You have no registration for this event to cancel."))
                else:
                    services.event_cancel(actor=request.user, registration=mine)
                    messages.success(request, _("Your registration is cancelled."))
            else:
                registration = services.event_register(actor=request.user, event=event)
                messages.success(request, registration.get_status_display())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(event.get_absolute_url())
    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
    waiting = event.registrations.filter(status=Registration.Status.WAITLISTED).count()
    return render(request, "community/event.html", {"event": event, "mine": mine, "confirmed": confirmed,
                                                    "waiting": waiting, "free": max(0, event.capacity - confirmed)})


def _login_url() -> str:
    from django.urls import reverse

    return reverse("account_login")


@require_http_methods(["GET", "POST"])
def groups(request):
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{_login_url()}?next={request.path}")
        group = get_object_or_404(InterestGroup, slug=request.POST.get("group", ""))
        if request.POST.get("action") == "leave":
            services.group_leave(actor=request.user, group=group)
        else:
            services.group_join(actor=request.user, group=group)
        return redirect("community:groups")
    mine = set(request.user.interest_groups.values_list("pk", flat=True)) if request.user.is_authenticated else set()
    all_groups = InterestGroup.objects.annotate(n=F("member_count"))  # kept by the join and leave services
    return render(request, "community/groups.html", {"groups": all_groups, "mine": mine})


@require_POST
@login_required
def mark_read(request, pk: int):
    services.notifications_mark_read(actor=request.user, ids=[pk])
    note = get_object_or_404(request.user.notifications, pk=pk)
    return redirect(note.url or "community:inbox")
