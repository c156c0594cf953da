"""Staff-edited rich text (help texts and guidance of services, …) reduced to a small safe subset of HTML.

Everything else is removed by nh3 (a maintained Rust sanitiser): scripts, event handlers, styles, SVG,
iframes, and links other than http, https and mailto. Templates show such text with `|safe_html` only.
"""

import nh3
from django.utils.safestring import SafeString, mark_safe

TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a"}
ATTRIBUTES = {"a": {"href"}}  # and no generic ones (nh3 keeps `title` and `lang` everywhere unless told)
URL_SCHEMES = {"http", "https", "mailto"}


def clean_html(value: object) -> SafeString:
    """The HTML subset of `value`, safe to insert into a page."""
    if value is None:
        return mark_safe("")
    # Relative URLs are refused too: a link in staff text must say where it goes.
    cleaned = nh3.clean(str(value), tags=TAGS, attributes={"*": set(), **ATTRIBUTES}, url_schemes=URL_SCHEMES,
                        link_rel="noopener", url_relative="deny", strip_comments=True,
                        clean_content_tags={"script", "style"})
    return mark_safe(cleaned)  # noqa: S308  (cleaned by nh3 above: the one place that marks HTML safe)
