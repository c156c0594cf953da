"""Who may do what, endpoint by endpoint, in every app; a refused action changes nothing (Saleor's permission matrix).

MATRIX has one row per state-changing view or API operation (and the reads that guard private data): every
actor's expected status. A refused cell (4xx, or a redirect to sign-in, or `Unchanged(...)`: an answer that
changes nothing, e.g. an error message on a redirect) must leave `state()` — every table of the park, audit
events included — exactly as it was; an allowed write must change it. `test_every_write_is_in_the_matrix`
walks every URL pattern (the API's operations included) and fails when a view that accepts POST, PUT, PATCH or
DELETE, or a GET known to write, is neither a MATRIX row nor in EXEMPT with a reason: a new write cannot arrive
without saying who may do it.

The cells of one row share their setup: each actor's request runs in a savepoint that is rolled back, so every
actor meets the same objects. `HETAO_MATRIX_DISCOVER=1 pytest tests/test_permission_matrix.py -s` prints what
the app answers today (to write a new row; never copy a hole into the expectations).
"""

import contextlib
import datetime
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache as django_cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from hetao.registry.models import Organisation, Person
from tests import factories
from tests.challenges import nets_fixtures as nf
from tests.conftest import staff_in, with_mfa

pytestmark = pytest.mark.django_db

ORG = "hkust-sz-hk-institute"

# The owner is the one whose object the row acts on (the applicant, the document's holder, the invitee); `member`
# is any other signed-in person (another applicant); `gate` is a gate device with its own bearer token.
ACTORS = ["anonymous", "gate", "member", "owner", "org_member", "org_admin", "data_officer", "data_head",
          "enterprise_officer", "talent_officer", "talent_head", "research_officer", "finance_officer",
          "security_officer", "superuser"]
OFFICERS = {"data_officer": ("data", "officer"), "data_head": ("data", "head"),
            "enterprise_officer": ("enterprise_services", "officer"), "talent_officer": ("talent_services", "officer"),
            "talent_head": ("talent_services", "head"), "research_officer": ("research_management", "officer"),
            "finance_officer": ("finance", "officer"), "security_officer": ("facilities_security", "officer")}
STAFF = {*OFFICERS, "superuser"}
SIGNED_IN = [a for a in ACTORS if a not in ("anonymous", "gate")]


class Unchanged(int):
    """A status that must change nothing: a refusal told on the page (a message on a redirect), or nothing to do."""

    def __repr__(self) -> str:
        return f"Unchanged({int(self)})"


class ToSignIn(int):
    """A redirect to a sign-in page (the park's, or the back office's): checked, and it must change nothing."""

    def __repr__(self) -> str:
        return "LOGIN"


LOGIN = ToSignIn(302)


def cells(anonymous: int, others: int, **exceptions: int) -> dict[str, int]:
    """Every actor's status: `anonymous` (and a gate's token, which signs no one in), `others` for everyone
    signed in, and the `exceptions` by actor."""
    unknown = set(exceptions) - set(ACTORS)
    assert not unknown, unknown
    return {"anonymous": anonymous, "gate": anonymous, **{a: others for a in SIGNED_IN}, **exceptions}


def back_office(**allowed: int) -> dict[str, int]:
    """The admin site: the sign-in page for anyone not staff, 403 for staff not allowed, `allowed` by actor."""
    return cells(LOGIN, LOGIN, **{**{a: 403 for a in OFFICERS}, **allowed})



# ── Objects the rows act on (built through the services; `users` are the actors of this row) ─────────────────


def org() -> Organisation:
    return Organisation.objects.get(slug=ORG)


def bystander(username: str = "bystander", **extra):
    return factories.make_user(username, **extra)


def join_request(users) -> dict:
    from hetao.accounts.models import JoinRequest

    return {"pk": JoinRequest.objects.create(user=bystander("asker"), organisation=org()).pk}


def other_join_request(users) -> dict:
    """A request to join another organisation than ORG (whose admin `org_admin` is not)."""
    from hetao.accounts.models import JoinRequest

    return {"pk": JoinRequest.objects.create(user=bystander("asker"), organisation=factories.OrganisationFactory()).pk}


def other_membership(users) -> dict:
    from hetao.accounts.models import Membership

    elsewhere = factories.OrganisationFactory()
    Membership.objects.create(user=bystander("their-admin"), organisation=elsewhere, role="admin")
    return {"pk": Membership.objects.create(user=bystander(), organisation=elsewhere, role="member").pk}


def document(users) -> dict:
    from hetao.accounts.models import IdentityDocument
    from hetao.accounts.services import identity_document_add

    made = identity_document_add(actor=users["owner"], kind=IdentityDocument.Kind.HKID, number="A123456(3)")
    return {"pk": made.pk}


def membership(users) -> dict:
    from hetao.accounts.models import Membership

    return {"pk": Membership.objects.create(user=bystander(), organisation=org(), role="member").pk}


def invitation(users) -> dict:
    from hetao.accounts.models import Invitation

    made = Invitation.objects.create(organisation=org(), email=users["owner"].email, invited_by=users["org_admin"],
                                     expires_at=timezone.now() + datetime.timedelta(days=7))
    return {"token": made.token}


def unclaimed_person(users) -> dict:
    return {"pk": Person.objects.filter(account__isnull=True).order_by("pk").values_list("pk", flat=True).first()}


def partner(confidential: bool = False):
    def make(users) -> dict:
        return {"pk": factories.oidc_client(users["data_head"], confidential=confidential).pk}
    return make


def notification(users) -> dict:
    factories.notification_for(users["owner"])
    return {"pk": users["owner"].notifications.get().pk}


def event(users) -> dict:
    return {"pk": factories.community_event(capacity=5).pk}


def registered_event(users) -> dict:
    from hetao.community.services import event_register

    made = factories.community_event(capacity=5)
    event_register(actor=users["owner"], event=made)
    return {"pk": made.pk}


def group(users) -> dict:
    from hetao.community.models import InterestGroup
    from hetao.community.services import group_join

    made = InterestGroup.objects.create(slug="matrix-group", title_en="Matrix group")
    group_join(actor=users["owner"], group=made)
    return {"slug": made.slug}


def venue(*, pages: int = 2, submit: bool = True, decide: str = ""):
    def make(users) -> dict:
        application = factories.venue_application(users["owner"], pages=pages, submit=submit)
        if decide:
            from hetao.onestop.services import application_decide

            application = application_decide(actor=users["security_officer"], application=application,
                                             action=decide, comment="Decided.")
        return {"pk": application.pk, "reference": application.reference, "version": application.version,
                "officer": users["security_officer"].pk}
    return make


def filing(*, pages: int = 3, submit: bool = True):
    def make(users) -> dict:
        application = factories.filing_application(users["owner"], org(), pages=pages, submit=submit)
        return {"pk": application.pk, "reference": application.reference, "version": application.version,
                "stored": (application.data.get("grant_letter") or {}).get("document")}
    return make


def services_seeded(*codes: str):
    def make(users) -> dict:
        factories.seed_services(*codes)
        return {}
    return make


def gate_point(users) -> dict:
    return {"code": users.gate_point.code}


def a_code(users) -> dict:
    from hetao.passes.services import code_for

    return {"code": users.gate_point.code, "text": code_for(users["owner"])[0]}


def unit(users) -> dict:
    return {"unit": factories.unit_in_new_building().pk}


def workday_override(users) -> dict:
    from hetao.workdays.models import WorkdayOverride
    from hetao.workdays.services import override_save

    made = override_save(actor=users["data_officer"],
                         override=WorkdayOverride(day=datetime.date(2026, 12, 24), calendar="hong_kong", working=False,
                                                  note="Matrix"))
    return {"pk": made.pk}


def deletion_request(users) -> dict:
    from hetao.accounts.privacy import deletion_request as request

    return {"pk": request(actor=bystander("leaving"), reason="Matrix").pk}


def topic(state: str = "published", *, supported: bool = False):
    """A challenge topic by `owner` in `state` (through the services; the research officer decides)."""
    def make(users) -> dict:
        from hetao.challenges import services
        from hetao.registry.models import KeyDirection

        direction = KeyDirection.objects.get(code="quantum")
        made = services.topic_propose(actor=users["owner"], title_en="Matrix topic", problem="p", importance="i",
                                      outcome="o", key_direction=direction)
        if state != "draft":
            made = services.topic_submit(actor=users["owner"], topic=made)
        if state in ("accepted", "published"):
            made = services.topic_screen(actor=users["research_officer"], topic=made, action="accept")
        if state == "published":
            made = services.topic_publish(actor=users["research_officer"], topic=made)
        if supported:
            services.topic_support(actor=users["owner"], topic=made)
        other = services.topic_submit(actor=users["owner"], topic=services.topic_propose(
            actor=users["owner"], title_en="Matrix target", problem="p", importance="i", outcome="o",
            key_direction=direction))
        return {"pk": made.pk, "target": other.pk, "direction": direction.pk}
    return make


def topic_form(ctx) -> dict:
    return {"title_en": "Matrix proposal", "problem": "p", "importance": "i", "outcome": "o",
            "key_direction": ctx["direction"], "budget_amount": "100", "budget_currency": "CNY", "tags": ""}


def service_file(ctx) -> dict:
    from hetao.onestop.management.commands.import_services import SEED_DIR

    data = json.loads((SEED_DIR / "venue-booking.json").read_text(encoding="utf-8"))
    data["code"] = "matrix-venue"
    return {"file": SimpleUploadedFile("service.json", json.dumps(data).encode(), content_type="application/json")}


def grant_letter(ctx) -> dict:
    return {"project": "Quantum sensing", "amount__amount": "250000.00", "amount__currency": "HKD", "payer": "HKU",
            "expected": factories.in_days(30),
            "grant_letter__upload": SimpleUploadedFile("grant.pdf", factories.PDF, content_type="application/pdf")}


# ── Challenges, bids, the panel and reviews (setups in tests/challenges/nets_fixtures.py) ──────────────────


def officers_only(refused_anonymous: int, allowed: int, refused: int = 403, **more: int) -> dict[str, int]:
    """The officers of research management (and the superuser) are `allowed`; everyone else is `refused`."""
    return cells(refused_anonymous, refused, research_officer=allowed, superuser=allowed, **more)


