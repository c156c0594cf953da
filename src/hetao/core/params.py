"""Identifiers and numbers read from a request: a malformed one is the caller's mistake (400), never a 500."""

from collections.abc import Mapping

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

# PostgreSQL's bigint and SQLite's INTEGER are 64-bit: a larger id can match no row and would overflow the query.
MAX_ID = 2**63 - 1


def int_param(data: Mapping, name: str, *, minimum: int = 0, maximum: int = MAX_ID) -> int:
    """`data[name]` as an int within [minimum, maximum]; `BadRequest` (answered with 400) otherwise."""
    raw = data.get(name)
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        raise BadRequest(_("“%(name)s” must be a whole number.") % {"name": name}) from None
    if not minimum <= value <= maximum:
        raise BadRequest(_("“%(name)s” is out of range.") % {"name": name})
    return value


def optional_int_param(data: Mapping, name: str, **bounds: int) -> int | None:
    """Like `int_param`, but a missing or empty value is None."""
    if data.get(name) in (None, ""):
        return None
    return int_param(data, name, **bounds)
