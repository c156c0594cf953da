"""Who may publish on the community pages (rules registered with hetao.core.permissions)."""

from hetao.core.permissions import rule
from hetao.core.roles import in_department


@rule("community.publish")
def _publish(actor, obj) -> bool:
    return in_department(actor, "enterprise_services", "talent_services", "data")
