import datetime
import io
import json

import pytest
from django.core.management import call_command

from hetao.onestop import services
from hetao.onestop.models import Application, Service, Status
from tests.conftest import staff_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def seeded_services(db):
    call_command("import_services", stdout=io.StringIO())


def api(client, method, path, data=None):
    return getattr(client, method)(path, json.dumps(data or {}), content_type="application/json")


def test_catalogue_api_is_public_and_trilingual(client):
    services_ = client.get("/api/v1/services", HTTP_ACCEPT_LANGUAGE="zh-hant").json()
    assert services_["count"] == Service.objects.filter(published=True).count()
    assert "人才公寓申請" in [s["name"] for s in services_["items"]]
    detail = client.get("/api/v1/services/talent-apartment").json()
    assert detail["definition"]["pages"][0]["fields"][0]["id"] == "name"


def test_the_api_rejects_what_the_form_rejects(client, member_user):
    client.force_login(member_user)
    created = api(client, "post", "/api/v1/applications", {"service": "hk-researcher-facilitation"})
    assert created.status_code == 201 and created.json()["status"] == "draft"
    pk = created.json()["id"]
    response = api(client, "patch", f"/api/v1/applications/{pk}", {"answers": {"hkid": "A123456(4)"}})
    assert response.status_code == 422
    assert "check digit in brackets" in response.json()["errors"]["hkid"][0]
    response = api(client, "patch", f"/api/v1/applications/{pk}", {"answers": {"nonsense": "x"}})
    assert response.status_code == 422 and "nonsense" in response.json()["errors"]["__all__"][0]
    ok = api(client, "patch", f"/api/v1/applications/{pk}", {"answers": {
        "name": "K Chan", "hkid": "A123456(3)", "institution": "HKUST", "crossings": "daily",
        "contact_name": "K Chan", "contact_email": "k@example.org", "contact_mobile": "+85291234567"}})
    assert ok.status_code == 200
    missing_consent = api(client, "post", f"/api/v1/applications/{pk}/submit", {"consent": False})
    assert missing_consent.status_code == 422 and "consent" in missing_consent.json()["errors"]
    submitted = api(client, "post", f"/api/v1/applications/{pk}/submit", {"consent": True}).json()
    assert submitted["status"] == "submitted" and submitted["reference"].startswith("HT-")
    again = api(client, "post", f"/api/v1/applications/{pk}/submit", {"consent": True}).json()
    assert again["reference"] == submitted["reference"]  # idempotent


def test_incomplete_submission_lists_every_missing_answer(client, member_user):
    client.force_login(member_user)
    pk = api(client, "post", "/api/v1/applications", {"service": "venue-booking"}).json()["id"]
    response = api(client, "post", f"/api/v1/applications/{pk}/submit", {"consent": True})
    assert response.status_code == 422
    assert {"title", "date", "guests", "catering"} <= set(response.json()["errors"])
    assert Application.objects.get(pk=pk).status == Status.DRAFT


def test_other_peoples_applications_are_invisible(client, member_user):
    owner = staff_in("own", "finance")
    service = Service.objects.get(code="venue-booking")
    application = services.application_start(actor=owner, service=service)
    client.force_login(member_user)
    assert api(client, "patch", f"/api/v1/applications/{application.pk}", {"answers": {}}).status_code == 404
    assert client.get(f"/en/applications/{application.pk}/page/0/").status_code == 404
    assert client.get("/api/v1/applications").json() == {"items": [], "count": 0}


def test_overdue_applications_are_escalated_once_to_the_department_head(member_user):
    service = Service.objects.get(code="venue-booking")
    application = services.application_start(actor=member_user, service=service)
    services.application_save_page(actor=member_user, application=application, page_answers={
        "title": "Forum", "date": "2026-12-12", "guests": "80", "catering": "no", "contact_name": "M",
        "contact_email": "m@example.org", "contact_mobile": "+8613800138000"})
    application = services.application_submit(actor=member_user, application=application, consent=True)
    head = staff_in("head", "facilities_security", "head")
    officer = staff_in("officer2", "facilities_security")
    Application.objects.filter(pk=application.pk).update(step_due=datetime.date(2020, 1, 1))
    assert services.escalate_overdue() == 1
    assert services.escalate_overdue() == 0
    assert head.notifications.filter(title__contains=application.reference).count() == 1
    assert not officer.notifications.exists()


