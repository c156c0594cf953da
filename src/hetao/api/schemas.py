"""What every endpoint of /api/v1/ shares: bounded paging and ids, input schemas derived from the models,
and the bodies of error answers (documented on every operation by `hetao.api.api`).

One place decides these, so a new endpoint cannot overflow the database with a huge page or id, or accept a
`null` that the database refuses."""

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db import models
from django.db.models import Func, IntegerField, Subquery
from django.urls import register_converter
from ninja import Field, Path, Schema
from ninja.pagination import PageNumberPagination
from ninja.schema import DjangoGetter
from pydantic import AfterValidator, ValidationInfo, create_model, model_validator

from hetao.core.params import MAX_ID

PAGE_SIZE, MAX_PAGE_SIZE = 25, 100
# Far beyond any list of the park; keeps (page - 1) * page_size well inside a 64-bit offset.
MAX_PAGE = 1_000_000

# An id in a path or query: a larger number can match no row and would overflow a 64-bit column.
Id = Annotated[int, Field(ge=0, le=MAX_ID)]
PathId = Annotated[int, Path(ge=0, le=MAX_ID, description="A record's number")]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")  # PostgreSQL cannot compare such a text
    return value


# A slug or code in a path: no longer than any such column, no NUL.
Key = Annotated[str, Path(min_length=1, max_length=100), AfterValidator(_no_nul)]
# An application's reference (HT-2026-000001); the `reference` path converter matches only this shape, so
# `/applications/{reference}` never takes a number meant for `/applications/{pk}`.
REFERENCE = r"[A-Z]{2,4}-[0-9]{4}-[0-9]{1,12}"
Reference = Annotated[str, Path(pattern=f"^{REFERENCE}$")]


class ReferenceConverter:
    regex = REFERENCE

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "reference")
Year = Annotated[int, Field(ge=1, le=9999)]


class Pagination(PageNumberPagination):
    """`page` and `page_size` of every list, validated here (out of range → 422 with a message)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="From 1")
        page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"At most {MAX_PAGE_SIZE}")

    def __init__(self, **kwargs):
        super().__init__(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE, **kwargs)


# ── Rows of a list, built from the page's values ────────────────────────────────────────────────────


class Row(dict):
    """One item of a list answer with every field of its output schema already computed (from `.values()`
    of the page, not from model instances): a `RowSchema` validates it as it is, without its resolvers."""


class RowSchema(Schema):
    """An output schema that takes a model instance (through its resolvers, as every ninja Schema) or a `Row`
    whose values are the fields themselves. Either way pydantic validates every field against the schema."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler: Any, info: ValidationInfo) -> Any:
        if type(values) is Row:
            return handler(values)
        return handler(DjangoGetter(values, cls, info.context))  # ninja's own path (Schema._run_root_validator)


class RowPage:
    """What a list endpoint under `@paginate` returns to build its page from values: ninja's pagination slices
    it (one query for the page's rows, then `rows(values)` for what they need besides: its own queries instead of
    the queryset's prefetches) and counts it (the queryset's exact count).

    `counted_with_page`: the page query also carries the exact count, `(SELECT COUNT(id) FROM … WHERE <the same
    filter>)`, computed once by the database (an uncorrelated subquery): one round trip instead of two. Not for
    a DISTINCT query (that subquery would count before DISTINCT), and a page past the end (no row to carry the
    count) is counted by `count()`."""

    COUNT = "row_count_of_the_list"

    def __init__(self, queryset, columns: tuple[str, ...], rows, *, counted_with_page: bool = False):
        self.queryset, self.columns, self.rows = queryset.prefetch_related(None), columns, rows
        self.counted_with_page = counted_with_page and not queryset.query.distinct
        self.counted: int | None = None

    def all(self) -> "RowPage":
        return self

    def count(self) -> int:
        if self.counted is None:
            self.counted = self.queryset.count()
        return self.counted

    def __getitem__(self, page: slice) -> list[Row]:
        if self.counted_with_page:
            count = self.queryset.order_by().annotate(**{self.COUNT: Func("pk", function="COUNT",
                                                                          output_field=IntegerField())})
            values = list(self.queryset.values(*self.columns, **{self.COUNT: Subquery(count.values(self.COUNT))})[page])
            if values:
                self.counted = values[0][self.COUNT]
        else:
            values = list(self.queryset.values(*self.columns)[page])
        return self.rows(values) if values else []


# ── Error bodies ─────────────────────────────────────────────────────────────────────────────────────


class ErrorOut(Schema):
    detail: str


class InvalidOut(Schema):
    detail: str
    errors: dict[str, list[str]] | list[dict[str, Any]] = Field(
        description="Messages by field (the park's checks) or as a list (the request's shape)")


# ── Input schemas from model fields ──────────────────────────────────────────────────────────────────

_TYPES: dict[type[models.Field], type] = {  # in order: a DateTimeField is also a DateField
    models.BooleanField: bool, models.DateTimeField: datetime.datetime, models.DateField: datetime.date,
    models.DecimalField: Decimal, models.IntegerField: int, models.CharField: str, models.TextField: str,
}
_POSITIVE = (models.PositiveIntegerField, models.PositiveSmallIntegerField, models.PositiveBigIntegerField)


def _python_type(field: models.Field):
    if field.choices:
        return Literal[tuple(value for value, _label in field.flatchoices)]
    python_type = next(t for base, t in _TYPES.items() if isinstance(field, base))
    constraints: dict[str, Any] = {}
    if python_type is str and field.max_length:
        constraints["max_length"] = field.max_length
    if python_type is int:  # every integer column is at most 64 bits
        constraints = {"ge": 0 if isinstance(field, _POSITIVE) else -MAX_ID - 1, "le": MAX_ID}
    return Annotated[python_type, Field(**constraints)] if constraints else python_type


def model_schema(model: type[models.Model], fields: list[str], *, name: str, partial: bool = False,
                 base: type[Schema] = Schema) -> type[Schema]:
    """An input schema for `fields` of `model` whose types, lengths, choices, defaults and nullability come from
    the model: `null` is accepted only for a column that may be NULL (else 422 naming the field).

    `partial` (for PATCH): every field may be left out and is then unchanged (read with `exclude_unset`);
    sending it as `null` is still refused where the model refuses it."""
    definitions: dict[str, Any] = {}
    for field_name in fields:
        field = model._meta.get_field(field_name)
        if not isinstance(field, models.Field):
            raise TypeError(f"{model.__name__}.{field_name} is a relation's reverse side, not a column")
        python_type = _python_type(field)
        if field.null:
            python_type = python_type | None
        if partial:  # a factory, not a default: the OpenAPI document must not claim `null` as the default
            info = Field(default_factory=lambda: None, description=str(field.verbose_name))
        elif field.has_default():
            info = Field(field.get_default(), description=str(field.verbose_name))
        elif field.blank:
            info = Field(None if field.null else "", description=str(field.verbose_name))
        else:
            info = Field(..., description=str(field.verbose_name))
        definitions[field_name] = (python_type, info)
    return create_model(name, __base__=base, **definitions)
