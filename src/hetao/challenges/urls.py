from django.urls import path

from . import views, views_bids, views_calls, views_panel, views_reviews

app_name = "challenges"

urlpatterns = [
    path("topics/", views.topics, name="topics"),
    path("topics/propose/", views.propose, name="propose"),
    path("topics/<int:pk>/", views.topic, name="topic"),
    path("topics/<int:pk>/edit/", views.edit, name="edit"),
    path("my-topics/", views.mine, name="mine"),
    path("screening/topics/", views.queue, name="queue"),
    path("screening/topics/<int:pk>/", views.screen, name="screen"),
    *views_calls.urlpatterns,
    *views_bids.urlpatterns,
    *views_panel.urlpatterns,
    *views_reviews.urlpatterns,
]
