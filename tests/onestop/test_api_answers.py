"""Answers through the API are cleaned exactly as the page form cleans them (one function, formdef.clean_answers):
a wrong JSON type is a 422 on that field, never a 500 and never stored; hidden fields' answers are dropped;
what is stored is what the form would have stored. Reads by id and by reference do not collide."""

import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.core.management import call_command
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hetao.accounts.models import Membership
from hetao.onestop import formdef, services
from hetao.onestop.models import Application, Service
from hetao.registry.models import Organisation
from tests.conftest import staff_in

pytestmark = pytest.mark.django_db

SEEDS = sorted((Path(__file__).parents[2] / "src/hetao/onestop/services_seed").glob("*.json"))
DEFINITIONS = {json.loads(p.read_text())["code"]: json.loads(p.read_text())["definition"] for p in SEEDS}
FIELDS = [(code, field) for code, definition in DEFINITIONS.items()
          for page in definition["pages"] for field in page["fields"]]


@pytest.fixture(autouse=True)
def seeded_services(db):
    call_command("import_services", stdout=io.StringIO())


def patch(client, pk, answers, **headers):
    return client.patch(f"/api/v1/applications/{pk}", json.dumps({"answers": answers}),
                        content_type="application/json", **headers)


def start(user, code: str) -> Application:
    service = Service.objects.get(code=code)
    organisation = None
    if service.applicant == Service.Applicant.ORGANISATION_ADMIN:
        organisation = Organisation.objects.get(slug="hkust-sz-hk-institute")
        Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": "admin"})
    return services.application_start(actor=user, service=service, organisation=organisation)


# ── What a stored answer may be, written independently of formdef ────────────────────────────────────


def is_date(value) -> bool:
    try:
        datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def is_decimal(value) -> bool:
    try:
        return isinstance(value, str) and Decimal(value).is_finite()
    except ArithmeticError:
        return False


def conforms(spec: dict, value) -> bool:
    kind, choices = spec["type"], {c["value"] for c in spec.get("choices", [])}
    if value is None:
        return True
    if kind in ("text", "long_text", "email", "phone", "hkid", "mainland_id", "uscc"):
        return isinstance(value, str) and "\x00" not in value
    if kind == "date":
        return is_date(value)
    if kind == "choice":
        return value in choices
    if kind == "yes_no":
        return value in ("yes", "no")
    if kind == "multi_choice":
        return isinstance(value, list) and set(value) <= choices
    if kind == "number":
        return is_decimal(value)
    if kind == "money":
        return (isinstance(value, dict) and set(value) == {"amount", "currency"} and is_decimal(value["amount"])
                and value["currency"] in ("CNY", "HKD"))
    if kind == "date_range":
        return (isinstance(value, dict) and set(value) == {"start", "end"}
                and all(v is None or is_date(v) for v in value.values()))
    if kind == "group":
        subs = {sub["id"]: sub for sub in spec["fields"]}
        return isinstance(value, list) and all(
            isinstance(row, dict) and set(row) == set(subs) and all(conforms(subs[k], v) for k, v in row.items())
            for row in value)
    if kind == "file":
        return isinstance(value, dict) and isinstance(value.get("document"), int)
    return False


def assert_stored_answers_conform(application: Application) -> None:
    application.refresh_from_db()
    specs = {f["id"]: f for page in application.definition["pages"] for f in page["fields"]}
    for key, value in application.data.items():
        assert key in specs, key
        assert conforms(specs[key], value), (key, value)
    # Only a prefilled answer may wait for its condition; any other answer to a hidden field is dropped.
    hidden = set(application.data) - set(formdef.without_hidden(application.definition, application.data))
    assert hidden <= set(application.prefill_consent), hidden


