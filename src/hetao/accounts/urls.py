from django.urls import path, re_path

from . import client_views, views

app_name = "accounts"

urlpatterns = [
    path("account/", views.home, name="home"),
    path("account/profile/", views.profile, name="profile"),
    path("account/person/", views.claim_person, name="claim_person"),
    path("account/person/search/", views.person_search, name="person_search"),
    path("account/person/new/", views.create_person, name="create_person"),
    path("account/documents/", views.documents, name="documents"),
    path("account/privacy/", views.privacy, name="privacy"),
    re_path(r"^account/privacy/my-data\.(?P<fmt>json|html)$", views.privacy_export, name="privacy_export"),
    path("staff/documents/<int:pk>/reveal/", views.reveal_document, name="reveal_document"),
    path("staff/partner-systems/", client_views.client_list, name="clients"),
    path("staff/partner-systems/new/", client_views.client_create, name="client_new"),
    path("staff/partner-systems/<int:pk>/", client_views.client_edit, name="client_edit"),
    path("staff/partner-systems/<int:pk>/secret/", client_views.client_secret, name="client_secret"),
    path("staff/partner-systems/<int:pk>/status/", client_views.client_status, name="client_status"),
    path("organisations/<slug:slug>/members/", views.members, name="members"),
    path("organisations/<slug:slug>/join/", views.join, name="join"),
    path("memberships/<int:pk>/", views.membership_action, name="membership_action"),
    path("join-requests/<int:pk>/", views.join_request_action, name="join_request_action"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
]
