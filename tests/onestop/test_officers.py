"""Officers' pages (issue 8, items 8, 11 and 18): ids and versions from a request, typed conflicts in every language,
the decided state, the queue's tabs, search, filters, sort and export, the landing page after sign-in."""

import csv
import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from hetao.accounts.adapter import AccountAdapter
from hetao.accounts.models import Membership
from hetao.audit.models import AuditEvent
from hetao.onestop import services
from hetao.onestop.models import Application, Service, Status
from hetao.registry.models import Organisation
from tests.conftest import staff_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
VENUE = {"title": "Forum", "date": "2026-12-12", "guests": "80", "catering": "no", "contact_name": "M",
         "contact_email": "m@example.org", "contact_mobile": "+8613800138000"}


@pytest.fixture(autouse=True)
def seeded_services(db):
    call_command("import_services", stdout=io.StringIO())


@pytest.fixture
def applicant(member_user):
    member_user.first_name, member_user.last_name, member_user.mobile = "小明", "陳", "+85291234567"
    member_user.save()
    return member_user


def venue(user, title="Forum") -> Application:
    application = services.application_start(actor=user, service=Service.objects.get(code="venue-booking"))
    services.application_save_page(actor=user, application=application, page_answers={**VENUE, "title": title})
    return services.application_submit(actor=user, application=application, consent=True)


def filing(user) -> Application:
    """A Kehuitong filing for HKUST's Shenzhen–Hong Kong institute (research management, then finance)."""
    org = Organisation.objects.get(slug="hkust-sz-hk-institute")
    Membership.objects.get_or_create(user=user, organisation=org, defaults={"role": "admin"})
    application = services.application_start(actor=user, service=Service.objects.get(code="kehuitong-filing"),
                                             organisation=org)
    grant = SimpleUploadedFile("grant.pdf", PDF, content_type="application/pdf")
    services.application_save_page(actor=user, application=application, page_answers={
        "org_name": org.name_en, "org_registered_in": "hong_kong"})
    services.application_save_page(actor=user, application=application, page_answers={
        "project": "Quantum sensing", "amount": {"amount": "250000.00", "currency": "HKD"}, "payer": "HKU",
        "expected": "2026-12-20"}, files={"grant_letter": (grant, None)})
    services.application_save_page(actor=user, application=application, page_answers={
        "contact_name": "Chan", "contact_email": "member@example.org", "contact_mobile": "+85291234567"})
    return services.application_submit(actor=user, application=application, consent=True)


# ── Item 8: ids and versions from the request ─────────────────────────────────────────────────────────


@pytest.mark.parametrize("data", [
    {"action": "approve", "version": "abc"}, {"action": "approve", "version": "1.0"}, {"action": "approve"},
    {"action": "approve", "version": "99999999999999999999999"}, {"action": "approve", "version": "-1"},
    {"action": "assign", "version": "CURRENT", "assignee": "me"}, {"action": "assign", "version": "CURRENT"},
])
def test_a_malformed_version_or_id_is_a_bad_request(client, applicant, data):
    application = venue(applicant)
    client.force_login(staff_in("fac", "facilities_security"))
    if data.get("version") == "CURRENT":
        data = {**data, "version": application.version}
    response = client.post(f"/en/work/{application.reference}/", data)
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.assigned_to is None


# ── Item 11: a conflict is typed, in every language ─────────────────────────────────────────────────


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
def test_a_conflict_answers_409_in_every_language(client, applicant, language):
    application = venue(applicant)
    first, second = staff_in("f1", "facilities_security"), staff_in("f2", "facilities_security")
    version = application.version
    client.force_login(first)
    assert client.post(f"/{language}/work/{application.reference}/",
                       {"action": "claim", "version": version}).status_code == 302
    client.force_login(second)
    response = client.post(f"/{language}/work/{application.reference}/",
                           {"action": "reject", "comment": "No", "version": version})
    assert response.status_code == 409
    with translation.override(language):
        expected = _("%(who)s acted on this application while you had it open. Here it is as it is now; "
                     "please check before you act again.") % {"who": str(first)}
    assert escape(expected) in response.content.decode()
    if language != "en":
        assert "while you had it open" not in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW  # the second officer's rejection did not happen


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_other_refusals_stay_400(client, applicant, language):
    application = venue(applicant)
    client.force_login(staff_in("f1", "facilities_security"))
    response = client.post(f"/{language}/work/{application.reference}/",
                           {"action": "reject", "comment": "", "version": application.version})
    assert response.status_code == 400