# ── The defects as reported ──────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("code", "answers", "field"), [
    ("talent-apartment", {"family": "my wife"}, "family"),  # a string for a repeatable group
    ("talent-apartment", {"family": 3}, "family"),
    ("talent-apartment", {"family": [{"member_name": {"x": 1}}]}, "family"),
    ("talent-apartment", {"family": [{"nobody": "x"}]}, "family"),
    ("enterprise-settlement", {"investment": "1000"}, "investment"),  # a non-object for money
    ("enterprise-settlement", {"investment": {"amount": [1], "currency": "HKD"}}, "investment"),
    ("research-space", {"period": "2026-01-01"}, "period"),  # a non-object for a date range
    ("venue-booking", {"date": 20261212}, "date"),  # a bare JSON value for a date
    ("venue-booking", {"date": {"y": 2026}}, "date"),
    ("venue-booking", {"title": {"text": "Forum"}}, "title"),  # an object for text
    ("venue-booking", {"guests": True}, "guests"),
    ("genetic-resources-transit", {"category": "genetic"}, "category"),  # a string for a multiple choice
    ("instrument-voucher", {"invoice": {"document": 1, "name": "x.pdf"}}, "invoice"),  # a file cannot be sent
])
def test_wrong_json_types_are_a_422_on_the_field_and_nothing_is_stored(client, member_user, code, answers, field):
    application = start(member_user, code)
    before = dict(application.data)
    client.force_login(member_user)
    response = patch(client, application.pk, answers)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    application.refresh_from_db()
    assert application.data == before


def test_non_standard_json_is_refused_before_anything_reads_it(client, member_user):
    application = start(member_user, "venue-booking")
    client.force_login(member_user)
    for body in ('{"answers": {"guests": NaN}}', '{"answers": {"guests": Infinity}}',
                 '{"answers": {"title": "a\\u0000b"}}', '{"answers": {"title": "\\ud800"}}', "{"):
        response = client.patch(f"/api/v1/applications/{application.pk}", body, content_type="application/json")
        assert response.status_code == 400, body
        assert response.json()["detail"]
    application.refresh_from_db()
    assert "guests" not in application.data and "title" not in application.data


def test_the_api_stores_what_the_form_stores(client, member_user):
    """The same answers through the page form and through the API end up identical."""
    by_form, by_api = start(member_user, "talent-apartment"), start(member_user, "talent-apartment")
    client.force_login(member_user)
    response = client.post(f"/en/applications/{by_form.pk}/page/0/", {
        "name": " Ka Yan Chan ", "id_type": "hkid", "hkid": "a123456(3)", "employer": "HKUST",
        "family__rows": "2", "family__0__member_name": "Mei", "family__0__relation": "spouse"})
    assert response.status_code == 302, response.content
    response = patch(client, by_api.pk, {
        "name": " Ka Yan Chan ", "id_type": "hkid", "hkid": "a123456(3)", "employer": "HKUST",
        "family": [{"member_name": "Mei", "relation": "spouse"}, {"member_name": "", "relation": ""}]})
    assert response.status_code == 200, response.content
    by_form.refresh_from_db()
    by_api.refresh_from_db()
    fields = ("name", "id_type", "hkid", "employer", "family")
    assert {k: by_form.data.get(k) for k in fields} == {k: by_api.data.get(k) for k in fields}
    assert by_api.data["hkid"] == "A123456(3)" and by_api.data["name"] == "Ka Yan Chan"
    assert by_api.data["family"] == [{"member_name": "Mei", "relation": "spouse"}]


def test_numbers_and_money_are_stored_as_the_form_stores_them(client, member_user):
    application = start(member_user, "enterprise-settlement")
    client.force_login(member_user)
    response = patch(client, application.pk, {"staff": 12, "investment": {"amount": 2500.5, "currency": "HKD"}})
    assert response.status_code == 200, response.content
    assert response.json()["answers"]["staff"] == "12"
    assert response.json()["answers"]["investment"] == {"amount": "2500.5", "currency": "HKD"}
    response = patch(client, application.pk, {"staff": 0, "investment": {"amount": "1", "currency": "EUR"}})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"staff", "investment__currency"}


def test_answers_to_hidden_fields_are_dropped(client, member_user):
    application = start(member_user, "research-space")
    client.force_login(member_user)
    response = patch(client, application.pk, {"hazardous": "no", "hazard_plan": "Fume hoods"})
    assert response.status_code == 200
    assert "hazard_plan" not in response.json()["answers"]
    # Shown once the condition holds; dropped again when the condition changes.
    assert patch(client, application.pk, {"hazardous": "yes", "hazard_plan": "Fume hoods"}).json()["answers"][
        "hazard_plan"] == "Fume hoods"
    assert "hazard_plan" not in patch(client, application.pk, {"hazardous": "no"}).json()["answers"]
    # A hidden field's answer is neither checked nor stored, exactly like the page form; the organisation's
    # prefilled code waits for its condition (registered on the Mainland) untouched.
    prefilled = application.data["org_uscc"]
    response = patch(client, application.pk, {"org_registered_in": "hong_kong", "org_uscc": "not a code"})
    assert response.status_code == 200 and response.json()["answers"]["org_uscc"] == prefilled


