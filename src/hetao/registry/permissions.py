"""Who may change the registry of organisations, projects and leases (rules registered with
hetao.core.permissions)."""

from hetao.core.permissions import rule
from hetao.core.roles import in_department


@rule("registry.change")
def _registry_change(actor, obj) -> bool:
    return in_department(actor, "data", "enterprise_services")
