"""A trilingual field shown in another language than the page's carries that language's `lang` attribute."""

import pytest
from django.template import Context, Template
from django.utils import translation

from hetao.registry.models import Organisation, Park


def render(source: str, **context) -> str:
    return Template("{% load trilingual %}" + source).render(Context(context))


class Record:
    def __init__(self, **fields):
        for suffix in ("en", "zh_hans", "zh_hant"):
            setattr(self, f"name_{suffix}", fields.get(suffix, ""))


@pytest.mark.parametrize(("language", "record", "shown"), [
    ("zh-hant", Record(en="Gate", zh_hant="閘口"), "閘口"),
    ("zh-hant", Record(en="Gate"), '<span lang="en">Gate</span>'),
    ("zh-hans", Record(en="Gate", zh_hant="閘口"), '<span lang="zh-Hant">閘口</span>'),
    ("en", Record(zh_hans="闸口"), '<span lang="zh-Hans">闸口</span>'),
    ("en", Record(en="Gate", zh_hans="闸口"), "Gate"),
    ("zh-hans", Record(en="<b>", zh_hans=""), '<span lang="en">&lt;b&gt;</span>'),
    ("zh-hans", Record(), ""),
])
def test_trilingual_marks_only_a_fallback(language, record, shown):
    with translation.override(language):
        assert render('{% trilingual r "name" %}', r=record) == shown


def test_lang_attr_for_a_block_and_plain_attributes_pass_through():
    with translation.override("zh-hant"):
        assert render('<p{% lang_attr r "name" %}>', r=Record(en="Gate")) == '<p lang="en">'
        assert render('<p{% lang_attr r "name" %}>', r=Record(zh_hant="閘口")) == "<p>"
        assert render('{% trilingual r "code" %}', r=type("R", (), {"code": "x<y"})()) == "x&lt;y"
        assert render('{% trilingual r "name" %}', r=None) == ""


@pytest.mark.django_db
def test_the_directory_marks_an_english_only_organisation_on_a_chinese_page(client):
    organisation = Organisation(slug="english-only", kind="enterprise", name_en="English Only Ltd",
                                park=Park.objects.get(code="shenzhen"))
    organisation.full_clean()
    organisation.save()
    for language in ("zh-hans", "zh-hant"):
        html = client.get(f"/{language}/organisations/", {"q": "English Only"}).content.decode()
        assert '<span lang="en">English Only Ltd</span>' in html
        detail = client.get(f"/{language}/organisations/english-only/").content.decode()
        assert '<h1 class="h3 mb-1"><span lang="en">English Only Ltd</span></h1>' in detail
    assert '<span lang="en">' not in client.get("/en/organisations/", {"q": "English Only"}).content.decode()