def challenge_form(ctx) -> dict:
    closes = (timezone.localtime() + datetime.timedelta(days=40)).strftime("%Y-%m-%dT%H:%M")
    return {"title_en": "Matrix challenge", "problem": "p", "deliverables": "d", "indicators": "i",
            "budget_ceiling": "1000000", "currency": "CNY", "duration_months": "12", "key_direction": ctx["direction"],
            "closes_at": closes, "experts_per_bid": "3", "max_load": "4", "min_load": "0", "spread_threshold": "2",
            "min_hk_macao_experts": "1", "min_mainland_experts": "1", "min_industry_experts": "0",
            "quotas_hard": "on", "topics": str(ctx["topic"]),
            "criteria-TOTAL_FORMS": "1", "criteria-INITIAL_FORMS": "0", "criteria-0-name_en": "Merit",
            "criteria-0-description": "How good the plan is.", "criteria-0-weight": "100",
            "criteria-0-max_score": "10", "criteria-0-threshold": "5",
            "rules-TOTAL_FORMS": "1", "rules-INITIAL_FORMS": "0", "rules-0-kind": "conflicts_declared",
            "rules-0-text": ""}


BID_FORM = {"team_name": "Matrix team", "summary": "A surface code.", "approach": "Decoding.", "work_plan": "Plan.",
            "entity_to_register": "Matrix Quantum Ltd", "declares_no_other_conflicts": "on", "declares_truthful": "on"}


# ── The matrix ─────────────────────────────────────────────────────────────────────────────────────────────


@dataclass
class Row:
    endpoint: str  # the URL name (API: "api-v1:<operation>"), as test_every_write_is_in_the_matrix finds it
    method: str
    path: str | Callable[[dict], str]
    expected: dict[str, int]
    data: Any = None  # a dict, or a function of the setup's context (a fresh upload for each request)
    setup: Callable[[Any], dict] | None = None
    json: bool = False
    writes: bool = True  # an allowed cell must change the state (False: a read that guards private data)
    watch: Callable[[dict], list] | None = None  # rows of big tables to fingerprint too (state() counts them)


NEW_ORG = {"slug": "matrix-org", "kind": "enterprise", "name_en": "Matrix Org"}
ANNOUNCEMENT = {"title_en": "Notice", "description_en": "Text", "audience": "everyone"}
CLIENT_FORM = {"name": "Matrix partner", "client_type": "public", "redirect_uris": "https://matrix.example.org/cb",
               "allowed_scopes": ["profile"]}
VISIT = {"guest_name": "Guest", "guest_email": "guest@example.org"}


