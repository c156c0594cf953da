"""A URLconf for tests/core/test_template_speedups.py: the same names at other paths, without language prefix."""

from django.http import HttpResponse
from django.urls import include, path


def _view(request, **kwargs):
    return HttpResponse()


registry = ([path("", _view, name="people"), path("<int:pk>/", _view, name="person")], "registry")
urlpatterns = [path("elsewhere/", include(registry))]
