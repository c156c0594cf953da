"""The platform's API at /api/v1/: OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs.

Every answer that is not a success has a documented body: `{"detail"}`, or `{"detail", "errors"}` for 422.
Malformed input is the caller's mistake (4xx with a message in their language), never a 500."""

import json
from typing import Any

from django.core.exceptions import BadRequest, ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.parser import Parser

from hetao.challenges.api import router as challenges_router
from hetao.onestop.api import router as onestop_router
from hetao.passes.api import router as passes_router
from hetao.registry.api import router as registry_router

from .schemas import ErrorOut, InvalidOut


class UnreadableInput(ValueError):
    """A body or query the park will not read: not strict JSON, or text no database column can hold."""


def _refuse_constant(name: str):
    raise UnreadableInput(_("Numbers must be finite (no NaN or Infinity)."))


def _check_text(value: Any) -> None:
    """NUL characters and lone surrogates cannot be stored (PostgreSQL refuses them; UTF-8 cannot encode them)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise UnreadableInput(_("Text must not contain NUL characters."))
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise UnreadableInput(_("Text must be valid Unicode.")) from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_text(item)
    elif isinstance(value, list):
        for item in value:
            _check_text(item)


class StrictParser(Parser):
    def parse_body(self, request):
        try:
            data = json.loads(request.body, parse_constant=_refuse_constant)
        except UnreadableInput:
            raise
        except ValueError as exc:  # JSONDecodeError, bad encoding, an integer too long to read
            raise UnreadableInput(_("The body is not valid JSON.")) from exc
        _check_text(data)
        return data

    def parse_querydict(self, data, list_fields, request):
        try:
            _check_text(list(data.keys()) + [v for key in data for v in data.getlist(key)])
        except UnreadableInput as exc:
            raise HttpError(400, str(exc)) from exc
        return super().parse_querydict(data, list_fields, request)


class ParkAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """Document the error answers of every operation, so a client (and the schema fuzzing in the test
        suite) knows each status the park may give and the shape of its body."""
        schema = super().get_openapi_schema(**kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for out in (ErrorOut, InvalidOut):
            components[out.__name__] = out.model_json_schema(ref_template="#/components/schemas/{model}")
        errors = {
            "400": (_documented("ErrorOut", "Malformed request (unreadable body or parameter)")),
            "404": _documented("ErrorOut", "Not found"),
            "422": _documented("InvalidOut", "Not valid: messages by field in the caller's language"),
        }
        signed_in = {"401": _documented("ErrorOut", "Not signed in (or no valid credentials)"),
                     "403": _documented("ErrorOut", "Not allowed, or missing CSRF token")}
        for path in schema["paths"].values():
            for operation in path.values():
                extra = {**errors, **(signed_in if operation.get("security") else {})}
                responses = operation.setdefault("responses", {})
                for status, response in extra.items():
                    responses.setdefault(status, response)
        return schema


def _documented(schema_name: str, description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}}


api = ParkAPI(
    title="Hetao Virtual Park API",
    version="1",
    description="Open data and services of the Hetao Shenzhen-Hong Kong Science and Technology Innovation "
    "Cooperation Zone. Reads are public; writes need a staff session. Names come in English, Simplified and "
    "Traditional Chinese; `name` follows the Accept-Language header. Lists take `page` (from 1) and "
    "`page_size` (at most 100) and answer `{items, count}`. Errors answer `{detail}` (and `errors` by field "
    "for 422) in the caller's language.",
    urls_namespace="api-v1",
    parser=StrictParser(),
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


@api.exception_handler(BadRequest)
def bad_request(request, exc: BadRequest):
    return api.create_response(request, {"detail": str(exc)}, status=400)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    # ninja wraps whatever the parser raised; ours carries a message in the caller's language.
    detail = str(exc.__cause__) if isinstance(exc.__cause__, UnreadableInput) else str(exc)
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


api.add_router("/", registry_router)
api.add_router("/", onestop_router)
api.add_router("/", passes_router)
api.add_router("/", challenges_router)

# Last: any other path under /api/v1/ (a mistyped URL, an id that is not a number) answers JSON like the rest.
fallback = Router()


@fallback.api_operation(["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", include_in_schema=False)
def unknown_path(request, rest: str):
    raise Http404


api.add_router("/", fallback)
