"""The platform's API at /api/v1/: OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from hetao.onestop.api import router as onestop_router
from hetao.passes.api import router as passes_router
from hetao.registry.api import router as registry_router

api = NinjaAPI(
    title="Hetao Virtual Park API",
    version="1",
    description="Open data and services of the Hetao Shenzhen-Hong Kong Science and Technology Innovation "
    "Cooperation Zone. Reads are public; writes need a staff session. Names come in English, Simplified and "
    "Traditional Chinese; `name` follows the Accept-Language header.",
    urls_namespace="api-v1",
)


def _messages(exc: ValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


@api.exception_handler(ValidationError)
def django_validation_error(request, exc: ValidationError):
    return api.create_response(request, {"detail": _("The data is not valid."), "errors": _messages(exc)},
                               status=422)


@api.exception_handler(SchemaValidationError)
def schema_validation_error(request, exc: SchemaValidationError):
    return api.create_response(request, {"detail": _("The request is not valid."), "errors": exc.errors},
                               status=422)


@api.exception_handler(Http404)
@api.exception_handler(ObjectDoesNotExist)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(AuthenticationError)
def not_signed_in(request, exc):
    return api.create_response(request, {"detail": _("Sign in as park staff to do this.")}, status=401)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(request, {"detail": _("You may not do this.")}, status=403)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


api.add_router("/", registry_router)
api.add_router("/", onestop_router)
api.add_router("/", passes_router)
