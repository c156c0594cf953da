"""The back office for the community. Nothing here writes around the services: events and interest groups save
through them (event_save, group_save, group_delete: permission, full_clean, audit); registrations, announcements
and notifications are read-only here (people register on the event page, staff publish on the announcements page,
which notifies the audience)."""

from django.contrib import admin

from hetao.core.admin import ReadOnlyAdmin

from . import services
from .models import Announcement, Event, InterestGroup, Notification, Registration


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Events are not deleted here (their registrations and tickets hang on them): close registration instead."""

    list_display = ["title_en", "starts_at", "location", "capacity", "registration_open"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.event_save(actor=request.user, event=obj, fields=form.changed_data)


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["event", "user", "status", "created_at"]
    list_filter = ["status", "event"]


@admin.register(InterestGroup)
class InterestGroupAdmin(admin.ModelAdmin):
    """Members join and leave on the groups page; the back office names, describes and removes groups."""

    list_display = ["title_en", "slug", "member_count"]
    prepopulated_fields = {"slug": ["title_en"]}
    exclude = ["members"]
    readonly_fields = ["member_count"]

    def save_model(self, request, obj, form, change):
        services.group_save(actor=request.user, group=obj, fields=form.changed_data)

    def delete_model(self, request, obj):
        services.group_delete(actor=request.user, group=obj)

    def delete_queryset(self, request, queryset):
        for group in queryset:
            services.group_delete(actor=request.user, group=group)


@admin.register(Announcement)
class AnnouncementAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Read-only here: publishing goes through the announcements page, which notifies the audience."""

    list_display = ["title_en", "audience", "published_at"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["user", "kind", "title", "created_at", "read_at"]
    list_filter = ["kind"]
