"""Prepare the database of tests/ops/test_two_servers.py with the servers' own (production) settings:
migrate, signing keys, the demo park, and the people and things the test needs. Writes them as JSON.

    DJANGO_SETTINGS_MODULE=hetao.settings.prod … python -m tests.ops.two_servers_setup OUT.json
"""

import json
import sys

import django


def main(out: str) -> None:
    django.setup()
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP
    from django.core.management import call_command

    from hetao.accounts.models import Department, StaffRole, User
    from hetao.passes.models import AccessPoint, AccessRule
    from hetao.registry.models import Park
    from tests.onestop.test_application_flow import submitted

    call_command("migrate", verbosity=0)
    call_command("pass_keys", ensure=True, verbosity=0)
    call_command("load_demo_park", verbosity=0)

    password, secret = "Two-servers-2026", "JBSWY3DPEHPK3PXQ"

    def person(name: str, **extra) -> User:
        user = User.objects.create_user(f"two-servers-{name}", f"{name}@two-servers.example.org", password, **extra)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user

    applicant = person("applicant")
    officers = []
    for name in ("officer-a", "officer-b"):
        officer = person(name, is_staff=True)
        StaffRole.objects.create(user=officer, department=Department.objects.get(code="research_management"),
                                 role="officer")
        TOTP.activate(officer, secret)
        officers.append(officer.email)
    application = submitted(applicant)
    gate = AccessPoint(code="two-servers-gate", kind="gate", park=Park.objects.get(code="shenzhen"),
                       name_en="Two-servers gate")
    gate.full_clean()
    gate.save()
    AccessRule.objects.create(access_point=gate, grant="anyone")
    locked, fresh = person("locked"), person("fresh")
    with open(out, "w") as handle:
        json.dump({"password": password, "totp_secret": secret, "applicant": applicant.email, "officers": officers,
                   "reference": application.reference, "gate": gate.code, "gate_token": gate.issue_token(),
                   "locked": locked.email, "fresh": fresh.email}, handle)


if __name__ == "__main__":
    main(sys.argv[1])
