import datetime
import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from hetao.accounts.models import Membership
from hetao.onestop import services
from hetao.onestop.models import Application, Service, Status, Transition
from hetao.registry.models import Organisation
from tests.conftest import staff_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def seeded_services(db):
    from django.core.management import call_command

    call_command("import_services", stdout=io.StringIO())


@pytest.fixture
def applicant(member_user):
    member_user.first_name, member_user.last_name, member_user.mobile = "Ka Yan", "Chan", "+85291234567"
    member_user.save()
    return member_user


def answer_page(client, application, index, data):
    return client.post(f"/en/applications/{application.pk}/page/{index}/", data)


def test_catalogue_in_three_languages_and_search(client):
    assert Service.objects.filter(published=True).count() == 10
    names = (("en", "Talent apartment application"), ("zh-hans", "人才公寓申请"), ("zh-hant", "人才公寓申請"))
    for lang, name in names:
        assert name in client.get(f"/{lang}/services/").content.decode()
    html = client.get("/en/services/", {"q": "科汇通"}).content.decode()
    assert "Cross-border research fund remittance filing" in html and "Talent apartment" not in html


def test_eligibility_answer_rules_out_with_a_clear_reason(client, applicant):
    client.force_login(applicant)
    response = client.post("/en/services/talent-apartment/", {"works_in_park": "no"})
    assert response.status_code == 400
    assert "Talent apartments are for people working in the park." in response.content.decode()
    assert not Application.objects.exists()


# ── Applying: start, leave, resume, submit, receipt ─────────────────────────────────────────────────


@pytest.fixture
def started(client, applicant):
    """A talent apartment application started on the service page (eligible), the applicant signed in."""
    client.force_login(applicant)
    response = client.post("/en/services/talent-apartment/", {"works_in_park": "yes"})
    application = Application.objects.get(applicant=applicant)
    application.start_response = response
    return application


PAGE_0 = {"name": "Ka Yan Chan", "id_type": "hkid", "hkid": "a123456(3)", "employer": "HKUST institute",
          "family__rows": "1", "family__0__member_name": "Siu Ming", "family__0__relation": "child"}


@pytest.fixture
def answered(client, started):
    """Every page answered (the first one left with "save and leave", the others on resuming)."""
    answer_page(client, started, 0, {**PAGE_0, "leave": "1"})
    answer_page(client, started, 1, {"move_in": "2026-12-01", "rooms": "2"})
    answer_page(client, started, 2, {"contact_name": "Ka Yan Chan", "contact_email": "member@example.org",
                                     "contact_mobile": "+852 9123 4567"})
    return started


