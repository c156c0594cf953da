import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from hetao.accounts.models import KnownDevice, User
from hetao.audit.models import AuditEvent
from tests.conftest import staff_in, with_mfa

pytestmark = pytest.mark.django_db

SIGNUP = {"email": "mei@example.org", "password1": "Loop-river-2026!", "password2": "Loop-river-2026!",
          "first_name": "Mei", "last_name": "Chan"}


def test_signup_in_traditional_chinese_verifies_email_and_keeps_the_language(client):
    response = client.post("/zh-hant/accounts/signup/", {**SIGNUP, "mobile": "+852 9123 4567"})
    assert response.status_code == 302
    user = User.objects.get(email="mei@example.org")
    assert (user.mobile, user.preferred_language) == ("+85291234567", "zh-hant")
    assert not EmailAddress.objects.get(user=user).verified
    message = mail.outbox[-1]
    assert message.to == ["mei@example.org"]
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", message.body).group(0)
    path = "/" + link.split("/", 3)[3]
    assert client.post(path).status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert AuditEvent.objects.filter(action="security.email_confirmed", target_id=str(user.pk)).exists()


@pytest.mark.parametrize(("mobile", "message"), [
    ("+852 1234 5678", "not a valid mobile number"),  # HK mobiles start with 4–9
    ("+1 415 555 0100", "Only Mainland (+86), Hong Kong (+852) and Macao (+853)"),
    ("91234567", "country code"),
    ("+86 138 0013 800", "not a valid mobile number"),  # one digit short
])
def test_bad_mobile_is_refused_and_nothing_is_created(client, mobile, message):
    response = client.post("/en/accounts/signup/", {**SIGNUP, "mobile": mobile})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email=SIGNUP["email"]).exists()


@pytest.mark.parametrize("mobile", ["+86 138 0013 8000", "+853 6612 3456", "+852 5123 4567"])
def test_good_mobiles_of_the_three_regions(client, mobile):
    assert client.post("/en/accounts/signup/", {**SIGNUP, "mobile": mobile}).status_code == 302


def test_email_already_in_use(client, member_user):
    EmailAddress.objects.create(user=member_user, email=member_user.email, verified=True, primary=True)
    response = client.post("/en/accounts/signup/", {**SIGNUP, "email": member_user.email.upper()})
    assert response.status_code == 200 and "already registered" in response.content.decode()
    assert User.objects.filter(email__iexact=member_user.email).count() == 1


def verified_user(email="ka.yan@example.org", password="Pw-ka-yan-2026", **extra):
    user = User.objects.create_user(email.split("@")[0], email, password, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def sign_in(client, email, password, agent="Browser A"):
    return client.post("/en/accounts/login/", {"login": email, "password": password}, HTTP_USER_AGENT=agent)


def test_sign_in_lands_in_the_preferred_language_and_sets_the_cookie(client):
    verified_user(preferred_language="zh-hant")
    response = sign_in(client, "ka.yan@example.org", "Pw-ka-yan-2026")
    assert response.status_code == 302 and response.url == "/zh-hant/account/"
    client.get(response.url)
    assert client.cookies["hetao_language"].value == "zh-hant"


def test_language_switch_is_stored_on_the_account(client):
    user = verified_user()
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/en/"})
    user.refresh_from_db()
    assert user.preferred_language == "zh-hans"


def test_repeated_failures_lock_the_account_and_are_audited(client):
    verified_user()
    for _ in range(5):
        assert sign_in(client, "ka.yan@example.org", "wrong-password").status_code == 200
    response = sign_in(client, "ka.yan@example.org", "Pw-ka-yan-2026")
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session  # locked out, even with the right password
    assert AuditEvent.objects.filter(action="security.login_failed").count() >= 5


def test_sign_in_from_a_new_browser_alerts_the_user(client, django_capture_on_commit_callbacks):
    user = verified_user()
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(client, user.email, "Pw-ka-yan-2026", agent="Browser A")
    assert not [m for m in mail.outbox if "New sign-in" in m.subject]
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(client, user.email, "Pw-ka-yan-2026", agent="Browser B")
    alerts = [m for m in mail.outbox if "New sign-in" in m.subject]
    assert len(alerts) == 1 and "Browser B" in alerts[0].body
    assert KnownDevice.objects.filter(user=user).count() == 2
    assert AuditEvent.objects.filter(action="security.login", target_id=str(user.pk)).count() == 2


def test_staff_must_set_up_mfa_before_anything_else(client):
    officer = staff_in("nomfa", "finance")
    officer.authenticator_set.all().delete()
    client.force_login(officer)
    response = client.get("/en/account/")
    assert response.status_code == 302 and response.url == reverse("mfa_index")
    assert client.get(reverse("mfa_index")).status_code == 200
    with_mfa(officer)
    assert client.get("/en/account/").status_code == 200


def test_sessions_page_lists_sessions(client):
    user = verified_user()
    sign_in(client, user.email, "Pw-ka-yan-2026")
    response = client.get(reverse("usersessions_list"))
    assert response.status_code == 200
