"""Who may apply, change, submit, withdraw, rate, see and decide applications (rules registered with
hetao.core.permissions). The application workflow (workflow.py) names one of these rules on each transition."""

from hetao.core.permissions import rule
from hetao.core.roles import in_department, is_org_admin


def step_departments(application) -> set[str]:
    return {step.get("department") for step in application.definition.get("steps", [])}


def _is_applicant(actor, application) -> bool:
    return application is not None and application.applicant_id == actor.pk


@rule("onestop.apply")
def _apply(actor, application) -> bool:
    """Start an application (an unsaved Application on the service's current version): the service is open, and
    for an organisation's service the actor is an admin of the organisation applying."""
    service = application.service_version.service
    if not service.published or service.current_version_id != application.service_version_id:
        return False
    if service.applicant == "organisation_admin":
        return application.organisation_id is not None and is_org_admin(actor, application.organisation)
    return True


@rule("onestop.edit")
def _edit(actor, application) -> bool:
    """Save answers into one's own draft (or returned application)."""
    return _is_applicant(actor, application)


@rule("onestop.submit")
def _submit(actor, application) -> bool:
    return _is_applicant(actor, application)


@rule("onestop.withdraw")
def _withdraw(actor, application) -> bool:
    return _is_applicant(actor, application)


@rule("onestop.rate")
def _rate(actor, application) -> bool:
    return _is_applicant(actor, application)


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
