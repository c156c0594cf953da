"""The application workflow of one network, declared once (hetao.core.workflow).

Every change of an application's state is a row of this table: the states it may start from, where it goes, the
permission rule that allows it (onestop/permissions.py), any extra condition, and its button. The services ask
`APPLICATION.begin(actor, application, action)` after locking the row; the applicant's and the officer's pages
and the API show exactly `APPLICATION.available(user, application)`. The approval steps themselves are data (the
service definition's `steps`, each owned by a department): `approve` goes to the next step or to approved, and a
step with `second_signoff` needs a first sign-off, then the approval of a different officer.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from hetao.core.workflow import Transition, Workflow

from .models import Status

__all__ = ["APPLICATION", "DECISIONS", "OFFICER_ACTIONS", "NextStepOrApproved", "awaits_first_signoff",
           "needs_second_signoff"]

OPEN = (Status.SUBMITTED, Status.IN_REVIEW)  # waiting for an officer of the current step's department


def needs_second_signoff(application) -> bool:
    return bool((application.current_step or {}).get("second_signoff"))


def awaits_first_signoff(application) -> bool:
    return needs_second_signoff(application) and application.first_signoff_by_id is None


def _not_yet_saved(actor, application) -> bool:
    """`start` makes the application: it is offered for a new one, never again for a saved draft."""
    return application._state.adding


def _first_signoff_due(actor, application) -> bool:
    return awaits_first_signoff(application)


def _may_approve(actor, application) -> bool:
    """A step with a second sign-off is approved by an officer other than the one who gave the first."""
    if not needs_second_signoff(application):
        return True
    return application.first_signoff_by_id is not None and application.first_signoff_by_id != actor.pk


@dataclass(frozen=True)
class NextStepOrApproved:
    """The target of `approve`: the next approval step (in review again), or approved after the last step."""

    states: tuple[str, ...] = (Status.IN_REVIEW, Status.APPROVED)  # every state it can answer (for the table's tests)

    def __call__(self, application) -> str:
        more = application.step_index + 1 < len(application.definition.get("steps", []))
        return Status.IN_REVIEW if more else Status.APPROVED


APPLICATION = Workflow("onestop.application", [
    # ── The applicant ──
    Transition("start", source=[Status.DRAFT], target=Status.DRAFT, permission="onestop.apply",
               label=_("Apply"), style="primary", condition=_not_yet_saved,
               side_effects=("answers the park already holds are filled in (the applicant consents at submission)",
                             "audit onestop.application.start")),
    Transition("save", source=[Status.DRAFT, Status.RETURNED], target=lambda application: application.status,
               permission="onestop.edit", label=_("Save"), style="outline-secondary",
               side_effects=("answers cleaned by formdef.clean_answers; hidden fields' answers dropped",
                             "uploaded files kept in the applicant's documents locker")),
    Transition("submit", source=[Status.DRAFT], target=Status.SUBMITTED, permission="onestop.submit",
               label=_("Submit the application"), style="primary",
               side_effects=("reference HT-<year>-<number> (ReferenceCounter, under a row lock)",
                             "committed decision date in working days (the service's calendar)",
                             "the first step's department and due date",
                             "Transition 'submit' and audit onestop.application.submit (and .consent if details were "
                             "reused)",
                             "the applicant is notified after commit")),
    Transition("resubmit", source=[Status.RETURNED], target=Status.IN_REVIEW, permission="onestop.submit",
               label=_("Send the changes"), style="primary",
               side_effects=("the current step starts again (new due date, first sign-off cleared)",
                             "Transition 'resubmit' and audit onestop.application.resubmit")),
    # ── Officers of the current step's department ──
    Transition("claim", source=OPEN, target=Status.IN_REVIEW, permission="onestop.decide",
               label=_("Take it"), style="outline-secondary",
               side_effects=("assigned to the officer; audit onestop.application.assign (no Transition)",)),
    Transition("assign", source=OPEN, target=Status.IN_REVIEW, permission="onestop.decide",
               label=_("Assign"), style="outline-secondary",
               side_effects=("assigned to an officer of the step's department; audit onestop.application.assign",)),
    Transition("first_signoff", source=OPEN, target=Status.IN_REVIEW, permission="onestop.decide",
               label=_("Give the first sign-off"), style="primary", condition=_first_signoff_due,
               side_effects=("the first of two sign-offs at a second-sign-off step; the applicant is not notified",
                             "Transition 'first_signoff' and audit")),
    Transition("approve", source=OPEN, target=NextStepOrApproved(), permission="onestop.decide",
               label=_("Approve"), style="primary", condition=_may_approve,
               side_effects=("the next step (its department, due date, unassigned), or approved with decided_at",
                             "at a second-sign-off step the Transition names the first officer (first_signoff_by; "
                             "the database refuses the same officer twice)",
                             "Transition 'approve', audit, and the applicant is notified after commit")),
    Transition("return", source=OPEN, target=Status.RETURNED, permission="onestop.decide",
               label=_("Return for changes"), style="warning",
               side_effects=("needs a comment to the applicant", "Transition 'return', audit, applicant notified")),
    Transition("reject", source=OPEN, target=Status.REJECTED, permission="onestop.decide",
               label=_("Reject"), style="outline-danger",
               side_effects=("needs a comment to the applicant; decided_at set",
                             "Transition 'reject', audit, applicant notified")),
    # ── The applicant, until a decision ──
    Transition("withdraw", source=[Status.SUBMITTED, Status.IN_REVIEW, Status.RETURNED], target=Status.WITHDRAWN,
               permission="onestop.withdraw", label=_("Withdraw"), style="outline-danger",
               side_effects=("Transition 'withdraw' and audit onestop.application.withdraw",)),
])

# The officer's decision form (one comment, one note, a button per decision) and everything an officer may do.
DECISIONS = ("first_signoff", "approve", "return", "reject")
OFFICER_ACTIONS = ("claim", "assign", *DECISIONS)
