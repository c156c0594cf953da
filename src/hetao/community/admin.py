from django.contrib import admin

from .models import Announcement, Event, InterestGroup, Notification, Registration


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title_en", "starts_at", "location", "capacity", "registration_open"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["event", "user", "status", "created_at"]
    list_filter = ["status", "event"]


@admin.register(InterestGroup)
class InterestGroupAdmin(admin.ModelAdmin):
    list_display = ["title_en", "slug"]
    prepopulated_fields = {"slug": ["title_en"]}
    filter_horizontal = ["members"]


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    """Read-only here: publishing goes through the announcements page, which notifies the audience."""

    list_display = ["title_en", "audience", "published_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "title", "created_at", "read_at"]
    list_filter = ["kind"]
