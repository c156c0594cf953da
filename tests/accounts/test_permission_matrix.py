"""Who may do what, endpoint by endpoint; a denied action changes nothing (Saleor's permission matrix)."""

import json

import pytest
from django.contrib.auth import get_user_model

from hetao.accounts.models import IdentityDocument, Invitation, JoinRequest, Membership
from hetao.audit.models import AuditEvent
from hetao.community.models import Announcement
from hetao.registry.models import Organisation
from tests.conftest import staff_in

pytestmark = pytest.mark.django_db

ORG = "hkust-sz-hk-institute"
ACTORS = ["anonymous", "member", "org_member", "org_admin", "data_officer", "finance_officer", "talent_head"]


@pytest.fixture
def actors():
    User = get_user_model()
    org = Organisation.objects.get(slug=ORG)
    made = {"anonymous": None, "member": User.objects.create_user("m", "m@example.org", "pw-m-123456")}
    made["org_member"] = User.objects.create_user("om", "om@example.org", "pw-om-123456")
    Membership.objects.create(user=made["org_member"], organisation=org, role="member")
    made["org_admin"] = User.objects.create_user("oa", "oa@example.org", "pw-oa-123456")
    Membership.objects.create(user=made["org_admin"], organisation=org, role="admin")
    made["data_officer"] = staff_in("do", "data")
    made["finance_officer"] = staff_in("fo", "finance")
    made["talent_head"] = staff_in("th", "talent_services", "head")
    return made


def state() -> tuple:
    return (Organisation.objects.count(), Invitation.objects.count(), Announcement.objects.count(),
            JoinRequest.objects.exclude(status="pending").count(), Membership.objects.count(),
            AuditEvent.objects.exclude(action__startswith="security.").count())


def document():
    owner = get_user_model().objects.create_user("doc", "doc@example.org", "pw-doc-123456")
    from hetao.accounts.services import identity_document_add

    return identity_document_add(actor=owner, kind=IdentityDocument.Kind.HKID, number="A123456(3)")


def join_request():
    asker = get_user_model().objects.create_user("ask", "ask@example.org", "pw-ask-123456")
    return JoinRequest.objects.create(user=asker, organisation=Organisation.objects.get(slug=ORG))


ANNOUNCEMENT = {"title_en": "Notice", "description_en": "Text", "audience": "everyone"}
NEW_ORG = {"slug": "matrix-org", "kind": "enterprise", "name_en": "Matrix Org"}

# name: (method, path or path factory, data, {actor: expected status}); a 2xx/3xx on a write means "allowed".
MATRIX = {
    "registry write (API)": ("post_json", "/api/v1/organisations", NEW_ORG,
                             {"anonymous": 401, "member": 403, "org_member": 403, "org_admin": 403,
                              "data_officer": 201, "finance_officer": 403, "talent_head": 403}),
    "see members": ("get", f"/en/organisations/{ORG}/members/", None,
                    {"anonymous": 302, "member": 403, "org_member": 200, "org_admin": 200, "data_officer": 200,
                     "finance_officer": 403, "talent_head": 403}),
    "invite a member": ("post", f"/en/organisations/{ORG}/members/", {"email": "x@example.org", "role": "member"},
                        {"anonymous": 302, "member": 403, "org_member": 403, "org_admin": 302, "data_officer": 403,
                         "finance_officer": 403, "talent_head": 403}),
    "decide a request to join": ("post", lambda: f"/en/join-requests/{join_request().pk}/", {"decision": "approve"},
                                 {"anonymous": 302, "member": 403, "org_member": 403, "org_admin": 302,
                                  "data_officer": 403, "finance_officer": 403, "talent_head": 403}),
    "reveal an identity document": ("get", lambda: f"/en/staff/documents/{document().pk}/reveal/", None,
                                    {"anonymous": 302, "member": 403, "org_member": 403, "org_admin": 403,
                                     "data_officer": 403, "finance_officer": 403, "talent_head": 200}),
    "publish an announcement": ("post", "/en/announcements/", ANNOUNCEMENT,
                                {"anonymous": 403, "member": 403, "org_member": 403, "org_admin": 403,
                                 "data_officer": 302, "finance_officer": 403, "talent_head": 302}),
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", list(MATRIX))
def test_permission_matrix(client, actors, actor, action):
    method, path, data, expected = MATRIX[action]
    path = path() if callable(path) else path
    if actors[actor] is not None:
        client.force_login(actors[actor])
    before = state()
    if method == "post_json":
        response = client.post(path, json.dumps(data), content_type="application/json")
    else:
        response = getattr(client, method)(path, data or {})
    assert response.status_code == expected[actor], (action, actor)
    if response.status_code in (401, 403) or (response.status_code == 302 and "/accounts/login/" in response.url):
        assert state() == before, f"a denied {action} by {actor} changed something"
