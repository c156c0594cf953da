"""Pages of the challenges app: bids."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
