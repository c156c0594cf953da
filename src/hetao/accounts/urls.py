from django.urls import path, re_path

from . import views

app_name = "accounts"

urlpatterns = [
    path("account/", views.home, name="home"),
    path("account/profile/", views.profile, name="profile"),
    path("account/person/", views.claim_person, name="claim_person"),
    path("account/person/new/", views.create_person, name="create_person"),
    path("account/documents/", views.documents, name="documents"),
    path("account/privacy/", views.privacy, name="privacy"),
    re_path(r"^account/privacy/my-data\.(?P<fmt>json|html)$", views.privacy_export, name="privacy_export"),
    path("staff/documents/<int:pk>/reveal/", views.reveal_document, name="reveal_document"),
    path("organisations/<slug:slug>/members/", views.members, name="members"),
    path("organisations/<slug:slug>/join/", views.join, name="join"),
    path("memberships/<int:pk>/", views.membership_action, name="membership_action"),
    path("join-requests/<int:pk>/", views.join_request_action, name="join_request_action"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
]
