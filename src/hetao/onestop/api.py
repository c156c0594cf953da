"""One network on the API: the catalogue (public) and the signed-in user's own applications.

The API uses the same form engine and services as the pages, so it rejects exactly what the form rejects,
with the same messages (422, by field)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.security import SessionAuth

from hetao.accounts.permissions import require
from hetao.core.trilingual import localised
from hetao.registry.models import Organisation

from . import formdef, selectors, services
from .models import Application, Service

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

    @staticmethod
    def resolve_service(obj):
        return obj.service_version.service.code

    @staticmethod
    def resolve_answers(obj):
        return obj.data


class StartIn(Schema):
    service: str
    organisation: str | None = None


class AnswersIn(Schema):
    answers: dict


class SubmitIn(Schema):
    consent: bool = False


@router.get("/services", response=list[ServiceOut])
def list_services(request, q: str = "", category: str = ""):
    return selectors.catalogue(q=q, category=category)


@router.get("/services/{code}", response=ServiceDetail)
def get_service(request, code: str):
    return get_object_or_404(Service.objects.select_related("current_version"), code=code, published=True)


def _mine(request, pk: int) -> Application:
    application = get_object_or_404(Application.objects.select_related("service_version__service"), pk=pk)
    if application.applicant_id != request.user.pk:
        raise Http404  # do not reveal other people's applications
    return application


@router.get("/applications", response=list[ApplicationOut], auth=session)
def list_applications(request):
    return list(selectors.my_applications(request.user)[:200])


@router.post("/applications", response={201: ApplicationOut}, auth=session)
def start_application(request, payload: StartIn):
    service = get_object_or_404(Service, code=payload.service)
    organisation = get_object_or_404(Organisation, slug=payload.organisation) if payload.organisation else None
    return Status(201, services.application_start(actor=request.user, service=service, organisation=organisation))


@router.patch("/applications/{int:pk}", response=ApplicationOut, auth=session)
def save_answers(request, pk: int, payload: AnswersIn):
    """Save answers to a draft; each is checked like the form checks it (files are uploaded in the browser)."""
    application = _mine(request, pk)
    merged = {**application.data, **payload.answers}
    errors = {name: messages for name, messages in formdef.validate_all(application.definition, merged).items()
              if name.split("__")[0] in payload.answers}
    unknown = set(payload.answers) - {f["id"] for p in application.definition["pages"] for f in p["fields"]}
    if unknown:
        errors["__all__"] = [_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}]
    if errors:
        raise ValidationError(errors)
    file_fields = {f["id"] for p in application.definition["pages"] for f in p["fields"] if f["type"] == "file"}
    answers = {k: v for k, v in payload.answers.items() if k not in file_fields}
    return services.application_save_page(actor=request.user, application=application, page_answers=answers)


@router.post("/applications/{int:pk}/submit", response=ApplicationOut, auth=session)
def submit_application(request, pk: int, payload: SubmitIn):
    application = _mine(request, pk)
    return services.application_submit(actor=request.user, application=application, consent=payload.consent)


@router.get("/applications/{reference}", response=ApplicationOut, auth=session)
def get_application(request, reference: str):
    application = get_object_or_404(Application, reference=reference)
    try:
        require(request.user, "onestop.view", application)
    except PermissionDenied as exc:
        raise Http404 from exc
    return application