def test_messages_are_in_the_callers_language(client, member_user):
    application = start(member_user, "venue-booking")
    client.force_login(member_user)
    response = patch(client, application.pk, {"date": "soon"}, HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert response.status_code == 422
    with translation.override("zh-hant"):
        expected = str(forms.DateField.default_error_messages["invalid"])
    assert response.json()["errors"]["date"] == [expected] and expected != "Enter a valid date."


# ── Any JSON, every field of every seeded service ────────────────────────────────────────────────────

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
any_json = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                        | st.dictionaries(st.text(max_size=10), inner, max_size=3), max_leaves=8)


def near_misses(spec: dict):
    """Values shaped almost like a right answer, so the checks behind the shape are reached too."""
    kind = spec["type"]
    words = st.sampled_from(["", "yes", "no", "2026-02-30", "2026-12-12", "12.5", "-1", "1e9", "HKD", "CNY",
                             "A123456(3)", "+85291234567", "a@b.c"]
                            + [c["value"] for c in spec.get("choices", [])])
    if kind == "money":
        return st.fixed_dictionaries({}, optional={"amount": any_json | words, "currency": any_json | words})
    if kind == "date_range":
        return st.fixed_dictionaries({}, optional={"start": any_json | words, "end": any_json | words})
    if kind == "multi_choice":
        return st.lists(words | any_json, max_size=4)
    if kind == "group":
        row = st.fixed_dictionaries({}, optional={sub["id"]: words | any_json for sub in spec["fields"]})
        return st.lists(row | any_json, max_size=spec.get("max_items", formdef.MAX_GROUP_ITEMS) + 2)
    return words


@st.composite
def one_answer(draw):
    code, spec = draw(st.sampled_from(FIELDS))
    return code, spec["id"], draw(any_json | near_misses(spec))


@settings(max_examples=100, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sent=st.lists(one_answer(), min_size=1, max_size=3))
def test_any_json_answer_is_refused_or_stored_with_the_right_type(client, member_user, sent):
    client.force_login(member_user)
    applications = {}
    for code, field, value in sent:
        if code not in applications:
            applications[code] = (Application.objects.filter(applicant=member_user, service_version__service__code=code)
                                  .first() or start(member_user, code))
        response = patch(client, applications[code].pk, {field: value})  # a 500 raises in the test client
        assert response.status_code in (200, 400, 422), response.content
        if response.status_code == 422:
            assert response.json()["errors"]
        assert_stored_answers_conform(applications[code])


# ── Reads by id and by reference ─────────────────────────────────────────────────────────────────────


def test_reads_by_id_and_by_reference_never_collide(client, member_user):
    application = start(member_user, "venue-booking")
    client.force_login(member_user)
    assert client.get("/api/v1/applications/0").status_code == 404
    assert client.get(f"/api/v1/applications/{2**63 - 1}").status_code == 404
    assert client.get(f"/api/v1/applications/{2**64}").status_code == 422
    assert client.get(f"/api/v1/applications/{application.pk}").json()["status"] == "draft"
    services.application_save_page(actor=member_user, application=application, page_answers={
        "title": "Forum", "date": "2026-12-12", "guests": "80", "catering": "no", "contact_name": "M",
        "contact_email": "m@example.org", "contact_mobile": "+8613800138000"})
    reference = services.application_submit(actor=member_user, application=application, consent=True).reference
    assert client.get(f"/api/v1/applications/{reference}").json()["id"] == application.pk
    assert client.get("/api/v1/applications/HT-1999-000001").status_code == 404
    # Someone else's application is not there at all, by either key; an officer of its department reads it.
    client.force_login(staff_in("other", "finance"))
    assert client.get(f"/api/v1/applications/{application.pk}").status_code == 404
    assert client.get(f"/api/v1/applications/{reference}").status_code == 404
    client.force_login(staff_in("venues", "facilities_security"))
    assert client.get(f"/api/v1/applications/{application.pk}").status_code == 200
    spec = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "patch"} <= set(spec["/api/v1/applications/{pk}"]) and "get" in spec[
        "/api/v1/applications/{reference}"]
