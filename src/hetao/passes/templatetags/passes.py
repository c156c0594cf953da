"""Passes' part of other apps' pages. Community's event page shows the ticket through `{% event_ticket %}`, so
community (below passes) never imports passes: the template reaches it by tag name."""

from typing import TYPE_CHECKING

from django import template

from hetao.passes.services import qr_svg, ticket_for

if TYPE_CHECKING:
    from hetao.community.models import Registration

register = template.Library()


@register.inclusion_tag("passes/event_ticket.html")
def event_ticket(registration: "Registration | None") -> dict[str, dict[str, str] | None]:
    """The holder's ticket for a confirmed registration at an event with gates; nothing otherwise."""
    code = ticket_for(registration) if registration is not None else None
    return {"ticket": {"code": code, "qr": qr_svg(code)} if code else None}
