"""The helpers that let a page prepare its rows once (hetao.core.templatetags.reverse_cache and trilingual_html)
and the layout keep its constant parts (`{% memo %}`) give exactly what the slow path gives."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from hetao.core.templatetags.reverse_cache import cached_url, row_url, url_env
from hetao.core.templatetags.trilingual import trilingual_html


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
@pytest.mark.parametrize(("name", "kwarg", "value"), [
    ("registry:organisation", "slug", "hkust-sz-hk-institute"),
    ("registry:person", "pk", 42),
    ("registry:project", "code", "HT-2024_Q1"),
    ("registry:project", "code", "a b?é"),  # quoted by reverse(): not from the cache
    ("registry:park", "code", "shenzhen"),
])
def test_row_url_is_reverse(language, name, kwarg, value):
    with translation.override(language):
        expected = reverse(name, kwargs={kwarg: value})
        assert row_url(name, kwarg, value) == expected
        assert row_url(name, kwarg, value, url_env()) == expected
        assert cached_url("registry:people") == reverse("registry:people")


def test_the_cache_follows_the_language_and_the_urlconf():
    with translation.override("zh-hant"):
        assert row_url("registry:person", "pk", 1) == "/zh-hant/people/1/"
    with translation.override("en"):
        assert row_url("registry:person", "pk", 1) == "/en/people/1/"
    with override_settings(ROOT_URLCONF="tests.core.urls_for_reverse_cache"), translation.override("en"):
        assert row_url("registry:person", "pk", 1) == "/elsewhere/1/"
        assert cached_url("registry:people") == "/elsewhere/"
    with translation.override("en"):
        assert row_url("registry:person", "pk", 1) == "/en/people/1/"


class Record:
    def __init__(self, **names):
        for suffix in ("en", "zh_hans", "zh_hant"):
            setattr(self, f"name_{suffix}", names.get(suffix, ""))


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
@pytest.mark.parametrize("record", [Record(en="Gate", zh_hant="閘口"), Record(en="<b>"), Record(zh_hans="闸口"),
                                    Record(), None])
def test_trilingual_html_is_the_tag(language, record):
    with translation.override(language):
        tag = Template('{% load trilingual %}{% trilingual r "name" %}').render(Context({"r": record}))
        assert trilingual_html(record, "name") == tag
        active = {"en": "en", "zh-hans": "zh_hans", "zh-hant": "zh_hant"}[language]
        assert trilingual_html(record, "name", active) == tag


def test_memo_renders_once_per_language():
    template = Template('{% load i18n static memo reverse_cache %}'
                        '{% memo %}<a href="{% cached_url "registry:people" %}">{% translate "People" %}</a>'
                        '{% static "hetao/css/app.css" %}{% endmemo %}')
    with translation.override("en"):
        english = template.render(Context())
        assert english.startswith('<a href="/en/people/">People</a>')
        assert template.render(Context()) == english
    with translation.override("zh-hant"):
        chinese = template.render(Context())
    assert chinese.startswith('<a href="/zh-hant/people/">') and "People" not in chinese


@pytest.mark.parametrize("inside", ["{{ user }}", "{% translate name %}", '{% translate "x" as y %}',
                                    '{% cached_url "registry:people" as url %}', "{% if x %}x{% endif %}",
                                    "{% csrf_token %}", '{% static path %}'])
def test_memo_refuses_what_may_differ_between_requests(inside):
    with pytest.raises(TemplateSyntaxError):
        Template("{% load i18n static memo reverse_cache %}{% memo %}" + inside + "{% endmemo %}")
