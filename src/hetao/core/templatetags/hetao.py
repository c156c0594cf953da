from django import template

register = template.Library()


@register.filter
def widget_class(bound_field, css: str):
    """Render a form field's widget with Bootstrap classes and the ARIA links to its errors and help."""
    widget = bound_field.field.widget
    input_type = getattr(widget, "input_type", "")
    base = "form-check-input" if input_type in ("checkbox", "radio") else (
        "form-select" if input_type == "select" or widget.__class__.__name__.endswith("Select") else css)
    attrs = {"class": base + (" is-invalid" if bound_field.errors else "")}
    described = []
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
        described.append(f"{bound_field.auto_id}-error")
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}-help")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return bound_field.as_widget(attrs=attrs)
