"""Absolute links and the site's name for email and other messages read outside the park's pages.

Every absolute link the park sends starts from ONE configured public address (`HETAO_PUBLIC_BASE_URL`), never
from the host of whichever request happened to cause the message, and carries the recipient's language.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext


def base_url() -> str:
    return settings.HETAO_PUBLIC_BASE_URL.rstrip("/")


def site_name() -> str:
    """The park's name in the active language (the configured name, translated when the catalogue knows it)."""
    return gettext(settings.HETAO_SITE_NAME)


def subject_prefix() -> str:
    return f"[{site_name()}] "


def language_neutral(path: str) -> str:
    """'/zh-hant/events/5/' → '/events/5/'."""
    for code, _name in settings.LANGUAGES:
        if path == f"/{code}" or path.startswith(f"/{code}/"):
            return path[len(code) + 1:] or "/"
    return path


def localised_path(path: str, language: str) -> str:
    """The path in `language`: a page of the park gets the language prefix, other paths (API, OIDC) stay."""
    bits = urlsplit(path)
    neutral = language_neutral(bits.path or "/")
    with translation.override(language):
        prefixed = f"/{language}{neutral}"
        try:
            resolve(prefixed)
        except Resolver404:
            prefixed = neutral
    return prefixed + (f"?{bits.query}" if bits.query else "") + (f"#{bits.fragment}" if bits.fragment else "")


def absolute_url(target: str, *, language: str | None = None, **kwargs: object) -> str:
    """An absolute link to a page of the park in `language` (default: the active one).

    `target` is a path ('/my-applications/HT-2026-000001/', with or without a language prefix) or a view name
    ('onestop:mine_detail', with its URL arguments as keyword arguments).
    """
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    if target.startswith("/"):
        path = localised_path(target, language)
    else:
        with translation.override(language):
            path = reverse(target, kwargs=kwargs or None)
    return base_url() + path


class PublicSite:
    """Stands in for django.contrib.sites' Site in allauth's email templates (`current_site.name/.domain`)."""

    @property
    def name(self) -> str:
        return site_name()

    @property
    def domain(self) -> str:
        return urlsplit(base_url()).netloc

    def __str__(self) -> str:
        return self.name
