"""Schema fuzzing of /api/v1/ with schemathesis, inside the suite: every operation of the live OpenAPI document
(as /api/v1/openapi.json serves it), a bounded number of generated requests each, anonymous and as a signed-in
staff member (session + CSRF token), with data that fits the document and data that does not.

The bar (issue 8): no server error, and every answer conforms to the document — its status code is documented
for the operation, its content type and body match the documented schema. A new endpoint is fuzzed here the
day it is added, with no change to this file."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import staff_in

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Generated requests per operation, caller and mode. Public reads are the same code for staff, so a staff
# session gets a few of those and the full number for what needs a session. The run stays near a minute.
EXAMPLES = {GenerationMode.POSITIVE: 12, GenerationMode.NEGATIVE: 6}
STAFF_ON_PUBLIC_READS = 2
CSRF = "fuzzcsrftokenfuzzcsrftokenfuzzcs"  # 32 characters: a CSRF secret the cookie and the header share
NETWORK = {"environ_base": {"REMOTE_ADDR": "198.51.100.7"}}  # the test WSGI client sends no client address

# The document as served (the view needs no database, so it can be read while collecting the tests).
SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


def needs_session(operation) -> bool:
    return bool(operation.definition.raw.get("security"))


def has_input(operation) -> bool:
    return bool(list(operation.iter_parameters()) or operation.body)


@pytest.fixture(autouse=True)
def requests_stay_in_the_tests_transaction():
    """Like Django's test client: no closing of database connections around each request (the test's
    transaction must hold, and the checks cost ~100 ms a request)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def staff_headers(client):
    staff = staff_in("fuzzer", "data", "head")
    client.force_login(staff)  # a complete sign-in: password and second factor (tests/conftest.py)
    return {**NETWORK, "headers": {"X-CSRFToken": CSRF},
            "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF}}


def test_every_operation_is_fuzzed():
    assert len(OPERATIONS) >= 20 and {"GET", "POST", "PATCH"} <= {op.method.upper() for op in OPERATIONS}
    assert sum(map(needs_session, OPERATIONS)) >= 10


def test_the_staff_session_really_acts_as_staff(staff_headers):
    """Else the staff half would only fuzz the refusals (401/403) of a session or CSRF gone wrong."""
    from werkzeug import Client

    anonymous, staff = Client(WSGIHandler()), Client(WSGIHandler())
    for name, value in staff_headers["cookies"].items():
        staff.set_cookie(name, value)
    network = staff_headers["environ_base"]
    assert staff.get("/api/v1/applications", environ_base=network).status_code == 200
    response = staff.post("/api/v1/organisations", json={"slug": "x"}, headers=staff_headers["headers"],
                          environ_base=network)
    assert response.status_code == 422 and "kind" in str(response.json["errors"])
    assert staff.post("/api/v1/organisations", json={"slug": "x"}, environ_base=network).status_code == 403  # CSRF
    assert anonymous.get("/api/v1/applications", environ_base=network).status_code == 401


def fuzz(operation, mode, transport, examples):
    if mode == GenerationMode.NEGATIVE and not has_input(operation):
        pytest.skip("nothing to send that the document does not allow")

    @settings(max_examples=examples, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        case.call_and_validate(checks=CHECKS, **transport)

    run()


MODES = pytest.mark.parametrize("mode", list(EXAMPLES), ids=str)
EACH_OPERATION = pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)


@MODES
@EACH_OPERATION
def test_anonymous(operation, mode):
    fuzz(operation, mode, NETWORK, EXAMPLES[mode])


@MODES
@EACH_OPERATION
def test_staff(operation, mode, staff_headers):
    examples = EXAMPLES[mode] if needs_session(operation) or operation.method != "get" else STAFF_ON_PUBLIC_READS
    fuzz(operation, mode, staff_headers, examples)