@pytest.fixture
def sent(client, answered, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/applications/{answered.pk}/check/", {"consent": "1"})
    answered.refresh_from_db()
    answered.submit_response = response
    return answered


def test_applying_opens_the_first_page_prefilled_from_the_account(started):
    assert started.start_response.url == f"/en/applications/{started.pk}/page/0/"
    assert started.data["name"] == "Ka Yan Chan"  # submit once: prefilled from the account


def test_a_wrong_hkid_gets_a_specific_message(client, started):
    # Page 1 with a wrong HKID: a specific message, the draft keeps what was valid before.
    response = answer_page(client, started, 0, {"name": "Ka Yan Chan", "id_type": "hkid",
                                                "hkid": "A123456(4)", "employer": "HKUST institute",
                                                "family__rows": "1"})
    assert response.status_code == 400 and "check digit in brackets" in response.content.decode()


def test_leaving_keeps_the_cleaned_answers_and_drops_hidden_ones(client, started):
    response = answer_page(client, started, 0, {**PAGE_0, "leave": "1"})
    assert response.status_code == 302 and response.url == "/en/my-applications/"
    started.refresh_from_db()
    assert started.data["hkid"] == "A123456(3)"
    assert started.data["family"] == [{"member_name": "Siu Ming", "relation": "child"}]
    assert "mainland_id" not in started.data  # hidden by its condition


def test_resuming_later_the_check_page_shows_every_answer(client, answered):
    check = client.get(f"/en/applications/{answered.pk}/check/")
    assert "A123456(3)" in check.content.decode() and "Two rooms" in check.content.decode()


def test_submitting_gives_a_reference_and_a_committed_date(sent):
    assert sent.status == Status.SUBMITTED
    assert sent.reference.startswith(f"HT-{datetime.date.today().year}-")
    assert sent.submit_response.url == f"/en/applications/done/{sent.reference}/"
    assert sent.due_date > datetime.date.today()


def test_a_second_click_or_tab_gets_the_same_application(client, applicant, sent):
    client.post(f"/en/applications/{sent.pk}/check/", {"consent": "1"})
    assert Application.objects.filter(applicant=applicant).count() == 1
    assert Transition.objects.filter(application=sent, action="submit").count() == 1


def test_the_receipt_and_the_notification_follow_the_submission(client, applicant, sent):
    receipt = client.get(f"/en/my-applications/{sent.reference}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    assert applicant.notifications.filter(kind="application").exists()
    assert any(sent.reference in m.subject for m in mail.outbox)


def test_submission_needs_consent_when_details_were_reused(client, applicant):
    client.force_login(applicant)
    client.post("/en/services/hk-researcher-facilitation/", {"hk_resident": "yes"})
    application = Application.objects.get(applicant=applicant)
    answer_page(client, application, 0, {"name": "Ka Yan Chan", "hkid": "A123456(3)", "institution": "HKUST",
                                         "crossings": "daily"})
    answer_page(client, application, 1, {"contact_name": "K", "contact_email": "k@example.org",
                                         "contact_mobile": "+85291234567"})
    response = client.post(f"/en/applications/{application.pk}/check/", {})
    assert response.status_code == 400 and "reuse the details" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.DRAFT and application.reference is None


def submitted(applicant, code="kehuitong-filing", org_slug="hkust-sz-hk-institute"):
    org = Organisation.objects.get(slug=org_slug)
    Membership.objects.get_or_create(user=applicant, organisation=org, defaults={"role": "admin"})
    service = Service.objects.get(code=code)
    application = services.application_start(actor=applicant, service=service, organisation=org)
    grant = SimpleUploadedFile("grant letter.pdf", PDF, content_type="application/pdf")
    services.application_save_page(actor=applicant, application=application, page_answers={
        "org_name": org.name_en, "org_registered_in": "hong_kong"})
    services.application_save_page(actor=applicant, application=application, page_answers={
        "project": "Quantum sensing", "amount": {"amount": "250000.00", "currency": "HKD"}, "payer": "HKU",
        "expected": "2026-12-20"}, files={"grant_letter": (grant, None)})
    services.application_save_page(actor=applicant, application=application, page_answers={
        "contact_name": "Ka Yan Chan", "contact_email": "member@example.org", "contact_mobile": "+85291234567"})
    return services.application_submit(actor=applicant, application=application, consent=True)


# ── Officers: return, amend, two steps, the second sign-off, the letter ────────────────────────────


@pytest.fixture
def research():
    return staff_in("res", "research_management")


@pytest.fixture
def finance():
    return staff_in("fa", "finance"), staff_in("fb", "finance")


@pytest.fixture
def returned(applicant, research):
    application = submitted(applicant)
    services.application_decide(actor=research, application=application, action="return",
                                comment="Add the project number.", internal_note="Grant letter fine.")
    application.refresh_from_db()
    return application


@pytest.fixture
def at_finance(applicant, research, returned):
    """Amended and sent again, then approved by research management: the finance step (second sign-off)."""
    services.application_save_page(actor=applicant, application=returned,
                                   page_answers={"project": "Quantum sensing (QS-2026-01)"})
    services.application_submit(actor=applicant, application=returned, consent=True)
    returned.refresh_from_db()
    services.application_decide(actor=research, application=returned, action="approve")
    returned.refresh_from_db()
    return returned


@pytest.fixture
def first_signed(finance, at_finance):
    services.application_decide(actor=finance[0], application=at_finance, action="approve")  # first sign-off
    at_finance.refresh_from_db()
    return at_finance


@pytest.fixture
def approved(finance, first_signed):
    services.application_decide(actor=finance[1], application=first_signed, action="approve", comment="Filed.")
    first_signed.refresh_from_db()
    return first_signed


def test_another_department_cannot_decide_this_step(applicant, finance):
    application = submitted(applicant)
    # Finance cannot act on the research step.
    with pytest.raises(PermissionDenied, match="onestop.decide"):
        services.application_decide(actor=finance[0], application=application, action="approve")


def test_a_return_shows_the_applicant_the_comment_not_the_internal_note(client, applicant, returned):
    assert returned.status == Status.RETURNED
    client.force_login(applicant)
    detail = client.get(f"/en/my-applications/{returned.reference}/").content.decode()
    assert "Add the project number." in detail and "Grant letter fine." not in detail  # internal note hidden


def test_the_amended_application_approved_at_step_one_goes_to_finance(at_finance):
    assert at_finance.current_department == "finance" and at_finance.status == Status.IN_REVIEW


def test_the_first_finance_approval_is_the_first_signoff(finance, first_signed):
    assert first_signed.status == Status.IN_REVIEW and first_signed.first_signoff_by == finance[0]


def test_the_same_officer_cannot_give_the_second_signoff(finance, first_signed):
    with pytest.raises(ValidationError, match="another officer"):
        services.application_decide(actor=finance[0], application=first_signed, action="approve")


def test_another_officer_approves_and_the_history_says_every_step(approved):
    assert approved.status == Status.APPROVED and approved.decided_at
    actions = list(approved.transitions.values_list("action", flat=True))
    assert actions == ["submit", "return", "resubmit", "approve", "first_signoff", "approve"]


def test_the_decision_letter_of_an_approved_application(client, applicant, approved):
    client.force_login(applicant)
    letter = client.get(f"/en/my-applications/{approved.reference}/decision.pdf")
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")


def test_the_applicant_rates_a_decided_application(client, applicant, approved):
    client.force_login(applicant)
    client.post(f"/en/my-applications/{approved.reference}/", {"action": "rate", "score": "5", "comment": "Fast"})
    assert approved.rating.score == 5


def test_two_officers_at_once_the_second_is_told(client, applicant):
    application = submitted(applicant)
    first, second = staff_in("r1", "research_management"), staff_in("r2", "research_management")
    version = application.version
    client.force_login(first)
    response = client.post(f"/en/work/{application.reference}/", {"action": "approve", "version": version})
    assert response.status_code == 302
    client.force_login(second)
    response = client.post(f"/en/work/{application.reference}/", {"action": "reject", "comment": "No",
                                                                   "version": version})
    assert response.status_code == 409 and "while you had it open" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW and application.current_department == "finance"


def test_files_are_checked_by_content_and_served_only_to_those_with_access(client, applicant, member_user):
    fake = SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="Only PDF, PNG and JPEG"):
        services.document_store(actor=applicant, upload=fake, label="x")
    application = submitted(applicant)
    document_id = application.data["grant_letter"]["document"]
    client.force_login(applicant)
    response = client.get(f"/en/documents/{document_id}/")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "grant_letter.pdf" in response["Content-Disposition"]  # the name is sanitised, never trusted
    client.force_login(staff_in("res", "research_management"))
    assert client.get(f"/en/documents/{document_id}/").status_code == 200
    client.force_login(staff_in("fin", "talent_services"))
    assert client.get(f"/en/documents/{document_id}/").status_code == 404


def test_a_service_imported_from_json_works_end_to_end(client, applicant, tmp_path):
    import json

    from django.core.management import call_command

    definition = {"code": "lab-safety-course", "category": "research", "applicant": "person", "working_days": 2,
                  "calendar": "hong_kong", "output": "certificate", "name_en": "Lab safety course sign-up",
                  "name_zh_hant": "實驗室安全課程報名", "description_en": "Sign up for the course.",
                  "definition": {"eligibility": [], "materials": [], "steps": [
                      {"id": "safety", "department": "facilities_security", "title": {"en": "Safety office"},
                       "days": 2}],
                      "pages": [{"id": "p", "title": {"en": "You"}, "fields": [
                          {"id": "lab", "type": "text", "label": {"en": "Your lab"}, "required": True}]}]}}
    path = tmp_path / "service.json"
    path.write_text(json.dumps(definition, ensure_ascii=False))
    call_command("import_services", str(path), stdout=io.StringIO())
    service = Service.objects.get(code="lab-safety-course")
    assert service.name_zh_hans == "实验室安全课程报名"
    assert "Lab safety course sign-up" in client.get("/en/services/").content.decode()
    client.force_login(applicant)
    client.post("/en/services/lab-safety-course/")
    application = Application.objects.get(service_version__service=service)
    client.post(f"/en/applications/{application.pk}/page/0/", {"lab": "Quantum lab 3"})
    client.post(f"/en/applications/{application.pk}/check/")
    application.refresh_from_db()
    services.application_decide(actor=staff_in("sec", "facilities_security"), application=application,
                                action="approve")
    application.refresh_from_db()
    assert application.status == Status.APPROVED


def test_a_broken_definition_is_refused_on_import():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="at least one approval step"):
        services.service_import(actor=staff_in("data", "data"), data={"code": "broken", "definition": {"pages": [
            {"fields": [{"id": "a", "type": "text", "label": {"en": "A"}}]}]}})
    assert not Service.objects.filter(code="broken").exists()
