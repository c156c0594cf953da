"""Deactivating an account is a service (hetao.accounts.services.user_deactivate) that runs the hooks the apps
above accounts registered (passes revokes the codes); the back office goes through it, and no code deactivates
an account any other way. Also: the hook registry, and the accounts back office writing only through services."""

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import reverse

import hetao
from hetao.accounts import hooks
from hetao.accounts.models import Department, Membership, StaffRole
from hetao.accounts.services import staff_role_remove, staff_role_save, user_admin_save, user_deactivate
from hetao.audit.models import AuditEvent
from hetao.passes.models import PassHolder
from hetao.passes.services import holder_for
from tests.community.admin_forms import admin_form_data
from tests.conftest import staff_in, with_mfa

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def leaver(db):
    user = User.objects.create_user("leaver", "leaver@example.org", "pw-leaver-123")
    holder_for(user)  # the account has shown its park code
    return user


def epoch(user) -> int:
    return PassHolder.objects.get(user=user).epoch


# ── The service ──────────────────────────────────────────────────────────────────────────────────────

def test_a_data_head_deactivates_an_account_its_codes_are_revoked_and_both_are_audited(leaver):
    head = staff_in("dh", "data", "head")
    user_deactivate(actor=head, user=leaver, reason="left the park")
    assert leaver.is_active is False
    leaver.refresh_from_db()
    assert leaver.is_active is False and epoch(leaver) == 2
    event = AuditEvent.objects.get(action="accounts.user.deactivate")
    assert event.actor == head and event.target_id == str(leaver.pk) and event.changes == {"reason": "left the park"}
    revoke = AuditEvent.objects.get(action="passes.revoke")
    assert revoke.actor == head and revoke.changes["reason"] == "account_deactivated"


@pytest.mark.parametrize("who", ["officer of data", "head of talent", "the user", "plain member"])
def test_anyone_else_is_refused_and_nothing_changes(leaver, who):
    actor = {"officer of data": lambda: staff_in("do", "data"),
             "head of talent": lambda: staff_in("th", "talent_services", "head"),
             "the user": lambda: leaver,
             "plain member": lambda: User.objects.create_user("m", "m@example.org", "pw-m-1234567")}[who]()
    with pytest.raises(PermissionDenied):
        user_deactivate(actor=actor, user=leaver, reason="no")
    leaver.refresh_from_db()
    assert leaver.is_active and epoch(leaver) == 1
    assert not AuditEvent.objects.filter(action__in=["accounts.user.deactivate", "passes.revoke"]).exists()


def test_deactivating_an_inactive_account_does_nothing_more(leaver):
    head = staff_in("dh", "data", "head")
    user_deactivate(actor=head, user=leaver, reason="first")
    user_deactivate(actor=head, user=User.objects.get(pk=leaver.pk), reason="again")
    assert epoch(leaver) == 2
    assert AuditEvent.objects.filter(action="accounts.user.deactivate").count() == 1


def test_an_invalid_old_field_does_not_keep_an_account_active(leaver):
    User.objects.filter(pk=leaver.pk).update(mobile="not a number")
    user_deactivate(actor=staff_in("dh", "data", "head"), user=User.objects.get(pk=leaver.pk), reason="x")
    assert not User.objects.get(pk=leaver.pk).is_active


def test_a_failing_hook_rolls_the_whole_deactivation_back(leaver, monkeypatch):
    def broken(*, actor, user, reason):
        raise RuntimeError("the other app failed")

    monkeypatch.setattr(hooks, "_deactivated", [*hooks._deactivated, broken])
    with pytest.raises(RuntimeError):
        user_deactivate(actor=staff_in("dh", "data", "head"), user=leaver, reason="x")
    leaver.refresh_from_db()
    assert leaver.is_active and epoch(leaver) == 1
    assert not AuditEvent.objects.filter(action__in=["accounts.user.deactivate", "passes.revoke"]).exists()


# ── The hook registry ────────────────────────────────────────────────────────────────────────────────

def test_passes_community_and_onestop_registered_at_start_up():
    deactivated = {f"{h.__module__}.{h.__name__}" for h in hooks._deactivated}
    erased = {h.__module__ for h in hooks._erased}
    assert "hetao.passes.account_hooks.revoke_codes" in deactivated
    assert {"hetao.passes.account_hooks", "hetao.community.account_hooks", "hetao.onestop.account_hooks"} <= erased


def test_registering_twice_keeps_one_and_erasure_hooks_report_what_they_did(monkeypatch):
    monkeypatch.setattr(hooks, "_erased", [])
    calls = []

    def first(*, actor, user, pseudonym):
        calls.append("first")
        return {"kept": 1}

    def second(*, actor, user, pseudonym):
        calls.append("second")

    hooks.on_user_erased(first)
    hooks.on_user_erased(first)
    hooks.on_user_erased(second)
    assert hooks.run_user_erased(actor=None, user=None, pseudonym="user:1") == {"kept": 1}
    assert calls == ["first", "second"]


