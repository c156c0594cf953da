"""Pages of the challenges app: panel."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
