"""`reverse()` once per URL name and language, then string joins: for the links of a list's rows and the
layout's menu.

Django's `reverse()` walks the URL resolver each call (~50 µs); a directory page of 25 rows with two links
each spends more on that than on its query. `row_url("registry:organisation", "slug", org.slug)` reverses
the name once per language, script prefix and URLconf with a marker in place of the value, and then only
joins strings. A value that a converter might quote or refuse (anything but letters, digits, "-" and "_")
goes through `reverse()` itself, so the result is always what `reverse()` gives.

In templates, `{% load reverse_cache %}{% cached_url "registry:home" as home_url %}` is `{% url %}` for a URL
without arguments (base.html's menu: some twenty links on every page), reversed once per language.
"""

import re

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Library
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

register = Library()

_MARKER = "8080808080808080"  # digits: valid for the int, slug and str converters alike
_PLAIN = re.compile(r"[-A-Za-z0-9_]+").fullmatch
_SPLITS: dict[tuple, tuple[str, str] | None] = {}
_PLAIN_URLS: dict[tuple, str] = {}


@receiver(setting_changed)
def _forget(**kwargs: object) -> None:
    """A test changed a setting (URLconf, languages, …): reverse anew."""
    _SPLITS.clear()
    _PLAIN_URLS.clear()


def url_env() -> tuple:
    """What a reversed URL depends on besides its name and arguments: look it up once for many `row_url`s."""
    return get_language(), get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF


def _key(viewname: str, *rest: str, env: tuple | None = None) -> tuple:
    return (viewname, *rest, *(env or url_env()))


@register.simple_tag
def cached_url(viewname: str) -> str:
    """`{% url viewname %}` (no arguments), reversed once per language, script prefix and URLconf."""
    key = _key(viewname)
    try:
        return _PLAIN_URLS[key]
    except KeyError:
        _PLAIN_URLS[key] = url = reverse(viewname)
        return url


def _split(viewname: str, kwarg: str, env: tuple | None) -> tuple[str, str] | None:
    key = _key(viewname, kwarg, env=env)
    try:
        return _SPLITS[key]
    except KeyError:
        pass
    parts = reverse(viewname, kwargs={kwarg: _MARKER}).split(_MARKER)
    _SPLITS[key] = found = (parts[0], parts[1]) if len(parts) == 2 else None
    return found


def row_url(viewname: str, kwarg: str, value: object, env: tuple | None = None) -> str:
    """`reverse(viewname, kwargs={kwarg: value})`, cached as a prefix and a suffix (`env`: url_env(), when
    the caller makes many URLs at once)."""
    text = str(value)
    if _PLAIN(text):
        split = _split(viewname, kwarg, env)
        if split is not None:
            return split[0] + text + split[1]
    return reverse(viewname, kwargs={kwarg: value})
