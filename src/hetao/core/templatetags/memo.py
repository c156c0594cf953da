"""`{% memo %}…{% endmemo %}`: a part of a template that depends only on the language, rendered once per
language and process.

The layout (base.html) renders some sixty translations, links and static paths on every page, the same for every
visitor. Inside `{% memo %}` only text, `{% translate %}` of a literal, `{% static %}` of a literal and
`{% cached_url %}` of a literal may stand (anything else is a TemplateSyntaxError when the template is compiled),
so what is kept can differ only by language. The rendered text lives on the compiled template's node: a template
compiled anew (development, no cached loader) starts empty, and a changed setting (tests) empties them all.
"""

import weakref

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import FilterExpression, Node, NodeList, Parser, TextNode, Token
from django.template.context import Context
from django.template.library import SimpleNode
from django.templatetags.i18n import TranslateNode
from django.templatetags.static import StaticNode
from django.utils.translation import get_language

register = template.Library()
_NODES: "weakref.WeakSet[MemoNode]" = weakref.WeakSet()


@receiver(setting_changed)
def _forget(**kwargs: object) -> None:
    for node in list(_NODES):
        node.rendered.clear()


def _literal(expression: FilterExpression) -> bool:
    """A filter expression that is a quoted constant without filters."""
    var = expression.var
    return not expression.filters and (isinstance(var, str) or getattr(var, "literal", None) is not None)


def _constant(node: Node) -> bool:
    """Whether a node renders the same for every request in one language (and sets no variable)."""
    from .reverse_cache import cached_url

    if isinstance(node, TextNode):
        return True
    if isinstance(node, TranslateNode):
        return _literal(node.filter_expression) and node.asvar is None and node.message_context is None
    if isinstance(node, StaticNode):
        return node.varname is None and _literal(node.path)
    return (isinstance(node, SimpleNode) and node.func is cached_url and node.target_var is None
            and not node.kwargs and all(_literal(arg) for arg in node.args))


class MemoNode(Node):
    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist
        self.rendered: dict[tuple[str | None, bool], str] = {}
        _NODES.add(self)

    def render(self, context: Context) -> str:
        key = (get_language(), context.autoescape)
        text = self.rendered.get(key)
        if text is None:
            text = self.rendered[key] = self.nodelist.render(context)
        return text


@register.tag
def memo(parser: Parser, token: Token) -> MemoNode:
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    for node in nodelist:
        if not _constant(node):
            raise template.TemplateSyntaxError(
                f"{{% memo %}} may hold only text, and translate, static and cached_url of literals: not {node!r}")
    return MemoNode(nodelist)