# ── Item 18: the decided state, tabs, search, filters, export ──────────────────────────────────────


def test_after_a_decision_the_page_shows_the_decision_not_a_countdown(client, applicant):
    application = venue(applicant)
    officer = staff_in("fac", "facilities_security")
    services.application_decide(actor=officer, application=application, action="approve", comment="Hall B.")
    client.force_login(officer)
    page = client.get(f"/en/work/{application.reference}/").content.decode()
    today = timezone.localdate().isoformat()
    assert f"Approved on {today}" in page and "Hall B." in page
    assert "days left" not in page and 'id="days-left"' not in page and "step due" not in page
    assert 'id="decision-form"' not in page


def test_queue_and_review_show_the_applicant_and_organisation(client, applicant):
    application = filing(applicant)
    officer = staff_in("res", "research_management")
    client.force_login(officer)
    queue = client.get("/en/work/").content.decode()
    assert "陳小明" in queue or "小明" in queue
    assert "HKUST Shenzhen-Hong Kong Collaborative Innovation Research Institute" in queue
    review = client.get(f"/en/work/{application.reference}/").content.decode()
    assert 'id="applicant"' in review and "member@example.org" in review
    assert "HKUST Shenzhen-Hong Kong Collaborative Innovation Research Institute" in review


def test_decided_cases_have_their_tab(client, applicant):
    decided, waiting = venue(applicant, "Decided forum"), venue(applicant, "Waiting forum")
    officer = staff_in("fac", "facilities_security")
    services.application_decide(actor=officer, application=decided, action="reject", comment="Full.")
    client.force_login(officer)
    page = client.get("/en/work/?tab=decided")
    assert page.context["counts"]["decided"] == 1
    assert [a.reference for a in page.context["applications"]] == [decided.reference]
    assert [a.reference for a in client.get("/en/work/").context["applications"]] == [waiting.reference]
    # Another department's officer does not see them.
    client.force_login(staff_in("fin", "finance"))
    assert list(client.get("/en/work/?tab=decided").context["applications"]) == []


@pytest.mark.parametrize("query", ["陈小明", "陳小明", "小明", "深港協同創新", "HKUST Shenzhen", "ht-"])
def test_search_finds_any_case_of_my_departments(client, applicant, query):
    application = filing(applicant)
    officer = staff_in("res", "research_management")
    services.application_decide(actor=officer, application=application, action="return", comment="Add a number.")
    client.force_login(officer)
    found = client.get("/en/work/", {"q": query}).context["applications"]
    assert application.reference in [a.reference for a in found]
    client.force_login(staff_in("fac", "facilities_security"))  # not a department of this service
    assert list(client.get("/en/work/", {"q": query}).context["applications"]) == []


def test_search_by_reference_finds_a_decided_case(client, applicant):
    application = venue(applicant)
    officer = staff_in("fac", "facilities_security")
    services.application_decide(actor=officer, application=application, action="approve")
    client.force_login(officer)
    found = client.get("/en/work/", {"q": application.reference}).context["applications"]
    assert [a.reference for a in found] == [application.reference]


def test_filters_and_sort(client, applicant):
    first, second = venue(applicant, "One"), venue(applicant, "Two")
    Application.objects.filter(pk=first.pk).update(step_due=datetime.date(2020, 1, 1))
    client.force_login(staff_in("fac", "facilities_security"))

    def refs(**params):
        return [a.reference for a in client.get("/en/work/", params).context["applications"]]

    assert refs(overdue="on") == [first.reference]
    assert refs(sort="reference") == sorted([first.reference, second.reference])
    assert refs(sort="-submitted") == [second.reference, first.reference]
    assert refs(service="kehuitong-filing") == []
    assert set(refs(service="venue-booking")) == {first.reference, second.reference}
    assert refs(status="in_review") == []
    # A bad filter is ignored and said so, never a failed page.
    response = client.get("/en/work/", {"status": "bogus", "sort": "drop table"})
    assert response.status_code == 200 and set(response.context["ignored"]) == {"Status", "Sort by"}
    assert len(response.context["applications"]) == 2


