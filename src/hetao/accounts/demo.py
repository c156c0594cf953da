"""Demo accounts for each role and the public `demo-partner` SSO client. Created only by load_demo_park."""

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from oauth2_provider.models import Application

from hetao.registry.models import Organisation, Person

from .models import ClientPolicy, Department, Membership, StaffRole, User

DEMO_PASSWORD = "hetao-demo-2026"
# Staff must use a second factor; demo staff share this TOTP secret (any authenticator app, or
# `oathtool --totp -b JBSWY3DPEHPK3PXP`).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"

# email, first, last, language, organisation slug and role, department and role, superuser
DEMO_ACCOUNTS = [
    ("applicant@example.org", "Ka Yan", "Chan", "zh-hant", ("hkust-sz-hk-institute", "member"), None, False),
    ("orgadmin@example.org", "Jinglei", "Yang", "en", ("hkust-sz-hk-institute", "admin"), None, False),
    ("enterprise.officer@example.org", "Wei", "Li", "zh-hans", None, ("enterprise_services", "officer"), False),
    ("talent.officer@example.org", "Fang", "Zhang", "zh-hans", None, ("talent_services", "officer"), False),
    ("research.officer@example.org", "Min", "Liu", "zh-hans", None, ("research_management", "officer"), False),
    ("finance.officer@example.org", "Hoi Ying", "Wong", "zh-hant", None, ("finance", "officer"), False),
    ("security.officer@example.org", "Jun", "Zhou", "zh-hans", None, ("facilities_security", "officer"), False),
    ("data.head@example.org", "Yi", "Chen", "en", None, ("data", "head"), False),
    ("reviewer@example.org", "Anna", "Schmidt", "en", None, None, False),
    ("gate@example.org", "Ming", "Ho", "zh-hant", None, ("facilities_security", "officer"), False),
    ("admin@example.org", "Park", "Administrator", "en", None, ("data", "head"), True),
]

DEMO_PARTNER = {
    "client_id": "demo-partner",
    "name": "Demo partner system",
    "redirect_uris": "http://127.0.0.1:8765/callback",
    "post_logout_redirect_uris": "http://127.0.0.1:8765/",
    "scopes": "openid profile email",
}


def load_demo_accounts() -> None:
    for email, first, last, language, org, department, superuser in DEMO_ACCOUNTS:
        staff = department is not None or superuser
        user = User.objects.create_user(username=email.split("@")[0], email=email, password=DEMO_PASSWORD,
                                        first_name=first, last_name=last, preferred_language=language,
                                        is_staff=staff, is_superuser=superuser)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        if org:
            Membership.objects.create(user=user, organisation=Organisation.objects.get(slug=org[0]), role=org[1])
        if department:
            StaffRole.objects.create(user=user, department=Department.objects.get(code=department[0]),
                                     role=department[1])
        if staff:
            TOTP.activate(user, DEMO_TOTP_SECRET)
    orgadmin = User.objects.get(email="orgadmin@example.org")
    orgadmin.person = Person.objects.filter(name_en="Yang Jinglei").first()
    orgadmin.save(update_fields=["person"])

    app = Application.objects.create(
        client_id=DEMO_PARTNER["client_id"], name=DEMO_PARTNER["name"], client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE, client_secret="",
        redirect_uris=DEMO_PARTNER["redirect_uris"],
        post_logout_redirect_uris=DEMO_PARTNER["post_logout_redirect_uris"],
        algorithm=Application.RS256_ALGORITHM, skip_authorization=False,
    )
    ClientPolicy.objects.create(application=app, allowed_scopes=DEMO_PARTNER["scopes"])


def clear_demo_accounts() -> None:
    User.objects.filter(email__in=[a[0] for a in DEMO_ACCOUNTS]).delete()
    Application.objects.filter(client_id=DEMO_PARTNER["client_id"]).delete()