def visit(ctx) -> dict:
    start = timezone.localtime() + datetime.timedelta(hours=1)
    return {**VISIT, "access_point": ctx["point"], "valid_from": start.strftime("%Y-%m-%dT%H:%M"),
            "valid_until": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")}


def with_point(make):
    def both(users) -> dict:
        return {**make(users), "point": users.gate_point.pk}
    return both


OFFICER_DECIDES = {"security_officer": 302, "superuser": 302}  # venue bookings: facilities and security


MATRIX: dict[str, Row] = {
    # ── Registry (API writes: data and enterprise services) ──
    "registry write (API)": Row(
        "api-v1:create_organisation", "POST", "/api/v1/organisations", json=True, data=NEW_ORG,
        expected=cells(401, 403, data_officer=201, data_head=201, enterprise_officer=201, superuser=201)),
    "registry: change an organisation (API)": Row(
        "api-v1:update_organisation", "PATCH", "/api/v1/organisations/hkust", json=True,
        data={"aliases": ["HKUST", "Matrix"]}, watch=lambda ctx: [Organisation.objects.filter(slug="hkust")],
        expected=cells(401, 403, data_officer=200, data_head=200, enterprise_officer=200, superuser=200)),
    "registry: add a project (API)": Row(
        "api-v1:create_project", "POST", "/api/v1/projects", json=True,
        data={"code": "HT-MATRIX-1", "title_en": "Matrix", "lead_organisation": "hkust", "key_direction": "quantum",
              "start_date": "2026-01-01"},
        expected=cells(401, 403, data_officer=201, data_head=201, enterprise_officer=201, superuser=201)),
    "registry: add a lease (API)": Row(
        "api-v1:create_lease", "POST", "/api/v1/leases", json=True, setup=unit,
        data=lambda ctx: {"unit": ctx["unit"], "organisation": "hkust", "start_date": "2027-01-01",
                          "end_date": "2027-12-31"},
        expected=cells(401, 403, data_officer=201, data_head=201, enterprise_officer=201, superuser=201)),

    # ── Accounts: organisations and their members ──
    "see members": Row(
        "accounts:members", "GET", f"/en/organisations/{ORG}/members/", writes=False,
        expected=cells(LOGIN, 403, org_member=200, org_admin=200, data_officer=200, data_head=200,
                       enterprise_officer=200, superuser=200)),
    "invite a member": Row(
        "accounts:members", "POST", f"/en/organisations/{ORG}/members/",
        data={"email": "x@example.org", "role": "member"}, expected=cells(LOGIN, 403, org_admin=302, superuser=302)),
    "decide a request to join": Row(
        "accounts:join_request_action", "POST", lambda ctx: f"/en/join-requests/{ctx['pk']}/", setup=join_request,
        data={"decision": "approve"}, expected=cells(LOGIN, 403, org_admin=302, superuser=302)),
    "ask to join an organisation": Row(
        "accounts:join", "POST", f"/en/organisations/{ORG}/join/", data={"message": "Hello"},
        expected=cells(LOGIN, 302, org_member=403, org_admin=403)),
    "remove a member": Row(
        "accounts:membership_action", "POST", lambda ctx: f"/en/memberships/{ctx['pk']}/", setup=membership,
        data={"action": "remove"}, expected=cells(LOGIN, 403, org_admin=302, superuser=302)),
    "change a member's role": Row(
        "accounts:membership_action", "POST", lambda ctx: f"/en/memberships/{ctx['pk']}/", setup=membership,
        data={"role": "admin"}, expected=cells(LOGIN, 403, org_admin=302, superuser=302)),
    "decide a request to join another organisation": Row(
        "accounts:join_request_action", "POST", lambda ctx: f"/en/join-requests/{ctx['pk']}/",
        setup=other_join_request, data={"decision": "approve"}, expected=cells(LOGIN, 403, superuser=302)),
    "remove a member of another organisation": Row(
        "accounts:membership_action", "POST", lambda ctx: f"/en/memberships/{ctx['pk']}/", setup=other_membership,
        data={"action": "remove"}, expected=cells(LOGIN, 403, superuser=302)),
    "accept an invitation": Row(
        "accounts:invitation", "POST", lambda ctx: f"/en/invitations/{ctx['token']}/", setup=invitation,
        expected=cells(LOGIN, 400, owner=302)),

    # ── Accounts: my account ──
    "edit my profile": Row(
        "accounts:profile", "POST", "/en/account/profile/", expected=cells(LOGIN, 302),
        data={"first_name": "Matrix", "last_name": "Person", "mobile": "", "preferred_language": "en"}),
    "claim a registry person": Row(
        "accounts:claim_person", "POST", "/en/account/person/", setup=unclaimed_person,
        data=lambda ctx: {"person": ctx["pk"]}, expected=cells(LOGIN, 302)),
    "create my registry person": Row(
        "accounts:create_person", "POST", "/en/account/person/new/", data={"name_zh": "陈大文", "region": "hong_kong"},
        expected=cells(LOGIN, 302)),
    "add an identity document": Row(
        "accounts:documents", "POST", "/en/account/documents/", data={"kind": "hkid", "number": "A123456(3)"},
        expected=cells(LOGIN, 302)),
    "remove an identity document": Row(
        "accounts:documents", "POST", "/en/account/documents/", setup=document, data=lambda ctx: {"delete": ctx["pk"]},
        expected=cells(LOGIN, 404, owner=302)),
    "reveal an identity document": Row(
        "accounts:reveal_document", "GET", lambda ctx: f"/en/staff/documents/{ctx['pk']}/reveal/", setup=document,
        writes=False, expected=cells(LOGIN, 403, talent_head=200, superuser=200)),
    "reveal an identity document, giving a reason": Row(
        "accounts:reveal_document", "POST", lambda ctx: f"/en/staff/documents/{ctx['pk']}/reveal/", setup=document,
        data={"reason": "Checking a permit"}, expected=cells(LOGIN, 403, talent_head=200, superuser=200)),

    # ── Privacy ──
    "export my data": Row(
        "accounts:privacy_export", "GET", "/en/account/privacy/my-data.json", writes=False,
        expected=cells(LOGIN, 200)),
    "ask for my account to be deleted": Row(
        "accounts:privacy", "POST", "/en/account/privacy/", data={"confirm": "delete", "reason": "Matrix"},
        expected=cells(LOGIN, 302)),
    "carry out an account deletion (back office)": Row(
        "admin:accounts_deletionrequest_changelist", "POST", "/en/admin/accounts/deletionrequest/",
        setup=deletion_request, data=lambda ctx: {"action": "carry_out", "_selected_action": [ctx["pk"]]},
        expected=back_office(superuser=302)),

    # ── Partner systems (OpenID Connect clients): heads of the data department ──
    "register a partner system": Row(
        "accounts:client_new", "POST", "/en/staff/partner-systems/new/", data=CLIENT_FORM,
        expected=cells(LOGIN, 403, data_head=302, superuser=302)),
    "change a partner system": Row(
        "accounts:client_edit", "POST", lambda ctx: f"/en/staff/partner-systems/{ctx['pk']}/", setup=partner(),
        data={**CLIENT_FORM, "name": "Renamed"}, expected=cells(LOGIN, 403, data_head=302, superuser=302)),
    "issue a partner system's secret": Row(
        "accounts:client_secret", "POST", lambda ctx: f"/en/staff/partner-systems/{ctx['pk']}/secret/",
        setup=partner(confidential=True), expected=cells(LOGIN, 403, data_head=200, superuser=200)),
    "disable a partner system": Row(
        "accounts:client_status", "POST", lambda ctx: f"/en/staff/partner-systems/{ctx['pk']}/status/",
        setup=partner(), data={"action": "disable"}, expected=cells(LOGIN, 403, data_head=302, superuser=302)),

    # ── Community ──
    "publish an announcement": Row(
        "community:announcements", "POST", "/en/announcements/", data=ANNOUNCEMENT,
        expected=cells(403, 403, data_officer=302, data_head=302, enterprise_officer=302, talent_officer=302,
                       talent_head=302, superuser=302)),
    "mark my inbox read": Row(
        "community:inbox", "POST", "/en/inbox/", setup=notification,
        expected=cells(LOGIN, Unchanged(302), owner=302)),
    "open a notification": Row(
        "community:read", "POST", lambda ctx: f"/en/inbox/{ctx['pk']}/", setup=notification,
        expected=cells(LOGIN, 404, owner=302)),
    "choose my email settings": Row(
        "community:email_settings", "POST", "/en/account/email-settings/", data={"kinds": ["security"]},
        expected=cells(LOGIN, 302)),
    "register for an event": Row(
        "community:event", "POST", lambda ctx: f"/en/events/{ctx['pk']}/", setup=event,
        expected=cells(LOGIN, 302)),
    "cancel my registration": Row(
        "community:event", "POST", lambda ctx: f"/en/events/{ctx['pk']}/", setup=registered_event,
        data={"action": "cancel"}, expected=cells(LOGIN, Unchanged(302), owner=302)),
    "join an interest group": Row(
        "community:groups", "POST", "/en/groups/", setup=group, data={"group": "matrix-group"},
        expected=cells(LOGIN, 302, owner=Unchanged(302))),
    "leave an interest group": Row(
        "community:groups", "POST", "/en/groups/", setup=group, data={"group": "matrix-group", "action": "leave"},
        expected=cells(LOGIN, Unchanged(302), owner=302)),

    # ── One network: applicants ──
    "start an application": Row(
        "onestop:service", "POST", "/en/services/venue-booking/", setup=services_seeded("venue-booking"),
        expected=cells(LOGIN, 302)),
    "start an organisation's application": Row(
        "onestop:service", "POST", "/en/services/kehuitong-filing/", setup=services_seeded("kehuitong-filing"),
        data={"registered": "yes", "organisation": ORG}, expected=cells(LOGIN, 400, org_admin=302)),
    "save a page of my draft": Row(
        "onestop:page", "POST", lambda ctx: f"/en/applications/{ctx['pk']}/page/0/", setup=venue(pages=0, submit=False),
        data={"title": "Forum", "date": factories.in_days(40), "guests": "80", "catering": "no"},
        expected=cells(LOGIN, 404, owner=302)),
    "upload a document on my draft": Row(
        "onestop:page", "POST", lambda ctx: f"/en/applications/{ctx['pk']}/page/1/",
        setup=filing(pages=1, submit=False), data=grant_letter, expected=cells(LOGIN, 404, owner=302)),
    "submit my application": Row(
        "onestop:check", "POST", lambda ctx: f"/en/applications/{ctx['pk']}/check/", setup=venue(submit=False),
        data={"consent": "on"}, expected=cells(LOGIN, 404, owner=302)),
    "withdraw my application": Row(
        "onestop:mine_detail", "POST", lambda ctx: f"/en/my-applications/{ctx['reference']}/", setup=venue(),
        data={"action": "withdraw"}, expected=cells(LOGIN, 403, owner=302)),
    "rate a decided application": Row(
        "onestop:mine_detail", "POST", lambda ctx: f"/en/my-applications/{ctx['reference']}/",
        setup=venue(decide="approve"), data={"action": "rate", "score": "4"}, expected=cells(LOGIN, 403, owner=302)),
    "start an application (API)": Row(
        "api-v1:start_application", "POST", "/api/v1/applications", json=True, setup=services_seeded("venue-booking"),
        data={"service": "venue-booking"}, expected=cells(401, 201)),
    "save answers to my draft (API)": Row(
        "api-v1:save_answers", "PATCH", lambda ctx: f"/api/v1/applications/{ctx['pk']}", json=True,
        setup=venue(pages=0, submit=False), data={"answers": {"title": "Forum"}}, expected=cells(401, 404, owner=200)),
    "submit my application (API)": Row(
        "api-v1:submit_application", "POST", lambda ctx: f"/api/v1/applications/{ctx['pk']}/submit", json=True,
        setup=venue(submit=False), data={"consent": True}, expected=cells(401, 404, owner=200)),

    # ── One network: officers (the department of the current step decides) ──
    "claim an application": Row(
        "onestop:review", "POST", lambda ctx: f"/en/work/{ctx['reference']}/", setup=venue(),
        data=lambda ctx: {"action": "claim", "version": ctx["version"]},
        expected=cells(LOGIN, 403, owner=Unchanged(302), **OFFICER_DECIDES)),
    "assign an application": Row(
        "onestop:review", "POST", lambda ctx: f"/en/work/{ctx['reference']}/", setup=venue(),
        data=lambda ctx: {"action": "assign", "version": ctx["version"], "assignee": ctx["officer"]},
        expected=cells(LOGIN, 403, owner=Unchanged(302), **OFFICER_DECIDES)),
    "approve an application": Row(
        "onestop:review", "POST", lambda ctx: f"/en/work/{ctx['reference']}/", setup=venue(),
        data=lambda ctx: {"action": "approve", "version": ctx["version"]},
        expected=cells(LOGIN, 403, owner=Unchanged(302), **OFFICER_DECIDES)),
    "return an application": Row(
        "onestop:review", "POST", lambda ctx: f"/en/work/{ctx['reference']}/", setup=venue(),
        data=lambda ctx: {"action": "return", "version": ctx["version"], "comment": "Add a letter."},
        expected=cells(LOGIN, 403, owner=Unchanged(302), **OFFICER_DECIDES)),
    "reject an application": Row(
        "onestop:review", "POST", lambda ctx: f"/en/work/{ctx['reference']}/", setup=venue(),
        data=lambda ctx: {"action": "reject", "version": ctx["version"], "comment": "Not a park event."},
        expected=cells(LOGIN, 403, owner=Unchanged(302), **OFFICER_DECIDES)),
    "approve the first step of a two-step application": Row(
        "onestop:review", "POST", lambda ctx: f"/en/work/{ctx['reference']}/", setup=filing(),
        data=lambda ctx: {"action": "approve", "version": ctx["version"]},
        expected=cells(LOGIN, 403, owner=Unchanged(302), research_officer=302, superuser=302)),
    "open an application as an officer": Row(
        "onestop:review", "GET", lambda ctx: f"/en/work/{ctx['reference']}/", setup=venue(), writes=False,
        expected=cells(LOGIN, 403, owner=302, security_officer=200, superuser=200)),
    "download an applicant's document": Row(
        "onestop:document", "GET", lambda ctx: f"/en/documents/{ctx['stored']}/", setup=filing(), writes=False,
        expected=cells(LOGIN, 404, owner=200, research_officer=200, finance_officer=200, superuser=200)),
    "export a work queue": Row(
        "onestop:queue", "GET", "/en/work/?format=csv", setup=venue(),
        expected=cells(LOGIN, 403, **{a: 200 for a in STAFF})),
    "import a service (back office)": Row(
        "admin:onestop_service_import", "POST", "/en/admin/onestop/service/import/", data=service_file,
        expected=back_office(data_officer=302, data_head=302, superuser=302)),

    # ── Passes ──
    "show my park code": Row(
        "passes:my_code", "GET", "/en/code/", expected=cells(LOGIN, 200)),
    "refresh my park code": Row(
        "passes:my_code_fragment", "GET", "/en/code/refresh/", expected=cells(LOGIN, 200)),
    "report a lost phone": Row(
        "passes:lost_phone", "POST", "/en/code/lost-phone/", expected=cells(LOGIN, 302)),
    "invite a visitor": Row(
        "passes:invite_visitor", "POST", "/en/visitors/", setup=with_point(lambda users: {}), data=visit,
        expected=cells(LOGIN, 302, member=403, owner=403)),
    "scan a code at a gate (page)": Row(
        "passes:scanner_check", "POST", "/en/gate/check/", setup=a_code,
        data=lambda ctx: {"access_point": ctx["code"], "code": ctx["text"]},
        expected=cells(LOGIN, 403, security_officer=200, superuser=200)),
    "scan a code at a gate (checkpoint API)": Row(
        "api-v1:post_scan", "POST", "/api/v1/passes/scan", json=True, setup=a_code,
        data=lambda ctx: {"access_point": ctx["code"], "code": ctx["text"]}, expected=cells(401, 401, gate=200)),
    "sync a gate's revocation list (checkpoint API)": Row(
        "api-v1:get_revocations", "GET", "/api/v1/passes/revocations", writes=False,
        expected=cells(401, 401, gate=200)),

    # ── Challenges: topic solicitation (officers of research management screen, edit and publish) ──
    "propose a topic": Row(
        "challenges:propose", "POST", "/en/topics/propose/", setup=topic("draft"), data=topic_form,
        expected=cells(LOGIN, 302)),
    "save my draft topic": Row(
        "challenges:edit", "POST", lambda ctx: f"/en/topics/{ctx['pk']}/edit/", setup=topic("draft"),
        data=lambda ctx: {**topic_form(ctx), "action": "save"}, expected=cells(LOGIN, 403, owner=302)),
    "submit my draft topic": Row(
        "challenges:edit", "POST", lambda ctx: f"/en/topics/{ctx['pk']}/edit/", setup=topic("draft"),
        data=lambda ctx: {**topic_form(ctx), "action": "submit"}, expected=cells(LOGIN, 403, owner=302)),
    "edit a submitted topic (officer)": Row(
        "challenges:edit", "POST", lambda ctx: f"/en/topics/{ctx['pk']}/edit/", setup=topic("submitted"),
        data=lambda ctx: {**topic_form(ctx), "action": "edit"},
        expected=cells(LOGIN, 403, research_officer=302, superuser=302)),
    "accept a topic": Row(
        "challenges:screen", "POST", lambda ctx: f"/en/screening/topics/{ctx['pk']}/", setup=topic("submitted"),
        data={"action": "accept"}, expected=cells(LOGIN, 403, research_officer=302, superuser=302)),
    "decline a topic": Row(
        "challenges:screen", "POST", lambda ctx: f"/en/screening/topics/{ctx['pk']}/", setup=topic("submitted"),
        data={"action": "decline", "reason": "Out of scope."},
        expected=cells(LOGIN, 403, research_officer=302, superuser=302)),
    "merge a topic into another": Row(
        "challenges:screen", "POST", lambda ctx: f"/en/screening/topics/{ctx['pk']}/", setup=topic("submitted"),
        data=lambda ctx: {"action": "merge", "merged_into": ctx["target"]},
        expected=cells(LOGIN, 403, research_officer=302, superuser=302)),
    "publish a topic": Row(
        "challenges:screen", "POST", lambda ctx: f"/en/screening/topics/{ctx['pk']}/", setup=topic("accepted"),
        data={"action": "publish"}, expected=cells(LOGIN, 403, research_officer=302, superuser=302)),
    "support a topic": Row(
        "challenges:topic", "POST", lambda ctx: f"/en/topics/{ctx['pk']}/", setup=topic(),
        data={"action": "support"}, expected=cells(LOGIN, 302)),
    "withdraw my support of a topic": Row(
        "challenges:topic", "POST", lambda ctx: f"/en/topics/{ctx['pk']}/", setup=topic(supported=True),
        data={"action": "withdraw"}, expected=cells(LOGIN, 400, owner=302)),
    "comment on a topic": Row(
        "challenges:topic", "POST", lambda ctx: f"/en/topics/{ctx['pk']}/", setup=topic(),
        data={"action": "comment", "body": "Matrix comment"}, expected=cells(LOGIN, 302)),
    "propose a topic (API)": Row(
        "api-v1:propose_topic", "POST", "/api/v1/topics", json=True,
        data={"title_en": "Matrix proposal", "problem": "p", "importance": "i", "outcome": "o",
              "key_direction": "quantum"}, expected=cells(401, 201)),
    "submit my topic (API)": Row(
        "api-v1:submit_topic", "POST", lambda ctx: f"/api/v1/topics/{ctx['pk']}/submit", json=True,
        setup=topic("draft"), expected=cells(401, 404, owner=200)),
    "support a topic (API)": Row(
        "api-v1:support_topic", "POST", lambda ctx: f"/api/v1/topics/{ctx['pk']}/support", json=True,
        setup=topic(), expected=cells(401, 200)),
    "withdraw my support of a topic (API)": Row(
        "api-v1:withdraw_support", "DELETE", lambda ctx: f"/api/v1/topics/{ctx['pk']}/support", json=True,
        setup=topic(supported=True), expected=cells(401, 422, owner=200)),
    "screen a topic (API)": Row(
        "api-v1:screen_topic", "POST", lambda ctx: f"/api/v1/topics/{ctx['pk']}/screen", json=True,
        setup=topic("submitted"), data={"action": "accept"},
        expected=cells(401, 403, research_officer=200, superuser=200)),

    # ── Challenges: calls (officers of research management write, publish, move and answer; anyone signed in asks) ──
    "ask a question on a challenge": Row(
        "challenges:challenge", "POST", lambda ctx: f"/en/challenges/{ctx['code']}/", setup=nf.calls,
        data={"action": "ask", "question": "Is a Hong Kong budget in HKD accepted?"}, expected=cells(LOGIN, 302)),
    "answer a challenge's question": Row(
        "challenges:challenge", "POST", lambda ctx: f"/en/challenges/{ctx['code']}/", setup=nf.calls,
        data=lambda ctx: {"action": "answer", "question_id": ctx["question"], "answer": "Yes."},
        expected=officers_only(LOGIN, 302)),
    "create a challenge": Row(
        "challenges:challenge_new", "POST", "/en/research/challenges/new/", setup=nf.calls, data=challenge_form,
        expected=officers_only(LOGIN, 302)),
    "edit a draft challenge": Row(
        "challenges:challenge_edit", "POST", lambda ctx: f"/en/research/challenges/{ctx['draft']}/edit/",
        setup=nf.calls, data=lambda ctx: {**challenge_form(ctx), "action": "save"},
        expected=officers_only(LOGIN, 302)),
    "attach a file to a challenge": Row(
        "challenges:challenge_edit", "POST", lambda ctx: f"/en/research/challenges/{ctx['code']}/edit/",
        setup=nf.calls, expected=officers_only(LOGIN, 302),
        data=lambda ctx: {"action": "attachment", "title": "Specification",
                          "upload": SimpleUploadedFile("spec.pdf", factories.PDF, content_type="application/pdf")}),
    "publish a challenge": Row(  # a draft is not shown to anyone but officers: 404
        "challenges:challenge_action", "POST", lambda ctx: f"/en/research/challenges/{ctx['draft']}/action/",
        setup=nf.calls, data={"action": "publish"}, expected=officers_only(LOGIN, 302, refused=404)),
    "start a challenge's blind review": Row(
        "challenges:challenge_action", "POST", lambda ctx: f"/en/research/challenges/{ctx['code']}/action/",
        setup=nf.calls_in_review, data={"action": "start_review"}, expected=officers_only(LOGIN, 302)),
    "cancel a challenge": Row(
        "challenges:challenge_action", "POST", lambda ctx: f"/en/research/challenges/{ctx['code']}/action/",
        setup=nf.calls, data={"action": "cancel", "reason": "The need has gone."}, expected=officers_only(LOGIN, 302)),
    "ask a question on a challenge (API)": Row(
        "api-v1:ask_question", "POST", lambda ctx: f"/api/v1/challenges/{ctx['code']}/questions", json=True,
        setup=nf.calls, data={"question": "Is HKD accepted?"}, expected=cells(401, 201)),
    "answer a challenge's question (API)": Row(
        "api-v1:answer_question", "POST", lambda ctx: f"/api/v1/challenges/questions/{ctx['question']}/answer",
        json=True, setup=nf.calls, data={"answer": "Yes."}, expected=officers_only(401, 200)),
    "create a challenge (API)": Row(
        "api-v1:create_challenge", "POST", "/api/v1/challenges", json=True, setup=nf.calls,
        data=lambda ctx: {"title_en": "Matrix challenge", "key_direction": "quantum", "budget_ceiling": "1000000",
                          "currency": "CNY", "topics": [ctx["topic"]]}, expected=officers_only(401, 201)),
    "edit a challenge (API)": Row(
        "api-v1:update_challenge", "PATCH", lambda ctx: f"/api/v1/challenges/{ctx['draft']}", json=True,
        setup=nf.calls, data={"title_en": "Renamed"}, expected=officers_only(401, 200)),
    "set a challenge's rubric (API)": Row(
        "api-v1:set_criteria", "PUT", lambda ctx: f"/api/v1/challenges/{ctx['draft']}/criteria", json=True,
        setup=nf.calls, data=[{"name_en": "Merit", "description": "How good.", "weight": 100, "threshold": "5"}],
        expected=officers_only(401, 200)),
    "set a challenge's eligibility (API)": Row(
        "api-v1:set_eligibility", "PUT", lambda ctx: f"/api/v1/challenges/{ctx['draft']}/eligibility", json=True,
        setup=nf.calls, data=[{"kind": "conflicts_declared", "text": ""}],
        expected=officers_only(401, 200)),
    "publish a challenge (API)": Row(
        "api-v1:challenge_action", "POST", lambda ctx: f"/api/v1/challenges/{ctx['draft']}/actions/publish",
        json=True, setup=nf.calls, expected=officers_only(401, 200)),

    # ── Challenges: bids (anyone signed in bids; the lead edits; sealed from officers until the deadline) ──
    "start a bid": Row(
        "challenges:bid_start", "POST", lambda ctx: f"/en/challenges/{ctx['code']}/bid/", setup=nf.calls,
        data={"team_name": "Matrix team"}, expected=cells(LOGIN, 302)),
    "save my draft bid": Row(
        "challenges:bid", "POST", lambda ctx: f"/en/bids/{ctx['pk']}/", setup=nf.draft_bid,
        data={**BID_FORM, "action": "save"}, expected=cells(LOGIN, 404, owner=302)),
    "submit my draft bid": Row(
        "challenges:bid", "POST", lambda ctx: f"/en/bids/{ctx['pk']}/", setup=nf.ready_bid,
        data={**BID_FORM, "action": "submit"}, expected=cells(LOGIN, 404, owner=302)),
    "withdraw my sealed bid": Row(
        "challenges:bid", "POST", lambda ctx: f"/en/bids/{ctx['pk']}/", setup=nf.sealed_bid,
        data={"action": "withdraw"}, expected=cells(LOGIN, 404, owner=302)),
    "invite a member to my team": Row(
        "challenges:bid", "POST", lambda ctx: f"/en/bids/{ctx['pk']}/", setup=nf.draft_bid,
        data={"action": "invite", "invite-email": "new@example.org", "invite-name": "New Member"},
        expected=cells(LOGIN, 404, owner=302)),
    "remove a member from my team": Row(
        "challenges:bid", "POST", lambda ctx: f"/en/bids/{ctx['pk']}/", setup=nf.draft_bid,
        data=lambda ctx: {"action": "remove", "member": ctx["member"]}, expected=cells(LOGIN, 404, owner=302)),
    "set my bid's budget": Row(
        "challenges:bid", "POST", lambda ctx: f"/en/bids/{ctx['pk']}/", setup=nf.draft_bid,
        data={"action": "budget", "budget-TOTAL_FORMS": "1", "budget-INITIAL_FORMS": "0",
              "budget-0-category": "personnel", "budget-0-description": "Two engineers", "budget-0-amount": "900000"},
        expected=cells(LOGIN, 404, owner=302)),
    "set my bid's milestones": Row(
        "challenges:bid", "POST", lambda ctx: f"/en/bids/{ctx['pk']}/", setup=nf.draft_bid,
        data={"action": "milestones", "milestones-TOTAL_FORMS": "1", "milestones-INITIAL_FORMS": "0",
              "milestones-0-title": "Chip", "milestones-0-month": "6", "milestones-0-deliverable": "A chip"},
        expected=cells(LOGIN, 404, owner=302)),
    "attach a document to my bid": Row(
        "challenges:bid", "POST", lambda ctx: f"/en/bids/{ctx['pk']}/", setup=nf.draft_bid,
        data=lambda ctx: {"action": "document", "document-title": "Plan",
                          "document-upload": SimpleUploadedFile("plan.pdf", nf.pdf(),
                                                                content_type="application/pdf")},
        expected=cells(LOGIN, 404, owner=302)),
    "ask a team a clarification question": Row(
        "challenges:bid", "POST", lambda ctx: f"/en/bids/{ctx['pk']}/", setup=nf.closed_bid,
        data={"action": "clarify", "clarify-question": "Which foundry?"},
        expected=cells(LOGIN, 404, owner=403, research_officer=302, superuser=302)),
    "answer a clarification question": Row(
        "challenges:bid", "POST", lambda ctx: f"/en/bids/{ctx['pk']}/", setup=nf.closed_bid,
        data=lambda ctx: {"action": "answer", "clarification": ctx["clarification"],
                          f"answer-{ctx['clarification']}-answer": "Our own."},
        expected=cells(LOGIN, 404, owner=302, research_officer=403, superuser=403)),
    "accept an invitation to a team": Row(
        "challenges:invitation", "POST", lambda ctx: f"/en/bids/invitations/{ctx['token']}/",
        setup=nf.invited_to_team, data={"action": "accept"}, expected=cells(LOGIN, 403, owner=302)),
    "open a sealed bid in an emergency": Row(
        "challenges:challenge_bids", "POST", lambda ctx: f"/en/research/challenges/{ctx['code']}/bids/",
        setup=nf.sealed_bid, data=lambda ctx: {"bid": ctx["pk"], "reason": "A court order."},
        expected=officers_only(LOGIN, 302)),
    "start a bid (API)": Row(
        "api-v1:start_bid", "POST", lambda ctx: f"/api/v1/challenges/{ctx['code']}/bids", json=True,
        setup=nf.calls, data={"team_name": "Matrix team"}, expected=cells(401, 201)),
    "change my draft bid (API)": Row(
        "api-v1:patch_bid", "PATCH", lambda ctx: f"/api/v1/bids/{ctx['pk']}", json=True, setup=nf.draft_bid,
        data={"summary": "A new summary."}, expected=cells(401, 404, owner=200)),
    "invite a member to my team (API)": Row(
        "api-v1:invite_member", "POST", lambda ctx: f"/api/v1/bids/{ctx['pk']}/members", json=True,
        setup=nf.draft_bid, data={"email": "new@example.org", "name": "New Member"},
        expected=cells(401, 404, owner=201)),
    "remove a member from my team (API)": Row(
        "api-v1:remove_member", "DELETE", lambda ctx: f"/api/v1/bids/{ctx['pk']}/members/{ctx['member']}",
        json=True, setup=nf.draft_bid, expected=cells(401, 404, owner=204)),
    "set my bid's budget (API)": Row(
        "api-v1:put_budget", "PUT", lambda ctx: f"/api/v1/bids/{ctx['pk']}/budget", json=True, setup=nf.draft_bid,
        data={"lines": [{"category": "personnel", "description": "Engineers", "amount": "900000"}]},
        expected=cells(401, 404, owner=200)),
    "set my bid's milestones (API)": Row(
        "api-v1:put_milestones", "PUT", lambda ctx: f"/api/v1/bids/{ctx['pk']}/milestones", json=True,
        setup=nf.draft_bid, data={"milestones": [{"title": "Chip", "month": 6, "deliverable": "A chip"}]},
        expected=cells(401, 404, owner=200)),
    "submit my draft bid (API)": Row(
        "api-v1:bid_action", "POST", lambda ctx: f"/api/v1/bids/{ctx['pk']}/actions/submit", json=True,
        setup=nf.ready_bid, expected=cells(401, 404, owner=200)),
    "withdraw my sealed bid (API)": Row(
        "api-v1:bid_action", "POST", lambda ctx: f"/api/v1/bids/{ctx['pk']}/actions/withdraw", json=True,
        setup=nf.sealed_bid, expected=cells(401, 404, owner=200)),
    "open a sealed bid in an emergency (API)": Row(
        "api-v1:unseal_bid", "POST", lambda ctx: f"/api/v1/bids/{ctx['pk']}/unseal", json=True,
        setup=nf.sealed_bid, data={"reason": "A court order."}, expected=officers_only(401, 200)),
    "ask a team a clarification question (API)": Row(
        "api-v1:ask_clarification", "POST", lambda ctx: f"/api/v1/bids/{ctx['pk']}/clarifications", json=True,
        setup=nf.closed_bid, data={"question": "Which foundry?"}, expected=officers_only(401, 201)),
    "answer a clarification question (API)": Row(
        "api-v1:answer_clarification", "POST", lambda ctx: f"/api/v1/clarifications/{ctx['clarification']}/answer",
        json=True, setup=nf.closed_bid, data={"answer": "Our own."},
        expected=cells(401, 404, owner=200, research_officer=403, superuser=403)),
    # Sealed until the deadline: no officer opens a bid (they see the count only); after it, officers do.
    "open a sealed bid": Row(
        "challenges:bid", "GET", lambda ctx: f"/en/bids/{ctx['pk']}/", setup=nf.sealed_bid, writes=False,
        expected=cells(LOGIN, 404, owner=200)),
    "open a sealed bid (API)": Row(
        "api-v1:get_bid", "GET", lambda ctx: f"/api/v1/bids/{ctx['pk']}", setup=nf.sealed_bid, writes=False,
        expected=cells(401, 404, owner=200)),
    "a sealed bid's PDF": Row(
        "challenges:bid_pdf", "GET", lambda ctx: f"/en/bids/{ctx['pk']}/pdf/", setup=nf.sealed_bid, writes=False,
        expected=cells(LOGIN, 404, owner=200)),
    "open a bid after the deadline": Row(
        "challenges:bid", "GET", lambda ctx: f"/en/bids/{ctx['pk']}/", setup=nf.closed_bid, writes=False,
        expected=cells(LOGIN, 404, owner=200, research_officer=200, superuser=200)),
    "open a bid after the deadline (API)": Row(
        "api-v1:get_bid", "GET", lambda ctx: f"/api/v1/bids/{ctx['pk']}", setup=nf.closed_bid, writes=False,
        expected=cells(401, 404, owner=200, research_officer=200, superuser=200)),
    "a sealed challenge's bids (officers see the count only)": Row(
        "api-v1:challenge_bids", "GET", lambda ctx: f"/api/v1/challenges/{ctx['code']}/bids", setup=nf.sealed_bid,
        writes=False, expected=officers_only(401, 200)),

    # ── Challenges: the panel (officers manage the pool, conflicts and the assignment; experts declare) ──
    "invite an expert to the pool": Row(
        "challenges:experts", "POST", "/en/research/experts/", setup=nf.invitable,
        data=lambda ctx: {"user": ctx["user"], "disciplines": "quantum", "keywords": "qubit",
                          "languages": "zh-hans,en", "region": "hong_kong", "sector": "academia", "max_load": "4"},
        expected=officers_only(LOGIN, 302)),
    "accept my invitation to the pool": Row(
        "challenges:expert_home", "POST", "/en/expert/", setup=nf.invited_expert, data={"action": "accept"},
        expected=cells(LOGIN, 403, owner=302)),
    "keep my expert profile": Row(
        "challenges:expert_home", "POST", "/en/expert/", setup=nf.active_expert, expected=cells(LOGIN, 403, owner=302),
        data={"action": "profile", "disciplines": "quantum optics", "keywords": "photon", "languages": "en",
              "region": "mainland", "sector": "industry", "available": "on", "max_load": "3"}),
    "declare no conflict on my assignment": Row(
        "challenges:declare", "POST", lambda ctx: f"/en/expert/assignments/{ctx['pk']}/declare/",
        setup=nf.assigned(), data={"action": "no_conflict"}, expected=cells(LOGIN, 403, owner=302)),
    "declare a conflict on my assignment": Row(
        "challenges:declare", "POST", lambda ctx: f"/en/expert/assignments/{ctx['pk']}/declare/",
        setup=nf.assigned(), data={"action": "conflict", "reason": "My former student."},
        expected=cells(LOGIN, 403, owner=302)),
    "add a conflict of interest": Row(
        "challenges:conflicts", "POST", lambda ctx: f"/en/research/challenges/{ctx['code']}/conflicts/",
        setup=nf.to_assign, data=lambda ctx: {"bid": ctx["bid"], "expert": ctx["expert"], "effect": "add",
                                               "reason": "Co-authors."}, expected=officers_only(LOGIN, 302)),
    "propose an assignment": Row(
        "challenges:assignment", "POST", lambda ctx: f"/en/research/challenges/{ctx['code']}/assignment/",
        setup=nf.to_assign, data={"action": "propose"}, expected=officers_only(LOGIN, 302)),
    "swap experts in a proposed assignment": Row(
        "challenges:assignment", "POST", lambda ctx: f"/en/research/challenges/{ctx['code']}/assignment/",
        setup=nf.proposed_run, expected=officers_only(LOGIN, 302),
        data=lambda ctx: {"action": "swap", "run": ctx["run"], "bid": ctx["bid"], "remove": ctx["remove"],
                          "add": ctx["add"]}),
    "deploy an assignment": Row(
        "challenges:assignment", "POST", lambda ctx: f"/en/research/challenges/{ctx['code']}/assignment/",
        setup=nf.proposed_run, data=lambda ctx: {"action": "deploy", "run": ctx["run"]},
        expected=officers_only(LOGIN, 302)),
    "invite an expert to the pool (API)": Row(
        "api-v1:invite_expert", "POST", "/api/v1/experts", json=True, setup=nf.invitable,
        data=lambda ctx: {"user": ctx["user"], "disciplines": "quantum", "region": "hong_kong", "sector": "academia"},
        expected=officers_only(401, 201)),
    "add a conflict of interest (API)": Row(
        "api-v1:decide_conflict", "POST", lambda ctx: f"/api/v1/challenges/{ctx['code']}/conflicts", json=True,
        setup=nf.to_assign, data=lambda ctx: {"bid": ctx["bid"], "expert": ctx["expert"], "effect": "add",
                                               "reason": "Co-authors."}, expected=officers_only(401, 200)),
    "propose an assignment (API)": Row(
        "api-v1:propose", "POST", lambda ctx: f"/api/v1/challenges/{ctx['code']}/assignment-runs", json=True,
        setup=nf.to_assign, expected=officers_only(401, 201)),
    "swap experts in a proposed assignment (API)": Row(
        "api-v1:swap", "POST", lambda ctx: f"/api/v1/assignment-runs/{ctx['run']}/swap", json=True,
        setup=nf.proposed_run, data=lambda ctx: {"bid": ctx["bid"], "remove": ctx["remove"], "add": ctx["add"]},
        expected=officers_only(401, 200)),
    "deploy an assignment (API)": Row(
        "api-v1:deploy", "POST", lambda ctx: f"/api/v1/assignment-runs/{ctx['run']}/deploy", json=True,
        setup=nf.proposed_run, expected=officers_only(401, 200)),
    "accept my invitation to the pool (API)": Row(
        "api-v1:save_profile", "PATCH", "/api/v1/me/expert", json=True, setup=nf.invited_expert,
        data={"respond": "accept"}, expected=cells(401, 404, owner=200)),
    "declare no conflict on my assignment (API)": Row(
        "api-v1:declare", "POST", lambda ctx: f"/api/v1/assignments/{ctx['pk']}/declare", json=True,
        setup=nf.assigned(), data={"conflict": False}, expected=cells(401, 404, owner=200)),

    # ── Challenges: reviews (the assigned expert after declaring no conflict; officers decide; the rapporteur) ──
    "save my review": Row(
        "challenges:review", "POST", lambda ctx: f"/en/reviews/{ctx['pk']}/", setup=nf.assigned("no_conflict"),
        data=lambda ctx: {**nf.scores(ctx), "action": "save", "comments_to_team": "Good."},
        expected=cells(LOGIN, 403, owner=302)),
    "submit my review": Row(
        "challenges:review", "POST", lambda ctx: f"/en/reviews/{ctx['pk']}/", setup=nf.assigned("no_conflict"),
        data=lambda ctx: {**nf.scores(ctx), "action": "submit"}, expected=cells(LOGIN, 403, owner=302)),
    "open my review before declaring": Row(  # no review before "no conflict" is declared
        "challenges:review", "GET", lambda ctx: f"/en/reviews/{ctx['pk']}/", setup=nf.assigned(), writes=False,
        expected=cells(LOGIN, 403)),
    "open my review": Row(
        "challenges:review", "GET", lambda ctx: f"/en/reviews/{ctx['pk']}/", setup=nf.assigned("no_conflict"),
        writes=False, expected=cells(LOGIN, 403, owner=200)),
    "open my review while the bids are sealed": Row(
        "challenges:review", "GET", lambda ctx: f"/en/reviews/{ctx['pk']}/",
        setup=nf.assigned("no_conflict", sealed=True), writes=False, expected=cells(LOGIN, 403)),
    "open my review while the bids are sealed (API)": Row(
        "api-v1:get_review", "GET", lambda ctx: f"/api/v1/reviews/{ctx['pk']}",
        setup=nf.assigned("no_conflict", sealed=True), writes=False,
        expected=cells(401, 403, research_officer=404, superuser=404)),
    "open my review (API)": Row(
        "api-v1:get_review", "GET", lambda ctx: f"/api/v1/reviews/{ctx['pk']}", setup=nf.assigned("no_conflict"),
        writes=False, expected=cells(401, 403, owner=200, research_officer=404, superuser=404)),
    "name a rapporteur": Row(
        "challenges:panel", "POST", lambda ctx: f"/en/research/challenges/{ctx['code']}/panel/",
        setup=nf.for_consensus, data=lambda ctx: {"action": "rapporteur", "bid": ctx["bid"],
                                                   "rapporteur": ctx["rapporteur"]},
        expected=officers_only(LOGIN, 302)),
    "schedule a defence": Row(
        "challenges:panel", "POST", lambda ctx: f"/en/research/challenges/{ctx['code']}/panel/",
        setup=nf.for_consensus, expected=officers_only(LOGIN, 302),
        data=lambda ctx: {"action": "defence", "bid": ctx["bid"], "scheduled_at": "2027-01-15 10:00",
                          "mode": "online", "place": "https://meet.example.org/defence"}),
    "start the defence": Row(
        "challenges:panel", "POST", lambda ctx: f"/en/research/challenges/{ctx['code']}/panel/",
        setup=nf.for_consensus, data={"action": "start_defence"}, expected=officers_only(LOGIN, 302)),
    "award a challenge": Row(
        "challenges:panel", "POST", lambda ctx: f"/en/research/challenges/{ctx['code']}/panel/", setup=nf.to_award,
        data=lambda ctx: {"action": "award", f"win_{ctx['bid']}": "on", f"amount_{ctx['bid']}": "1000000",
                          "minutes": "The panel chose one winner."}, expected=officers_only(LOGIN, 302)),
    "save the consensus report": Row(
        "challenges:consensus", "POST", lambda ctx: f"/en/consensus/{ctx['bid']}/", setup=nf.consensus(),
        data=lambda ctx: {**nf.scores(ctx), "action": "save", "report_to_team": "Strong."},
        expected=officers_only(LOGIN, 302, owner=302)),
    "finalise the consensus report": Row(
        "challenges:consensus", "POST", lambda ctx: f"/en/consensus/{ctx['bid']}/", setup=nf.consensus(),
        data=lambda ctx: {**nf.scores(ctx), "action": "finalise", "report_to_team": "Strong."},
        expected=officers_only(LOGIN, 302, owner=302)),
    "save my review (API)": Row(
        "api-v1:save_review", "PUT", lambda ctx: f"/api/v1/reviews/{ctx['pk']}", json=True,
        setup=nf.assigned("no_conflict"),
        data=lambda ctx: {"scores": [{"criterion": pk, "score": "8"} for pk in ctx["criteria"]]},
        expected=cells(401, 403, owner=200, research_officer=404, superuser=404)),
    "submit my review (API)": Row(
        "api-v1:submit_review", "POST", lambda ctx: f"/api/v1/reviews/{ctx['pk']}/submit", json=True,
        setup=nf.drafted_review, expected=cells(401, 403, owner=200, research_officer=404, superuser=404)),
    "name a rapporteur (API)": Row(
        "api-v1:open_consensus", "POST", lambda ctx: f"/api/v1/bids/{ctx['bid']}/consensus", json=True,
        setup=nf.for_consensus, data=lambda ctx: {"rapporteur": ctx["rapporteur"]},
        expected=officers_only(401, 201)),
    "save the consensus report (API)": Row(
        "api-v1:save_consensus", "PUT", lambda ctx: f"/api/v1/bids/{ctx['bid']}/consensus", json=True,
        setup=nf.consensus(), data=lambda ctx: {"scores": [{"criterion": pk, "score": "8"} for pk in ctx["criteria"]]},
        expected=officers_only(401, 200, owner=200)),
    "finalise the consensus report (API)": Row(
        "api-v1:finalise_consensus", "POST", lambda ctx: f"/api/v1/bids/{ctx['bid']}/consensus/finalise", json=True,
        setup=nf.consensus(scored=True), expected=officers_only(401, 200, owner=200)),
    "schedule a defence (API)": Row(
        "api-v1:schedule_defence", "POST", lambda ctx: f"/api/v1/bids/{ctx['bid']}/defence", json=True,
        setup=nf.for_consensus, data={"scheduled_at": "2027-01-15T10:00:00+08:00", "mode": "on_site",
                                      "place": "Hall B"}, expected=officers_only(401, 200)),
    "award a challenge (API)": Row(
        "api-v1:award", "POST", lambda ctx: f"/api/v1/challenges/{ctx['code']}/award", json=True,
        setup=nf.to_award, data=lambda ctx: {"winners": [{"bid": ctx["bid"], "amount": "1000000"}],
                                              "minutes": "One winner."}, expected=officers_only(401, 200)),

    # ── Working days (back office: the data department) ──
    "add a working-day override (back office)": Row(
        "admin:workdays_workdayoverride_add", "POST", "/en/admin/workdays/workdayoverride/add/",
        data={"day": "2026-12-31", "calendar": "hong_kong", "working": "on", "note": "Matrix"},
        expected=back_office(data_officer=302, data_head=302, superuser=302)),
    "delete a working-day override (back office)": Row(
        "admin:workdays_workdayoverride_delete", "POST",
        lambda ctx: f"/en/admin/workdays/workdayoverride/{ctx['pk']}/delete/", setup=workday_override,
        data={"post": "yes"},
        expected=back_office(data_officer=302, data_head=302, superuser=302)),
}

# Writes no MATRIX row covers, each with the reason. Keys: a URL name (every method), "<name> <METHOD>", or a prefix
# ending in ":" or "_" (a whole URL namespace or family).
EXEMPT = {
    "admin:": "the back office: Django's model permissions and its own tests (tests/registry/test_admin.py); "
              "its writes with park rules of their own are MATRIX rows above",
    "oauth2_provider:": "the OpenID Connect provider's protocol endpoints (consent, token, revoke, introspect, "
                        "userinfo, logout): tests/accounts/test_oidc_*.py",
    "account_": "allauth's own sign-in, sign-up, password and email forms: tests/accounts/test_signup_signin.py",
    "mfa_": "allauth's second-factor pages: tests/accounts/test_staff_mfa_sessions.py",
    "socialaccount_": "allauth's upstream sign-in pages (tests/accounts/test_upstream_oidc.py)",
    "openid_connect_": "allauth's upstream OpenID Connect sign-in and callback (tests/accounts/test_upstream_oidc.py)",
    "usersessions_": "allauth's list of my sessions (signing other sessions out)",
    "en/accounts/social/": "allauth's old addresses, redirects only",
    "en/admin/": "the back office's unnamed addresses (old change-page redirects, the catch-all 404)",
    "set_language": "the language switch (stores the choice on the account: tests/test_i18n.py)",
    "healthz": "answers any method with 'ok'; writes nothing",
    "readyz": "answers any method with the readiness checks; writes nothing",
    "accounts:home": "my account page answers any method by showing the page; writes nothing",
    "api-v1:unknown_path": "any other path under /api/v1/: a JSON 404 for every method",
    "api-v1:openapi-json": "the API's schema, read-only",
    "api-v1:openapi-view": "the API's documentation page, read-only",
    "api-v1:api-root": "the API's root, read-only",
}

# GET views that write (a GET cannot be told from its decorators): each needs a MATRIX row like any POST.
GETS_THAT_WRITE = {
    ("passes:my_code", "GET"): "the first view of my code makes my pass holder (its pseudonym)",
    ("passes:my_code_fragment", "GET"): "the same, from the page's refresh",
    ("onestop:queue", "GET"): "a CSV export is recorded in the audit trail",
}

WRITES = ("POST", "PUT", "PATCH", "DELETE")
HTTP_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE", *WRITES}


# ── The fingerprint of the whole park ───────────────────────────────────────────────────────────────────────

# Tables no refusal can be judged by. Everything else, every project and library table, is fingerprinted.
NOT_FINGERPRINTED = {
    "sessions.session": "signing the actors in writes sessions",
    "usersessions.usersession": "allauth notes each signed-in request (USERSESSIONS_TRACK_ACTIVITY)",
    "contenttypes.contenttype": "fixed at migration",
    "auth.permission": "fixed at migration",
}
SIGN_IN_EVENTS = ("security.login",)  # audit events that signing the actors in writes (before the requests)
HASHED_ROWS = 100  # tables up to this size are hashed row by row; larger ones (the registry) by count, id and dates


@cache
def fingerprinted() -> tuple[list[type[models.Model]], str]:
    """The tables, and one query that counts every table and reads its highest id and latest change."""
    from django.db import connection

    from hetao.audit.models import AuditEvent

    quote, parts, tables = connection.ops.quote_name, [], []
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label in NOT_FINGERPRINTED:
            continue
        pk = model._meta.pk
        highest = (f"CAST(MAX({quote(pk.column)}) AS TEXT)" if isinstance(pk, models.AutoField | models.IntegerField)
                   else f"MAX(CAST({quote(pk.column)} AS TEXT))")
        dated = [f.column for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
        latest = f"CAST(MAX({quote(dated[0])}) AS TEXT)" if dated else "CAST(NULL AS TEXT)"
        where = f" WHERE action NOT IN ({', '.join(repr(a) for a in SIGN_IN_EVENTS)})" if model is AuditEvent else ""
        parts.append(f"SELECT {len(tables)}, COUNT(*), {highest}, {latest} FROM {quote(model._meta.db_table)}{where}")
        tables.append(model)
    return tables, " UNION ALL ".join(parts)


def _digest(rows) -> str:
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def state(watch=()) -> dict[str, Any]:
    """Every table: count, highest id and latest change, and the hash of its rows when it is small (every table the
    apps write in these tests); audit events without the sign-in records (security.*) that signing the actors in
    wrote (a refused request must not write even a security event); plus the `watch`ed rows of big tables."""
    from django.db import connection

    from hetao.audit.models import AuditEvent

    tables, sql = fingerprinted()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        counted = cursor.fetchall()
    found: dict[str, Any] = {}
    for index, count, highest, latest in counted:
        model = tables[index]
        found[model._meta.label_lower] = (count, highest, latest)
        if 0 < count <= HASHED_ROWS:
            rows = model._base_manager.all()
            if model is AuditEvent:
                rows = rows.exclude(action__in=SIGN_IN_EVENTS)
            found[f"{model._meta.label_lower} rows"] = _digest(rows.order_by("pk").values_list())
    for n, rows in enumerate(watch):
        found[f"watch {n}: {rows.model._meta.label_lower}"] = _digest(rows.order_by("pk").values_list())
    return found


def changed(before: dict, after: dict) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


# ── Actors and requests ─────────────────────────────────────────────────────────────────────────────────────


class Actors(dict):
    gate_point: Any
    gate_token: str


@pytest.fixture(autouse=True)
def pass_keys(settings, tmp_path):
    """Codes are signed with keys of their own per test (as tests/passes do)."""
    from hetao.passes import keys, services

    settings.HETAO_PASS_KEY_DIR = tmp_path / "passes"
    keys.create(settings.HETAO_PASS_KEY_DIR, datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1))
    services._key_cache.clear()


@pytest.fixture
def users() -> Actors:
    from hetao.accounts.models import Membership

    made = Actors(anonymous=None, gate=None)
    made["member"] = factories.make_user("member")
    made["owner"] = factories.make_user("owner", verified_email=True, mobile="+85291234567")
    for actor, role in (("org_member", "member"), ("org_admin", "admin")):
        made[actor] = factories.make_user(actor)
        Membership.objects.create(user=made[actor], organisation=org(), role=role)
    for actor, (department, role) in OFFICERS.items():
        made[actor] = staff_in(actor, department, role)
        made[actor].first_name, made[actor].last_name = "Officer", actor.title()  # some services need a name
        made[actor].save(update_fields=["first_name", "last_name"])
    made["superuser"] = with_mfa(factories.make_user("superuser", is_staff=True, is_superuser=True))
    made.gate_point = factories.access_point("matrix-gate")
    made.gate_token = made.gate_point.issue_token()
    return made


def client_for(users: Actors, actor: str) -> Client:
    if actor == "gate":
        return Client(headers={"Authorization": f"Bearer {users.gate_token}"})
    client = Client()
    if users[actor] is not None:
        client.force_login(users[actor])
    return client


def send(client: Client, row: Row, ctx: dict):
    path = row.path(ctx) if callable(row.path) else row.path
    data = row.data(ctx) if callable(row.data) else row.data
    method = row.method.lower()
    if row.json:
        return getattr(client, method)(path, json.dumps(data or {}), content_type="application/json")
    return getattr(client, method)(path, data or {})


def to_sign_in(response) -> bool:
    return response.status_code == 302 and "/login/" in response.url


class Rollback(Exception):
    pass


def run_row(row: Row, users: Actors) -> dict[str, tuple[int, list[str], bool]]:
    """Each actor's (status, tables changed, sent to sign-in), every request rolled back to the same start."""
    ctx = row.setup(users) if row.setup else {}
    clients = {actor: client_for(users, actor) for actor in ACTORS}
    watch = row.watch(ctx) if row.watch else []
    before = state(watch)
    seen = {}
    for actor in ACTORS:
        django_cache.clear()  # rate limits
        try:
            with transaction.atomic():
                response = send(clients[actor], row, ctx)
                seen[actor] = (response.status_code, changed(before, state(watch)), to_sign_in(response))
                raise Rollback
        except Rollback:
            pass
    return seen


@pytest.mark.parametrize("action", list(MATRIX))
def test_permission_matrix(users, action):
    row = MATRIX[action]
    seen = run_row(row, users)
    if os.environ.get("HETAO_MATRIX_DISCOVER"):
        print(f"\n{action}:", {a: f"{s}{'' if c else ' (no change)'}{' (sign-in)' if li else ''}"
                                for a, (s, c, li) in seen.items()})
        return
    problems = []
    for actor in ACTORS:
        status, tables, signed_in = seen[actor]
        expected = row.expected[actor]
        if status != expected or (isinstance(expected, ToSignIn) and not signed_in):
            problems.append(f"{actor}: expected {expected!r}, got {status}{' (not to sign in)' * (status == 302)}")
            continue
        refused = status >= 400 or signed_in or isinstance(expected, Unchanged) or not row.writes
        if refused and tables:
            problems.append(f"{actor}: refused ({status}) but changed {tables}")
        elif not refused and not tables:
            problems.append(f"{actor}: allowed ({status}) but changed nothing (is it Unchanged({status})?)")
    assert not problems, f"{action}:\n  " + "\n  ".join(problems)


def test_every_row_names_every_actor():
    for action, row in MATRIX.items():
        assert set(row.expected) == set(ACTORS), action


# ── Coverage: every write of every app is a row or exempt ───────────────────────────────────────────────────


def _patterns(resolver=None, prefix: str = "", namespace: str = ""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _patterns(pattern, prefix + str(pattern.pattern), inner)
        else:
            yield prefix + str(pattern.pattern), (namespace + pattern.name) if pattern.name else "", pattern.callback


def _closure(function) -> list:
    values = []
    for cell in getattr(function, "__closure__", None) or ():
        with contextlib.suppress(ValueError):  # an empty cell
            values.append(cell.cell_contents)
    return values


def endpoint_methods(route: str, name: str, callback) -> dict[str, set[str]]:
    """{endpoint: methods it accepts} for one URL pattern: a class-based view's handlers, a django-ninja path's
    operations (each under its own URL name), or the `require_http_methods` list found among a function view's
    decorators; a function view without one accepts every method."""
    key = name or route
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return {key: {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)} - {"OPTIONS", "HEAD"}}
    function, seen = callback, set()
    while function is not None and id(function) not in seen:
        seen.add(id(function))
        for value in _closure(function):
            if type(value).__name__ == "PathView":  # django-ninja: every operation of this path
                namespace = name.rpartition(":")[0]
                return {f"{namespace}:{getattr(op, 'url_name', None) or op.view_func.__name__}": set(op.methods)
                        for op in value.operations}
            if isinstance(value, list | tuple | set) and value and all(isinstance(m, str) and m in HTTP_METHODS
                                                                         for m in value):
                return {key: set(value)}
        function = getattr(function, "__wrapped__", None)
    return {key: set(HTTP_METHODS)}


def writing_endpoints() -> set[tuple[str, str]]:
    found = set(GETS_THAT_WRITE)
    for route, name, callback in _patterns():
        for endpoint, methods in endpoint_methods(route, name, callback).items():
            found |= {(endpoint, method) for method in methods if method in WRITES}
    return found


def exempt_reason(endpoint: str, method: str) -> str | None:
    for key, reason in EXEMPT.items():
        if key in (endpoint, f"{endpoint} {method}") or (key[-1] in ":_/" and endpoint.startswith(key)):
            return reason
    return None


def test_every_write_is_in_the_matrix():
    covered = {(row.endpoint, row.method) for row in MATRIX.values()}
    missing = sorted(f"{endpoint} {method}" for endpoint, method in writing_endpoints()
                     if (endpoint, method) not in covered and exempt_reason(endpoint, method) is None)
    assert not missing, ("Writes without a permission matrix row (add one to MATRIX, or to EXEMPT with the "
                         f"reason): {missing}")


def test_the_matrix_names_real_endpoints_and_the_exemptions_are_used():
    endpoints = {endpoint for route, name, callback in _patterns()
                 for endpoint in endpoint_methods(route, name, callback)}
    assert {row.endpoint for row in MATRIX.values()} - endpoints == set()
    writes = writing_endpoints()
    unused = [key for key in EXEMPT if not any(exempt_reason(e, m) == EXEMPT[key] for e, m in writes)]
    assert not unused, f"EXEMPT entries that no longer exempt anything: {unused}"


def test_the_coverage_walk_sees_the_api_operations_and_the_decorated_views():
    writes = writing_endpoints()
    assert {("api-v1:create_organisation", "POST"), ("api-v1:save_answers", "PATCH"),
            ("api-v1:post_scan", "POST")} <= writes
    assert ("api-v1:list_organisations", "POST") not in writes  # its path's POST is create_organisation's
    assert ("accounts:claim_person", "POST") in writes and ("registry:organisations", "POST") not in writes


# ── Reads write nothing: every page and endpoint that answers GET, as an applicant, an officer and a superuser ──


def read_objects(users: Actors) -> dict:
    """One of each object a page is about, owned by `owner` (and decided by the facilities officer)."""
    from hetao.core.pdf import verification_token
    from hetao.onestop.pdf import fingerprint
    from hetao.onestop.services import application_decide
    from hetao.registry.models import Park, Project, Unit

    owner = users["owner"]
    draft = factories.venue_application(owner, pages=1, submit=False)
    decided = application_decide(actor=users["security_officer"], action="approve", comment="Yes.",
                                 application=factories.venue_application(owner, title="Decided"))
    filed = factories.filing_application(owner, org())
    return {
        "draft": draft.pk, "open": factories.venue_application(owner, title="Open").reference,
        "decided": decided.reference, "filed": filed.reference, "stored": filed.data["grant_letter"]["document"],
        "token": verification_token(reference=decided.reference, kind="letter",
                                    fingerprint=fingerprint(decided, "letter")),
        "iddoc": document(users)["pk"], "invitation": invitation(users)["token"], "client": partner()(users)["pk"],
        "event": event(users)["pk"], "person": Person.objects.order_by("pk").values_list("pk", flat=True).first(),
        "project": Project.objects.order_by("pk").values_list("code", flat=True).first(),
        "space": Unit.objects.order_by("pk").values_list("pk", flat=True).first(),
        "park": Park.objects.order_by("pk").values_list("code", flat=True).first(),
        "topic": topic()(users)["pk"], "draft_topic": topic("draft")(users)["pk"],
        **challenge_objects(users),
    }


def challenge_objects(users: Actors) -> dict:
    """A challenge of each kind with the owner's bid, the owner's assignment as an expert, a run, a consensus."""
    calls, bid, review, award = nf.calls(users), nf.closed_bid(users), nf.assigned("no_conflict")(users), \
        nf.to_award(users)
    from hetao.challenges.models import AssignmentRun

    return {"challenge": calls["code"], "draft_challenge": calls["draft"], "review_challenge": bid["code"],
            "bid": bid["pk"], "assignment": review["pk"], "defence_challenge": award["code"],
            "consensus_bid": award["bid"], "invitation_token": nf.invited_to_team(users)["token"],
            "run": AssignmentRun.objects.order_by("pk").values_list("pk", flat=True).first()}


# endpoint → a path to GET (a function of read_objects' context where it names an object).
READS: dict[str, str | Callable[[dict], str]] = {
    "healthz": "/healthz", "readyz": "/readyz", "javascript-catalog": "/en/jsi18n/", "set_language": "/i18n/setlang/",
    "api-v1:openapi-json": "/api/v1/openapi.json", "api-v1:openapi-view": "/api/v1/docs", "api-v1:api-root": "/api/v1/",
    "api-v1:unknown_path": "/api/v1/no/such/path",
    "api-v1:list_organisations": "/api/v1/organisations", "api-v1:get_organisation": "/api/v1/organisations/hkust",
    "api-v1:list_people": "/api/v1/people", "api-v1:get_person": lambda c: f"/api/v1/people/{c['person']}",
    "api-v1:list_projects": "/api/v1/projects", "api-v1:get_project": lambda c: f"/api/v1/projects/{c['project']}",
    "api-v1:list_spaces": "/api/v1/spaces", "api-v1:get_space": lambda c: f"/api/v1/spaces/{c['space']}",
    "api-v1:list_patents": "/api/v1/patents", "api-v1:list_services": "/api/v1/services",
    "api-v1:get_service": "/api/v1/services/venue-booking", "api-v1:list_applications": "/api/v1/applications",
    "api-v1:get_application_by_id": lambda c: f"/api/v1/applications/{c['draft']}",
    "api-v1:get_application": lambda c: f"/api/v1/applications/{c['open']}",
    "api-v1:get_trust_list": "/api/v1/passes/trust-list", "api-v1:get_jwks": "/api/v1/passes/jwks",
    "api-v1:get_revocations": "/api/v1/passes/revocations",
    "accounts:home": "/en/account/?q=chan", "accounts:profile": "/en/account/profile/",
    "accounts:person_search": "/en/account/person/search/?q=chan", "accounts:documents": "/en/account/documents/",
    "accounts:privacy": "/en/account/privacy/", "accounts:privacy_export": "/en/account/privacy/my-data.html",
    "accounts:reveal_document": lambda c: f"/en/staff/documents/{c['iddoc']}/reveal/",
    "accounts:clients": "/en/staff/partner-systems/", "accounts:client_new": "/en/staff/partner-systems/new/",
    "accounts:client_edit": lambda c: f"/en/staff/partner-systems/{c['client']}/",
    "accounts:members": f"/en/organisations/{ORG}/members/", "accounts:join": f"/en/organisations/{ORG}/join/",
    "accounts:invitation": lambda c: f"/en/invitations/{c['invitation']}/",
    "community:inbox": "/en/inbox/", "community:email_settings": "/en/account/email-settings/",
    "community:announcements": "/en/announcements/", "community:events": "/en/events/",
    "community:event": lambda c: f"/en/events/{c['event']}/", "community:groups": "/en/groups/",
    "onestop:catalogue": "/en/services/", "onestop:figures": "/en/services/figures/",
    "onestop:service": "/en/services/venue-booking/",
    "onestop:page": lambda c: f"/en/applications/{c['draft']}/page/0/",
    "onestop:check": lambda c: f"/en/applications/{c['draft']}/check/",
    "onestop:confirmation": lambda c: f"/en/applications/done/{c['open']}/",
    "onestop:mine": "/en/my-applications/", "onestop:mine_detail": lambda c: f"/en/my-applications/{c['filed']}/",
    "onestop:receipt": lambda c: f"/en/my-applications/{c['decided']}/receipt.pdf",
    "onestop:letter": lambda c: f"/en/my-applications/{c['decided']}/decision.pdf",
    "onestop:document": lambda c: f"/en/documents/{c['stored']}/",
    "onestop:verify": lambda c: f"/en/verify/{c['token']}/",
    "onestop:queue": "/en/work/?tab=decided", "onestop:review": lambda c: f"/en/work/{c['open']}/",
    "passes:my_code": "/en/code/", "passes:my_code_fragment": "/en/code/refresh/",
    "passes:invite_visitor": "/en/visitors/", "passes:scanner": "/en/gate/", "passes:access_log": "/en/access-log/",
    "registry:home": "/en/", "registry:search": "/en/search/?q=hkust", "registry:organisations": "/en/organisations/",
    "registry:organisation": f"/en/organisations/{ORG}/", "registry:people": "/en/people/",
    "registry:person": lambda c: f"/en/people/{c['person']}/", "registry:projects": "/en/projects/",
    "registry:project": lambda c: f"/en/projects/{c['project']}/", "registry:spaces": "/en/spaces/",
    "registry:park": lambda c: f"/en/parks/{c['park']}/",
    "challenges:topics": "/en/topics/?direction=quantum", "challenges:topic": lambda c: f"/en/topics/{c['topic']}/",
    "challenges:propose": "/en/topics/propose/", "challenges:edit": lambda c: f"/en/topics/{c['draft_topic']}/edit/",
    "challenges:mine": "/en/my-topics/", "challenges:queue": "/en/screening/topics/",
    "challenges:screen": lambda c: f"/en/screening/topics/{c['topic']}/",
    "api-v1:list_topics": "/api/v1/topics", "api-v1:get_topic": lambda c: f"/api/v1/topics/{c['topic']}",
    "challenges:challenges": "/en/challenges/?direction=quantum",
    "challenges:challenge": lambda c: f"/en/challenges/{c['challenge']}/",
    "challenges:results": lambda c: f"/en/challenges/{c['defence_challenge']}/results/",
    "challenges:attachment": lambda c: f"/en/challenges/{c['challenge']}/attachments/1/",
    "challenges:officer_challenges": "/en/research/challenges/",
    "challenges:challenge_new": "/en/research/challenges/new/",
    "challenges:challenge_edit": lambda c: f"/en/research/challenges/{c['draft_challenge']}/edit/",
    "challenges:bid_start": lambda c: f"/en/challenges/{c['challenge']}/bid/",
    "challenges:bid": lambda c: f"/en/bids/{c['bid']}/", "challenges:bid_pdf": lambda c: f"/en/bids/{c['bid']}/pdf/",
    "challenges:bid_document": lambda c: f"/en/bids/{c['bid']}/documents/1/",
    "challenges:invitation": lambda c: f"/en/bids/invitations/{c['invitation_token']}/",
    "challenges:my_bids": "/en/my-bids/",
    "challenges:challenge_bids": lambda c: f"/en/research/challenges/{c['review_challenge']}/bids/",
    "challenges:experts": "/en/research/experts/",
    "challenges:assignment": lambda c: f"/en/research/challenges/{c['review_challenge']}/assignment/",
    "challenges:conflicts": lambda c: f"/en/research/challenges/{c['review_challenge']}/conflicts/",
    "challenges:expert_home": "/en/expert/",
    "challenges:declare": lambda c: f"/en/expert/assignments/{c['assignment']}/declare/",
    "challenges:my_reviews": "/en/reviews/", "challenges:review": lambda c: f"/en/reviews/{c['assignment']}/",
    "challenges:review_document": lambda c: f"/en/reviews/{c['assignment']}/documents/1/",
    "challenges:panel": lambda c: f"/en/research/challenges/{c['defence_challenge']}/panel/",
    "challenges:export": lambda c: f"/en/research/challenges/{c['defence_challenge']}/export.xlsx",
    "challenges:consensus": lambda c: f"/en/consensus/{c['consensus_bid']}/",
    "challenges:consensus_pdf": lambda c: f"/en/consensus/{c['consensus_bid']}/pdf/",
    "challenges:bid_result": lambda c: f"/en/bids/{c['consensus_bid']}/result/",
    "api-v1:list_challenges": "/api/v1/challenges?direction=quantum",
    "api-v1:get_challenge": lambda c: f"/api/v1/challenges/{c['challenge']}",
    "api-v1:get_results": lambda c: f"/api/v1/challenges/{c['defence_challenge']}/results",
    "api-v1:list_questions": lambda c: f"/api/v1/challenges/{c['challenge']}/questions",
    "api-v1:list_my_bids": "/api/v1/bids", "api-v1:get_bid": lambda c: f"/api/v1/bids/{c['bid']}",
    "api-v1:challenge_bids": lambda c: f"/api/v1/challenges/{c['review_challenge']}/bids",
    "api-v1:list_experts": "/api/v1/experts",
    "api-v1:list_conflicts": lambda c: f"/api/v1/challenges/{c['review_challenge']}/conflicts",
    "api-v1:get_run": lambda c: f"/api/v1/assignment-runs/{c['run']}",
    "api-v1:my_profile": "/api/v1/me/expert", "api-v1:my_assignments": "/api/v1/me/assignments",
    "api-v1:my_reviews": "/api/v1/me/reviews", "api-v1:get_review": lambda c: f"/api/v1/reviews/{c['assignment']}",
    "api-v1:get_ranking": lambda c: f"/api/v1/challenges/{c['defence_challenge']}/ranking",
    "api-v1:bid_result": lambda c: f"/api/v1/bids/{c['consensus_bid']}/result",
}


def test_every_read_is_swept():
    """Every endpoint that answers GET (outside the namespaces EXEMPT as a whole) is in READS."""
    found = {endpoint for route, name, callback in _patterns()
             for endpoint, methods in endpoint_methods(route, name, callback).items() if "GET" in methods}
    whole = [key for key in EXEMPT if key[-1] in ":_/"]
    missing = sorted(e for e in found if e not in READS and not any(e.startswith(key) for key in whole))
    assert not missing, f"Pages or endpoints that answer GET without a READS entry: {missing}"
    assert set(READS) <= found


@pytest.mark.parametrize("actor", ["owner", "security_officer", "superuser"])
def test_reads_write_nothing(users, actor):
    """A GET changes nothing, except the GETs that write (GETS_THAT_WRITE, which are MATRIX rows)."""
    ctx = read_objects(users)
    client = client_for(users, actor)
    client.get("/en/code/")  # my pass holder exists from the first view of my code (a GET that writes)
    before, problems = state(), []
    for endpoint, path in READS.items():
        if (endpoint, "GET") in GETS_THAT_WRITE:
            continue
        path = path(ctx) if callable(path) else path
        response = client.get(path)
        if response.status_code == 500:  # (503: /readyz, with no background processes here)
            problems.append(f"{path}: {response.status_code}")
        after = state()
        if after != before:
            problems.append(f"{path} ({response.status_code}) changed {changed(before, after)}")
            before = after
    assert not problems, "\n".join(problems)
