"""Trilingual fields in templates, with the language of a fallback marked.

    {% load trilingual %}
    {% trilingual organisation "name" %}         → 河套深港科技创新合作区, or <span lang="en">Hetao …</span>
    <div{% lang_attr event "description" %}>{{ event.description|linebreaks }}</div>   → <div lang="en">…

Text in the page's own language is left unmarked; text that fell back to another language (an English-only
record on a Chinese page) gets that language's BCP 47 tag, as WCAG 3.1.2 (language of parts) asks.
"""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

from hetao.core.trilingual import LANGUAGE_TAGS, active_suffix, localised_with_language

register = template.Library()


def _fallback(obj: object, field: str, active: str | None = None) -> tuple[str, str | None]:
    """(text, BCP 47 tag if the text is not in the active language else None)."""
    if obj is None:
        return "", None
    if not hasattr(obj, f"{field}_en"):  # not a trilingual field: shown as it is
        return getattr(obj, field, ""), None
    active = active or active_suffix()
    text, suffix = localised_with_language(obj, field, active)
    return text, (LANGUAGE_TAGS[suffix] if text and suffix != active else None)


def trilingual_html(obj: object, field: str, active: str | None = None) -> SafeString:
    """What `{% trilingual obj field %}` renders, for code that prepares many rows at once (`active`: the
    column suffix of the page's language, hetao.core.trilingual.active_suffix(), looked up once)."""
    text, tag = _fallback(obj, field, active)
    if tag:
        return format_html('<span lang="{}">{}</span>', tag, text)
    return conditional_escape(text)


@register.simple_tag
def trilingual(obj: object, field: str) -> SafeString:
    return trilingual_html(obj, field)


@register.simple_tag
def lang_attr(obj: object, field: str) -> str:
    _text, tag = _fallback(obj, field)
    return format_html(' lang="{}"', tag) if tag else ""


def free_text_tag(text: object) -> str | None:
    """The BCP 47 tag to mark free text written in one language (a criterion's description, a bid's summary)
    when its script shows it is not in the page's language: Latin-only text on a Chinese page is English;
    text with Chinese characters on the English page is Chinese. None when it matches the page."""
    value = str(text or "")
    if not value.strip():
        return None
    chinese = any("\u3400" <= ch <= "\u9fff" for ch in value)
    active = active_suffix()
    if active == "en":
        return "zh" if chinese else None
    return None if chinese else LANGUAGE_TAGS["en"]


@register.simple_tag
def free_text_lang(text: object) -> str:
    """` lang="…"` for an element holding single-language free text, or nothing (see `free_text_tag`)."""
    tag = free_text_tag(text)
    return format_html(' lang="{}"', tag) if tag else ""
