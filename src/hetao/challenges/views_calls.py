"""Pages of the challenges app: calls."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
