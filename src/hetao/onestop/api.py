"""One network on the API: the catalogue (public) and the signed-in user's own applications.

The API uses the same form engine and services as the pages, so it rejects exactly what the form rejects,
with the same messages (422, by field): answers are cleaned in `services.application_save_page` by
`formdef.clean_answers`, whatever the channel."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from ninja.security import SessionAuth

from hetao.api.schemas import Key, Pagination, PathId, Reference
from hetao.core.permissions import require
from hetao.core.trilingual import localised
from hetao.registry.models import Organisation

from . import selectors, services
from .models import Application, Category, Service
from .workflow import APPLICATION

router = Router(tags=["services"])
session = SessionAuth()


class ServiceOut(Schema):
    code: str
    name: str
    category: str
    summary: str
    working_days: int
    applicant: str
    fee_amount: str | None
    fee_currency: str
    url: str

    @staticmethod
    def resolve_name(obj):
        return localised(obj, "name")

    @staticmethod
    def resolve_summary(obj):
        return localised(obj, "description")

    @staticmethod
    def resolve_fee_amount(obj):
        return str(obj.fee_amount) if obj.fee_amount is not None else None

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class ServiceDetail(ServiceOut):
    version: int
    definition: dict

    @staticmethod
    def resolve_version(obj):
        return obj.current_version.number

    @staticmethod
    def resolve_definition(obj):
        return obj.current_version.definition


class ApplicationOut(Schema):
    id: int
    reference: str | None
    service: str
    status: str
    answers: dict
    submitted_at: datetime.datetime | None
    due_date: datetime.date | None
    # What the caller may do with it now: the workflow's available transitions (onestop/workflow.py), e.g.
    # ["save", "submit"] on a draft, ["withdraw"] once submitted, [] once decided.
    actions: list[str]

    @staticmethod
    def resolve_service(obj):
        return obj.service_version.service.code

    @staticmethod
    def resolve_answers(obj):
        return obj.data

    @staticmethod
    def resolve_actions(obj, context):
        return [t.action for t in APPLICATION.available(context["request"].user, obj)]


class StartIn(Schema):
    service: str
    organisation: str | None = None


class AnswersIn(Schema):
    answers: dict


class SubmitIn(Schema):
    consent: bool = False


@router.get("/services", response=list[ServiceOut])
@paginate(Pagination)
def list_services(request, q: str = "", category: Category | None = None):
    return selectors.catalogue(q=q, category=category or "")


@router.get("/services/{code}", response=ServiceDetail)
def get_service(request, code: Key):
    return get_object_or_404(Service.objects.select_related("current_version"), code=code, published=True,
                             current_version__isnull=False)


def _mine(request, pk: int) -> Application:
    application = get_object_or_404(Application.objects.select_related("service_version__service"), pk=pk)
    if application.applicant_id != request.user.pk:
        raise Http404  # do not reveal other people's applications
    return application


def _readable(request, application: Application) -> Application:
    try:
        require(request.user, "onestop.view", application)
    except PermissionDenied as exc:
        raise Http404 from exc  # do not reveal that it exists
    return application


@router.get("/applications", response=list[ApplicationOut], auth=session)
@paginate(Pagination)
def list_applications(request):
    return selectors.my_applications(request.user)


@router.post("/applications", response={201: ApplicationOut}, auth=session)
def start_application(request, payload: StartIn):
    service = get_object_or_404(Service, code=payload.service)
    organisation = get_object_or_404(Organisation, slug=payload.organisation) if payload.organisation else None
    return Status(201, services.application_start(actor=request.user, service=service, organisation=organisation))


# By number (`/applications/42`: drafts have no reference yet) and by reference (`/applications/HT-2026-000001`):
# each path matches only its own shape (a `reference` converter), so the two never meet; anything else under
# /api/v1/ is a JSON 404. Both read only what the caller may see, else 404.
@router.get("/applications/{int:pk}", response=ApplicationOut, auth=session)
def get_application_by_id(request, pk: PathId):
    """An application by its number: your own (drafts too), or one your department works on."""
    return _readable(request, get_object_or_404(
        Application.objects.select_related("service_version__service"), pk=pk))


@router.patch("/applications/{int:pk}", response=ApplicationOut, auth=session)
def save_answers(request, pk: PathId, payload: AnswersIn):
    """Save answers to your draft, by field id. Each is cleaned exactly as the form cleans it (the same
    `formdef.clean_answers`) and only cleaned values are stored; answers to fields that a condition hides
    are dropped. A wrong JSON type, a bad value or an unknown field is a 422 with messages by field.
    Files are uploaded on the application's page (a file answer may be sent back unchanged)."""
    application = _mine(request, pk)
    return services.application_save_page(actor=request.user, application=application, page_answers=payload.answers)


@router.post("/applications/{int:pk}/submit", response=ApplicationOut, auth=session)
def submit_application(request, pk: PathId, payload: SubmitIn):
    application = _mine(request, pk)
    return services.application_submit(actor=request.user, application=application, consent=payload.consent)


@router.get("/applications/{reference:reference}", response=ApplicationOut, auth=session)
def get_application(request, reference: Reference):
    """An application by its reference (given at submission)."""
    return _readable(request, get_object_or_404(
        Application.objects.select_related("service_version__service"), reference=reference))
