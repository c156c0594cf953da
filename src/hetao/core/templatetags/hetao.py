import re

from django import template
from django.forms import BoundField
from django.template.defaultfilters import linebreaks_filter
from django.utils.safestring import SafeString

from hetao.core.sanitize import clean_html

register = template.Library()


@register.filter
def widget_class(bound_field: BoundField, css: str) -> SafeString:
    """Render a form field's widget with Bootstrap classes and the ARIA links to its errors and help."""
    widget = bound_field.field.widget
    input_type = getattr(widget, "input_type", "")
    base = "form-check-input" if input_type in ("checkbox", "radio") else (
        "form-select" if input_type == "select" or widget.__class__.__name__.endswith("Select") else css)
    attrs: dict[str, str | bool] = {"class": base + (" is-invalid" if bound_field.errors else "")}
    described = []
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
        described.append(f"{bound_field.auto_id}-error")
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}-help")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return bound_field.as_widget(attrs=attrs)


@register.filter(is_safe=True)
def safe_html(value: object) -> SafeString:
    """Staff-edited rich text (e.g. a help text) reduced to the safe subset of hetao.core.sanitize; never `|safe`."""
    return clean_html(value)


_BLOCK = re.compile(r"<(p|ul|ol)\b")


@register.filter(is_safe=True)
def safe_paragraphs(value: object) -> SafeString:
    """Like `safe_html`, for longer text (guidance): plain text with blank lines becomes paragraphs."""
    cleaned = clean_html(value)
    return cleaned if _BLOCK.search(cleaned) else linebreaks_filter(cleaned)


@register.filter
def is_optional(bound_field: BoundField) -> bool:
    """Whether a field shows "(optional)": the one place that decides it. A repeatable group's sub-field is
    checked only once its row is used, so the form marks it `aria-required` rather than `required`."""
    field = bound_field.field
    return not field.required and str(field.widget.attrs.get("aria-required", "")).lower() != "true"
