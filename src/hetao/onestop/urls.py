from django.urls import path

from . import verify, views

app_name = "onestop"

urlpatterns = [
    path("services/", views.catalogue, name="catalogue"),
    path("services/figures/", views.figures, name="figures"),
    path("services/<slug:code>/", views.service, name="service"),
    path("applications/<int:pk>/page/<int:index>/", views.page, name="page"),
    path("applications/<int:pk>/check/", views.check, name="check"),
    path("applications/done/<str:reference>/", views.confirmation, name="confirmation"),
    path("my-applications/", views.mine, name="mine"),
    path("my-applications/<str:reference>/", views.mine_detail, name="mine_detail"),
    path("my-applications/<str:reference>/receipt.pdf", views.receipt, name="receipt"),
    path("my-applications/<str:reference>/decision.pdf", views.letter, name="letter"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("verify/<str:token>/", verify.verify, name="verify"),
    path("work/", views.queue, name="queue"),
    path("work/<str:reference>/", views.review, name="review"),
]