def test_passes_has_no_signal_receivers_left():
    import importlib.util

    assert importlib.util.find_spec("hetao.passes.signals") is None


SRC = Path(hetao.__file__).parent
DEACTIVATES = re.compile(r"\.is_active\s*=\s*False|update\([^)]*is_active\s*=\s*False")


def test_no_code_deactivates_an_account_but_the_service():
    found = [f"{path.relative_to(SRC)}:{n}" for path in SRC.rglob("*.py") if "migrations" not in path.parts
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if DEACTIVATES.search(line)]
    assert found == ["accounts/services.py:" + str(_service_line())], found


def _service_line() -> int:
    lines = (SRC / "accounts" / "services.py").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if DEACTIVATES.search(line))


# ── The back office ──────────────────────────────────────────────────────────────────────────────────

@pytest.fixture
def root(db):
    return with_mfa(User.objects.create_superuser("root", "root@example.org", "pw-root-12345"))


@pytest.fixture
def admin_client(client, root):
    client.force_login(root)
    return client


def test_unticking_active_in_the_back_office_is_a_deactivation(admin_client, root, leaver):
    url = reverse("admin:accounts_user_change", args=[leaver.pk])
    data = admin_form_data(admin_client.get(url), is_active=None, first_name="Lee")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    leaver.refresh_from_db()
    assert not leaver.is_active and leaver.first_name == "Lee" and epoch(leaver) == 2
    assert AuditEvent.objects.get(action="accounts.user.deactivate").actor == root
    assert AuditEvent.objects.get(action="accounts.user.update").changes == {"fields": ["first_name"]}


def test_the_back_office_never_deletes_an_account(admin_client, leaver):
    response = admin_client.post(reverse("admin:accounts_user_delete", args=[leaver.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert User.objects.filter(pk=leaver.pk).exists()


def test_saving_an_account_needs_a_superuser(leaver):
    head = staff_in("dh", "data", "head")
    leaver.first_name = "Changed"
    with pytest.raises(PermissionDenied):
        user_admin_save(actor=head, user=leaver, fields=["first_name"])
    assert User.objects.get(pk=leaver.pk).first_name == ""
    assert not AuditEvent.objects.filter(action="accounts.user.update").exists()


def test_staff_roles_are_given_and_taken_through_services(admin_client, root, leaver):
    data = Department.objects.get(code="data")
    response = admin_client.post(reverse("admin:accounts_staffrole_add"),
                                 {"user": leaver.pk, "department": data.pk, "role": "officer"})
    assert response.status_code == 302
    role = StaffRole.objects.get(user=leaver)
    created = AuditEvent.objects.get(action="accounts.staff_role.create")
    assert created.actor == root and created.changes == {"department": "data", "role": "officer"}
    response = admin_client.post(reverse("admin:accounts_staffrole_delete", args=[role.pk]), {"post": "yes"})
    assert response.status_code == 302 and not StaffRole.objects.filter(pk=role.pk).exists()
    assert AuditEvent.objects.filter(action="accounts.staff_role.remove", actor=root).exists()


def test_only_a_superuser_gives_staff_roles(leaver):
    head = staff_in("dh", "data", "head")
    role = StaffRole(user=leaver, department=Department.objects.get(code="data"), role="head")
    with pytest.raises(PermissionDenied):
        staff_role_save(actor=head, role=role)
    assert not StaffRole.objects.filter(user=leaver).exists()
    existing = StaffRole.objects.get(user=head)
    with pytest.raises(PermissionDenied):
        staff_role_remove(actor=head, role=existing)
    assert StaffRole.objects.filter(pk=existing.pk).exists()
    assert not AuditEvent.objects.filter(action__startswith="accounts.staff_role").exists()


@pytest.mark.parametrize("model", ["membership", "invitation", "joinrequest", "department", "knowndevice",
                                   "clientpolicy", "identitydocument", "deletionrequest", "personclaim"])
def test_the_other_accounts_models_are_read_only_in_the_back_office(admin_client, model):
    assert admin_client.get(reverse(f"admin:accounts_{model}_changelist")).status_code == 200
    assert admin_client.post(reverse(f"admin:accounts_{model}_add"), {}).status_code == 403


def test_a_membership_cannot_be_changed_or_deleted_in_the_back_office(admin_client, leaver):
    from tests.factories import OrganisationFactory

    membership = Membership.objects.create(user=leaver, organisation=OrganisationFactory(), role="admin")
    change = reverse("admin:accounts_membership_change", args=[membership.pk])
    assert admin_client.get(change).status_code == 200  # shown
    assert admin_client.post(change, {"role": "member"}).status_code == 403
    assert admin_client.post(reverse("admin:accounts_membership_delete", args=[membership.pk]),
                             {"post": "yes"}).status_code == 403
    membership.refresh_from_db()
    assert membership.role == "admin"
