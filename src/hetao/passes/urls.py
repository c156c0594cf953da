from django.urls import path

from . import views

app_name = "passes"

urlpatterns = [
    path("code/", views.my_code, name="my_code"),
    path("code/refresh/", views.my_code_fragment, name="my_code_fragment"),
    path("code/lost-phone/", views.lost_phone, name="lost_phone"),
    path("visitors/", views.invite_visitor, name="invite_visitor"),
    path("gate/", views.scanner, name="scanner"),
    path("gate/check/", views.scanner_check, name="scanner_check"),
    path("access-log/", views.access_log, name="access_log"),
]
