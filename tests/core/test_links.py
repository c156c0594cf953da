"""Every absolute link the park sends starts from HETAO_PUBLIC_BASE_URL, in the recipient's language; emails
greet and sign with the site's name (HETAO_SITE_NAME, translated), never with the host of a request."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings
from django.utils import translation

from hetao.core.links import absolute_url, localised_path

BASE = "https://park.example.hk"
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_base")]
LINK = re.compile(r"https?://[^\s>\"']+")


@pytest.fixture
def public_base():
    with override_settings(HETAO_PUBLIC_BASE_URL=BASE, ALLOWED_HOSTS=["testserver", "127.0.0.1", "internal.lan"]):
        yield


def links_in(message) -> list[str]:
    return LINK.findall(message.body) + LINK.findall(message.subject)


def assert_only_public_links(message, language: str):
    found = links_in(message)
    assert found, message.body
    for url in found:
        assert url.startswith(f"{BASE}/{language}/"), url
    for host in ("testserver", "127.0.0.1", "internal.lan", "localhost"):
        assert host not in message.body and host not in message.subject


def user(email: str, language: str, **fields):
    return get_user_model().objects.create_user(email.split("@")[0], email, "pw-links-12345",
                                                preferred_language=language, **fields)


@pytest.mark.parametrize(("target", "language", "kwargs", "expected"), [
    ("/my-applications/HT-2026-000001/", "zh-hant", {}, "/zh-hant/my-applications/HT-2026-000001/"),
    ("/en/events/5/?tab=1#top", "zh-hans", {}, "/zh-hans/events/5/?tab=1#top"),
    ("/zh-hans/", "en", {}, "/en/"),
    ("/api/v1/docs", "zh-hant", {}, "/api/v1/docs"),  # not a page of i18n_patterns: no prefix
    ("onestop:mine_detail", "zh-hant", {"reference": "HT-1"}, "/zh-hant/my-applications/HT-1/"),
])
def test_absolute_url_uses_the_public_base_and_the_language(target, language, kwargs, expected):
    assert absolute_url(target, language=language, **kwargs) == BASE + expected


def test_absolute_url_defaults_to_the_active_language():
    with translation.override("zh-hant"):
        assert absolute_url("/events/") == f"{BASE}/zh-hant/events/"
    assert localised_path("/events/", "en") == "/en/events/"


def test_a_notification_to_a_zh_hant_user_links_to_the_public_address_in_zh_hant(django_capture_on_commit_callbacks):
    from hetao.community.services import notify

    reader = user("reader@example.org", "zh-hant")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        notify(users=[reader], kind="event", url="/en/events/7/", render=lambda: ("Title", "Body"))
    [message] = mail.outbox
    assert f"{BASE}/zh-hant/events/7/" in message.body
    assert_only_public_links(message, "zh-hant")
    assert "河套虛擬園區" in message.body and "河套虛擬園區" in message.subject
    assert "park.example.hk/zh-hant/" in message.body


def test_an_application_decision_links_to_the_applicants_language(django_capture_on_commit_callbacks):
    import io

    from django.core.management import call_command

    from hetao.onestop import services
    from hetao.onestop.models import Service

    call_command("import_services", stdout=io.StringIO())
    applicant = user("applicant-hant@example.org", "zh-hant")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        application = services.application_start(actor=applicant, service=Service.objects.get(code="venue-booking"))
        services.application_save_page(actor=applicant, application=application, page_answers={
            "title": "Forum", "date": "2026-12-18", "guests": "60", "catering": "yes",
            "contact_name": "Ka Yan Chan", "contact_email": "applicant-hant@example.org",
            "contact_mobile": "+85291234567"})
        application = services.application_submit(actor=applicant, application=application, consent=True)
    message = next(m for m in mail.outbox if application.reference in m.subject)
    assert f"{BASE}/zh-hant/my-applications/{application.reference}/" in message.body
    assert_only_public_links(message, "zh-hant")


def test_sign_up_confirmation_email_greets_with_the_site_name_and_links_to_the_public_address(client):
    response = client.post("/zh-hant/accounts/signup/", {
        "email": "newcomer@example.org", "password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9",
        "first_name": "小明", "last_name": "陳"}, HTTP_HOST="internal.lan")
    assert response.status_code == 302
    [message] = mail.outbox
    assert "河套虛擬園區" in message.body and message.subject.startswith("[河套虛擬園區] ")
    assert re.search(rf"{BASE}/zh-hant/accounts/confirm-email/[-:\w]+/", message.body)
    assert_only_public_links(message, "zh-hant")


def test_password_reset_email_follows_the_account_language_not_the_page(client):
    user("hans@example.org", "zh-hans")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=get_user_model().objects.get(email="hans@example.org"),
                                email="hans@example.org", verified=True, primary=True)
    response = client.post("/en/accounts/password/reset/", {"email": "hans@example.org"}, HTTP_HOST="internal.lan")
    assert response.status_code == 302
    [message] = mail.outbox
    assert re.search(rf"{BASE}/zh-hans/accounts/password/reset/key/\w+-[-\w]+/", message.body)
    assert "河套虚拟园区" in message.body
    assert_only_public_links(message, "zh-hans")


def test_invitation_and_join_request_emails_link_in_the_recipients_language(django_capture_on_commit_callbacks):
    from hetao.accounts import services
    from hetao.accounts.models import Membership, MembershipRole
    from hetao.registry.models import Organisation

    organisation = Organisation.objects.get(slug="hkust-sz-hk-institute")
    admin = user("admin-hant@example.org", "zh-hant")
    Membership.objects.create(user=admin, organisation=organisation, role=MembershipRole.ADMIN)
    user("joiner@example.org", "en", first_name="小明", last_name="陳")
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(actor=admin, organisation=organisation, email="guest@example.org")
    [invitation] = mail.outbox
    assert_only_public_links(invitation, "zh-hans")  # nobody owns the address: the inviter's page language
    assert f"{BASE}/zh-hans/invitations/" in invitation.body
    assert "河套虚拟园区" in invitation.body

    mail.outbox.clear()
    joiner = get_user_model().objects.get(email="joiner@example.org")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.join_request_create(actor=joiner, organisation=organisation)
    message = next(m for m in mail.outbox if m.to == [admin.email])
    assert f"{BASE}/zh-hant/organisations/{organisation.slug}/members/" in message.body
    assert organisation.name_zh_hant in message.body and "陳小明" in message.body
    assert_only_public_links(message, "zh-hant")


def test_visitor_pass_email_signs_with_the_site_name_in_the_hosts_language():
    import datetime

    from django.utils import timezone

    from hetao.passes.models import AccessPoint, VisitorPass
    from hetao.passes.tasks import email_visitor_pass
    from hetao.registry.models import Park

    host = user("host@example.org", "zh-hant", first_name="嘉欣", last_name="陳")
    point = AccessPoint(code="links-gate", kind="gate", park=Park.objects.get(code="shenzhen"), name_en="Gate",
                        name_zh_hant="閘口")
    point.full_clean()
    point.save()
    start = timezone.now() + datetime.timedelta(hours=1)
    visit = VisitorPass.objects.create(host=host, guest_name="G", guest_email="g@example.org", access_point=point,
                                       valid_from=start, valid_until=start + datetime.timedelta(hours=2))
    email_visitor_pass.call(visit_id=visit.pk, code="TEST  CODE")
    [message] = mail.outbox
    assert message.subject.startswith("[河套虛擬園區] ")
    assert "陳嘉欣" in message.body and "閘口" in message.body
    assert_only_public_links(message, "zh-hant")
