from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("people/", views.person_list, name="people"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("projects/", views.project_list, name="projects"),
    path("projects/<str:code>/", views.project_detail, name="project"),
    path("spaces/", views.unit_list, name="spaces"),
    path("parks/<slug:code>/", views.park_detail, name="park"),
]