def test_officer_queue_tabs(client, member_user):
    service = Service.objects.get(code="venue-booking")
    application = services.application_start(actor=member_user, service=service)
    services.application_save_page(actor=member_user, application=application, page_answers={
        "title": "Forum", "date": "2026-12-12", "guests": "80", "catering": "no", "contact_name": "M",
        "contact_email": "m@example.org", "contact_mobile": "+8613800138000"})
    application = services.application_submit(actor=member_user, application=application, consent=True)
    officer = staff_in("fac", "facilities_security")
    client.force_login(officer)
    assert application.reference in client.get("/en/work/").content.decode()
    client.post(f"/en/work/{application.reference}/", {"action": "claim", "version": application.version + 0})
    assert application.reference in client.get("/en/work/?tab=mine").content.decode()
    client.force_login(staff_in("other", "talent_services"))
    assert application.reference not in client.get("/en/work/").content.decode()
    assert client.get(f"/en/work/{application.reference}/").status_code == 403
    client.force_login(member_user)
    assert client.get("/en/work/").status_code == 403


@pytest.fixture
def back_office(client):
    from django.contrib.auth import get_user_model

    from tests.conftest import with_mfa

    admin_user = with_mfa(get_user_model().objects.create_superuser("root", "root@example.org", "pw-root-12345"))
    client.force_login(admin_user)
    return client


def test_back_office_export_and_import(back_office):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = back_office
    service = Service.objects.get(code="venue-booking")
    exported = client.post("/en/admin/onestop/service/", {"action": "export_json", "_selected_action": [service.pk]})
    data = json.loads(exported.content)
    assert data["code"] == "venue-booking" and data["definition"]["steps"][0]["department"] == "facilities_security"
    data.update(code="venue-booking-hk", name_en="Venue booking in the Hong Kong Park", calendar="hong_kong")
    upload = SimpleUploadedFile("s.json", json.dumps(data).encode(), content_type="application/json")
    response = client.post("/en/admin/onestop/service/import/", {"file": upload})
    assert response.status_code == 302
    assert Service.objects.get(code="venue-booking-hk").published
    bad = SimpleUploadedFile("s.json", b"{not json", content_type="application/json")
    assert client.post("/en/admin/onestop/service/import/", {"file": bad}).status_code == 200


def test_back_office_edit_makes_a_new_version(back_office):
    client = back_office
    service = Service.objects.get(code="venue-booking")
    # Editing the definition in the back office makes a new version; old applications keep theirs.
    old_version = service.current_version
    definition = dict(service.current_version.definition, materials=[{"en": "Floor plan"}])
    form = {f: getattr(service, f) if getattr(service, f) is not None else "" for f in services.SERVICE_FIELDS}
    form.update(published="on", definition=json.dumps(definition))
    response = client.post(f"/en/admin/onestop/service/{service.pk}/change/", form)
    assert response.status_code == 302, response.content[:2000]
    service.refresh_from_db()
    assert service.current_version.number == old_version.number + 1
    assert service.current_version.definition["materials"] == [{"en": "Floor plan"}]


def venue_submitted(member_user) -> Application:
    service = Service.objects.get(code="venue-booking")
    application = services.application_start(actor=member_user, service=service)
    services.application_save_page(actor=member_user, application=application, page_answers={
        "title": "Forum", "date": "2026-12-12", "guests": "80", "catering": "no", "contact_name": "M",
        "contact_email": "m@example.org", "contact_mobile": "+8613800138000"})
    return services.application_submit(actor=member_user, application=application, consent=True)


def test_public_figures(client, member_user):
    application = venue_submitted(member_user)
    officer = staff_in("fac1", "facilities_security")
    services.application_decide(actor=officer, application=application, action="approve")
    services.rating_give(actor=member_user, application=application, score=4)
    figures = client.get("/en/services/figures/")
    row = next(r for r in figures.context["rows"] if r["service"].code == "venue-booking")
    assert (row["submitted"], row["decided"], row["in_time_share"], row["satisfaction"]) == (1, 1, 100, 4.0)
    assert sum(figures.context["chart_data"]["applications_per_month"]["series"][0]["data"]) == 1


def test_officer_assignment(client, member_user):
    second = venue_submitted(member_user)
    officer, colleague = staff_in("fac1", "facilities_security"), staff_in("fac2", "facilities_security")
    client.force_login(officer)
    page = client.get(f"/en/work/{second.reference}/")
    assert "working day" in page.content.decode()
    client.post(f"/en/work/{second.reference}/", {"action": "assign", "assignee": colleague.pk,
                                                  "version": second.version})
    second.refresh_from_db()
    assert second.assigned_to == colleague
    outsider = staff_in("outsider", "finance")
    response = client.post(f"/en/work/{second.reference}/", {"action": "assign", "assignee": outsider.pk,
                                                             "version": second.version})
    assert response.status_code == 400