def test_csv_export_of_a_queue_view(client, applicant):
    applicant.first_name, applicant.last_name = "=HYPERLINK(\"http://evil\")", "Chan"
    applicant.save()
    application = venue(applicant)
    officer = staff_in("fac", "facilities_security")
    client.force_login(officer)
    response = client.get("/zh-hant/work/", {"format": "csv", "tab": "new", "service": "venue-booking"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    with translation.override("zh-hant"):
        assert rows[0][0] == _("Reference")
    assert rows[1][0] == application.reference
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)  # never a formula
    assert any(cell.startswith("'=HYPERLINK") for cell in rows[1])
    assert AuditEvent.objects.filter(action="onestop.queue.export", actor=officer).exists()


# ── Query counts: the same for 5 and 50 applications ────────────────────────────────────────────────


def add_cases(n: int, start: int, *, decided: bool = False) -> None:
    service = Service.objects.get(code="kehuitong-filing")
    org = Organisation.objects.get(slug="hkust-sz-hk-institute")
    users = get_user_model().objects.bulk_create([
        get_user_model()(username=f"bulk{start + i}", email=f"bulk{start + i}@example.org", first_name="小明",
                         last_name=f"陳{start + i}") for i in range(n)])
    now, today = timezone.now(), timezone.localdate()
    Application.objects.bulk_create([Application(
        service_version=service.current_version, applicant=user, organisation=org if i % 2 else None,
        status=Status.APPROVED if decided else Status.SUBMITTED, reference=f"HT-2099-{start + i:06d}",
        current_department="" if decided else "research_management", submitted_at=now, decided_at=now if decided
        else None, step_due=today, due_date=today, data={}) for i, user in enumerate(users)])


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200, url
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries.captured_queries)


QUEUE_URLS = ["/en/work/", "/en/work/?tab=decided", "/en/work/?tab=overdue&sort=reference",
              "/en/work/?q=%E9%99%B3", "/en/work/?service=kehuitong-filing&status=submitted",
              "/en/work/?format=csv", "/en/work/?tab=decided&format=csv", "/en/work/?q=HT-2099&format=csv"]


def test_the_queue_and_its_export_cost_the_same_for_5_and_50_applications(client):
    client.force_login(staff_in("res", "research_management"))
    add_cases(5, 0)
    add_cases(5, 100, decided=True)
    client.get("/en/work/")  # warm the per-process caches (working-day calendars, content types)
    small = {url: count(client, url) for url in QUEUE_URLS}
    add_cases(45, 5)
    add_cases(45, 105, decided=True)
    assert len(client.get("/en/work/").context["applications"]) == 50
    assert {url: count(client, url) for url in QUEUE_URLS} == small


# ── Landing after sign-in ───────────────────────────────────────────────────────────────────────────


def test_officers_land_on_their_queue_others_on_their_account():
    officer, member = staff_in("res", "research_management"), get_user_model().objects.create_user(
        "m2", "m2@example.org", "pw-m2-123456")
    officer.preferred_language = member.preferred_language = "zh-hant"
    for user, expected in ((officer, "/zh-hant/work/"), (member, "/zh-hant/account/")):
        request = RequestFactory().get("/en/accounts/login/")
        request.user = user
        assert AccountAdapter().get_login_redirect_url(request) == expected


def test_next_still_wins_after_sign_in(client):
    from allauth.account.models import EmailAddress

    user = get_user_model().objects.create_user("m3", "m3@example.org", "pw-m3-123456")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post("/en/accounts/login/?next=/en/services/", {"login": user.email,
                                                                      "password": "pw-m3-123456"})
    assert response.status_code == 302 and response.url == "/en/services/"


def test_the_assign_button_never_wraps(client, applicant):
    application = venue(applicant)
    officer = staff_in("fac", "facilities_security")
    client.force_login(officer)
    page = client.get(f"/en/work/{application.reference}/").content.decode()
    button = page[page.index('id="assign"') - 120:page.index('id="assign"')]
    assert "text-nowrap" in button and "flex-shrink-0" in button
    assert '<div class="input-group"><select' in page
