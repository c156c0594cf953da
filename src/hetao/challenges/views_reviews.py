"""Pages of the challenges app: reviews."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
