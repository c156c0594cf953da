"""Who may change the registry of organisations, projects and leases (rules registered with
hetao.core.permissions).

One rule for every registry write: each service asks it (hetao.registry.services), the API's write endpoints
declare it (PermissionSessionAuth) and the admin offers its add, change and delete screens only to whom it allows.
"""

from typing import Any

from hetao.core.permissions import rule
from hetao.core.roles import in_department


@rule("registry.change")
def _registry_change(actor: Any, obj: object) -> bool:  # registry sits below accounts: the actor is duck-typed
    return in_department(actor, "data", "enterprise_services")
