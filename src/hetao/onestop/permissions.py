"""Who may see and decide applications (rules registered with hetao.core.permissions)."""

from hetao.core.permissions import rule
from hetao.core.roles import in_department


def step_departments(application) -> set[str]:
    return {step.get("department") for step in application.definition.get("steps", [])}


@rule("onestop.view")
def _view(actor, application) -> bool:
    if application.applicant_id == actor.pk:
        return True
    return application.status != "draft" and in_department(actor, *step_departments(application))


@rule("onestop.decide")
def _decide(actor, application) -> bool:
    step = application.current_step
    return step is not None and application.applicant_id != actor.pk and in_department(actor, step["department"])


@rule("onestop.work_queue")
def _queue(actor, obj) -> bool:
    return actor.is_staff and actor.staff_roles.exists() or actor.is_superuser


@rule("onestop.manage_services")
def _manage(actor, obj) -> bool:
    return in_department(actor, "data") or in_department(actor, "enterprise_services", head=True)


@rule("onestop.figures")
def _figures(actor, obj) -> bool:
    return actor.is_staff and (actor.is_superuser or actor.staff_roles.exists())
