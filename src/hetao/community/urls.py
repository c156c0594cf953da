from django.urls import path

from . import views

app_name = "community"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.mark_read, name="read"),
    path("account/email-settings/", views.email_settings, name="email_settings"),
    path("announcements/", views.announcements, name="announcements"),
    path("events/", views.events, name="events"),
    path("events/<int:pk>/", views.event, name="event"),
    path("groups/", views.groups, name="groups"),
]
