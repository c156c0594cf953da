"""Staff-edited HTML is reduced to a safe subset wherever it is shown (issue 8, item 3)."""

import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django import forms
from django.core.management import call_command
from django.template.loader import render_to_string

from hetao.core.sanitize import ATTRIBUTES, TAGS, URL_SCHEMES, clean_html

SRC = Path(__file__).resolve().parents[2] / "src" / "hetao"

XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">click</a>',
    '<a href=" javascript:alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
    '<a href="vbscript:msgbox(1)">click</a>',
    '<a href="https://example.org" onclick="alert(1)" style="position:fixed">click</a>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background-image:url(javascript:alert(1))">text</p>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<form action="https://evil.example"><button>go</button></form>',
    '<input autofocus onfocus="alert(1)">',
    '<body onload="alert(1)">',
    '<details open ontoggle="alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<!--<img src=x onerror=alert(1)>-->",
    '<p title="</p><script>alert(1)</script>">x</p>',
    '<scr<script>ipt>alert(1)</scr</script>ipt>',
    '"><img src=x onerror=alert(1)>',
    '<a href="/relative">relative</a>',
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
]


class Inspector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def assert_inert(html: str) -> None:
    inspector = Inspector()
    inspector.feed(html)
    for tag, attrs in inspector.tags:
        assert tag in TAGS, html
        for name, value in attrs:
            assert name in ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set()), html
            if name == "href":
                assert value and value.split(":", 1)[0].lower() in URL_SCHEMES, html
    assert not re.search(r"javascript:|<script|onerror|onload", html, re.IGNORECASE), html


@pytest.mark.parametrize("payload", XSS)
def test_nothing_executable_survives(payload):
    assert_inert(clean_html(payload))
    assert_inert(clean_html(f"<p>Intro</p>{payload}<p>Outro</p>"))


def test_the_safe_subset_is_kept():
    html = ('<p>Bring <strong>two</strong> <em>copies</em>:<br></p><ul><li>one</li></ul><ol><li>two</li></ol>'
            '<a href="https://www.szhetao.gov.cn/">Hetao</a> <a href="mailto:help@example.org">mail</a>')
    cleaned = clean_html(html)
    for kept in ("<strong>two</strong>", "<em>copies</em>", "<br>", "<ul><li>one</li></ul>", "<ol><li>two</li></ol>",
                 '<a href="https://www.szhetao.gov.cn/" rel="noopener">Hetao</a>',
                 '<a href="mailto:help@example.org" rel="noopener">mail</a>'):
        assert kept in cleaned
    assert clean_html("a < b & c") == "a &lt; b &amp; c"


def test_help_text_in_forms_is_cleaned():
    class Form(forms.Form):
        name = forms.CharField(help_text='<strong>Required</strong><img src=x onerror="alert(1)"><script>x()</script>')

    html = render_to_string("includes/form_fields.html", {"form": Form()})
    assert "<strong>Required</strong>" in html
    assert "onerror" not in html and "<script" not in html and "<img" not in html


@pytest.mark.django_db
def test_service_help_and_guidance_are_cleaned_on_the_pages(client, member_user, tmp_path):
    seed = SRC / "onestop" / "services_seed" / "kehuitong-filing.json"
    data = json.loads(seed.read_text(encoding="utf-8"))
    evil = '<em>Note</em><svg onload="alert(1)"></svg><a href="javascript:alert(1)">x</a><script>alert(2)</script>'
    data["code"] = "xss-check"
    data["definition"]["guidance"] = {"en": evil, "zh_hans": evil, "zh_hant": evil}
    data["definition"]["pages"][0]["fields"][0]["help"] = {"en": evil, "zh_hans": evil, "zh_hant": evil}
    path = tmp_path / "xss.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    call_command("import_services", str(path), stdout=io.StringIO())
    from hetao.onestop import services
    from hetao.onestop.models import Service

    service = Service.objects.get(code="xss-check")
    service.applicant = Service.Applicant.PERSON  # no organisation needed to open the form
    service.save()
    page = client.get("/en/services/xss-check/").content.decode()
    assert "<em>Note</em>" in page
    application = services.application_start(actor=member_user, service=service)
    client.force_login(member_user)
    form = client.get(f"/en/applications/{application.pk}/page/0/").content.decode()
    assert "<em>Note</em>" in form
    for html in (page, form):
        assert "alert(1)" not in html and "alert(2)" not in html and "<svg" not in html


def test_no_template_or_view_marks_text_safe_unsanitised():
    """The class: `|safe`, `{% autoescape off %}` and `mark_safe` appear nowhere but in the sanitiser."""
    offenders = []
    for path in SRC.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"\|\s*safe\b(?!_)|autoescape\s+off|\|\s*safeseq", text):
            offenders.append(str(path.relative_to(SRC)))
    for path in SRC.rglob("*.py"):
        if path.name == "sanitize.py" and path.parent.name == "core":
            continue
        if re.search(r"\bmark_safe\s*\(|\bSafeString\s*\(", path.read_text(encoding="utf-8")):
            offenders.append(str(path.relative_to(SRC)))
    assert offenders == []
