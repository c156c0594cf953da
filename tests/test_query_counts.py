"""Every list page and list endpoint of every app costs a fixed number of queries, whatever the number of rows
(NetBox, Zulip): measured with a few rows, measured again after more were added through the services, equal to
each other and to the pinned number. A count that grows is an N+1; it is marked xfail(strict=True) with the
reason until the list's selector is fixed (then the xfail fails and is removed).

`test_every_list_is_measured` walks every URL pattern: a view whose URL name or function name says it lists
(`list` in it, or the URL name ends in `s` or `_log`, or is a queue, inbox, catalogue or "mine"), or an API
operation answering a page of `items`, must be in LISTS or in EXEMPT with a reason. The registry's own lists keep
their pinned numbers in tests/registry/test_query_counts.py (PINNED); here they are measured against the same
numbers at two sizes.
`HETAO_QUERY_DISCOVER=1 pytest tests/test_query_counts.py -s` prints the counts (to pin a new list).
"""

import datetime
import os
import typing
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count as counter
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hetao.registry.models import Organisation
from tests import factories
from tests.challenges import nets_fixtures as nf
from tests.conftest import staff_in, with_mfa
from tests.registry.test_query_counts import PINNED as REGISTRY_PINNED
from tests.test_permission_matrix import _patterns, endpoint_methods

pytestmark = pytest.mark.django_db

ORG = "hkust-sz-hk-institute"
serial = counter(1)


# ── The people whose lists are measured ─────────────────────────────────────────────────────────────────────


class People(dict):
    """owner: a member with applications, an inbox, documents; org_admin: an admin of ORG; security: a facilities and
    security officer (gates, access log, venue bookings); data_head: partner systems and publishing."""


@pytest.fixture
def people() -> People:
    from hetao.accounts.models import Membership

    made = People(anonymous=None)
    made["owner"] = factories.make_user("owner", verified_email=True)
    made["org_admin"] = factories.make_user("orgadmin")
    Membership.objects.create(user=made["org_admin"], organisation=Organisation.objects.get(slug=ORG), role="admin")
    made["security"] = staff_in("security", "facilities_security")
    made["data_head"] = staff_in("datahead", "data", "head")
    made["superuser"] = with_mfa(factories.make_user("superuser", is_staff=True, is_superuser=True))
    made["research"] = staff_in("research", "research_management")  # challenges, bids, the panel, reviews
    return made


@pytest.fixture(autouse=True)
def pass_keys(settings, tmp_path):
    from hetao.passes import keys, services

    settings.HETAO_PASS_KEY_DIR = tmp_path / "passes"
    keys.create(settings.HETAO_PASS_KEY_DIR, datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1))
    services._key_cache.clear()


# ── Growing each list through the services and factories (`grow(people, n)` adds n rows the list shows) ──────


def newcomer():
    return factories.make_user(f"newcomer{next(serial)}")


def organisations(people, n):
    for _ in range(n):
        factories.OrganisationFactory(name_en=f"HKUST Extra {next(serial)}")


def persons(people, n):
    for _ in range(n):
        factories.PersonFactory(name_en=f"Chan Extra {next(serial)}", region="hong_kong")


def projects(people, n):
    for _ in range(n):
        factories.ProjectFactory()


def units(people, n):
    for _ in range(n):
        factories.unit_in_new_building()


def patents(people, n):
    from hetao.registry.models import Patent

    for _ in range(n):
        patent = Patent(pct_number=f"PCT/CN2025/{900000 + next(serial)}", filing_date=datetime.date(2025, 3, 1),
                        title_en="Extra patent")
        patent.full_clean()
        patent.save()
        patent.applicants.set([factories.OrganisationFactory()])


SEEDS = ["venue-booking", "kehuitong-filing", "talent-apartment", "research-space", "youth-base-admission",
         "instrument-voucher", "enterprise-settlement", "hk-researcher-facilitation", "joint-policy-subsidy",
         "genetic-resources-transit"]


def services_(people, n):
    from hetao.onestop.models import Service

    missing = [code for code in SEEDS if not Service.objects.filter(code=code).exists()]
    factories.seed_services(*missing[:n])


def decided(people, n):
    """Decided venue bookings by new applicants (service figures, the decided tab)."""
    from hetao.onestop.services import application_decide, rating_give

    for i in range(n):
        applicant = newcomer()
        application = factories.venue_application(applicant)
        application = application_decide(actor=people["security"], application=application,
                                         action="approve" if i % 2 else "reject", comment="Decided.")
        rating_give(actor=applicant, application=application, score=4)


def my_applications(people, n):
    for i in range(n):
        factories.venue_application(people["owner"], submit=bool(i % 2), pages=2)


def submitted(people, n):
    """New venue bookings waiting for facilities and security (the "new" tab)."""
    return [factories.venue_application(newcomer()) for _ in range(n)]


def claimed(people, n):
    from hetao.onestop.services import application_claim

    for application in submitted(people, n):
        application_claim(actor=people["security"], application=application)


def overdue(people, n):
    from hetao.onestop.models import Application

    pks = [a.pk for a in submitted(people, n)]
    Application.objects.filter(pk__in=pks).update(step_due=timezone.localdate() - datetime.timedelta(days=3))


def returned(people, n):
    from hetao.onestop.services import application_decide

    for application in submitted(people, n):
        application_decide(actor=people["security"], application=application, action="return", comment="Fix it.")


def scans(people, n):
    from hetao.passes import services
    from hetao.passes.models import AccessPoint

    point = AccessPoint.objects.filter(code="count-gate").first() or factories.access_point("count-gate")
    for _ in range(n):
        services.scan(access_point=point, text=services.code_for(newcomer())[0])
    services.scan(access_point=point, text="not a code")


def visits(people, n):
    from hetao.passes import services
    from hetao.passes.models import AccessPoint

    point = AccessPoint.objects.filter(code="count-gate").first() or factories.access_point("count-gate")
    start = timezone.now() + datetime.timedelta(hours=1)
    for _ in range(n):
        services.visitor_invite(actor=people["org_admin"], access_point=point, guest_name="Guest",
                                guest_email="guest@example.org", valid_from=start,
                                valid_until=start + datetime.timedelta(hours=2))


def points(people, n):
    for _ in range(n):
        factories.access_point(f"count-point-{next(serial)}")


def notifications(people, n):
    for _ in range(n):
        factories.notification_for(people["owner"], title=f"Note {next(serial)}")


def announcements(people, n):
    from hetao.community.services import announcement_publish

    for _ in range(n):
        announcement_publish(actor=people["data_head"], title_en=f"Notice {next(serial)}", description_en="Text",
                             audience="everyone")


def events(people, n):
    from hetao.community.services import event_register

    for _ in range(n):
        made = factories.community_event(capacity=3)
        event_register(actor=people["owner"], event=made)


def groups(people, n):
    from hetao.community.models import InterestGroup
    from hetao.community.services import group_join

    for _ in range(n):
        made = InterestGroup.objects.create(slug=f"count-group-{next(serial)}", title_en="Group")
        group_join(actor=people["owner"], group=made)


def members(people, n):
    """Members, pending requests to join and open invitations of ORG (the members page lists all three)."""
    from hetao.accounts import services
    from hetao.accounts.models import Membership

    organisation = Organisation.objects.get(slug=ORG)
    for _ in range(n):
        Membership.objects.create(user=newcomer(), organisation=organisation, role="member")
        services.join_request_create(actor=newcomer(), organisation=organisation)
        services.invitation_create(actor=people["org_admin"], organisation=organisation,
                                   email=f"invitee{next(serial)}@example.org")


def my_things(people, n):
    """What my account page and my data export list: memberships, invitations, notifications, registrations,
    groups, identity documents."""
    from hetao.accounts import services
    from hetao.accounts.models import Membership

    owner = people["owner"]
    for _ in range(n):
        Membership.objects.create(user=owner, organisation=factories.OrganisationFactory(), role="admin")
        inviting, admin = factories.OrganisationFactory(), newcomer()
        Membership.objects.create(user=admin, organisation=inviting, role="admin")
        services.invitation_create(actor=admin, organisation=inviting, email=owner.email)
    documents(people, n)
    notifications(people, n)
    events(people, n)
    groups(people, n)


def documents(people, n):
    from hetao.accounts.services import identity_document_add

    for _ in range(n):
        identity_document_add(actor=people["owner"], kind="passport", number=f"E{next(serial):07d}", country="GBR")


def partner_systems(people, n):
    for _ in range(n):
        factories.oidc_client(people["data_head"], name=f"Partner {next(serial)}")


def _topic(proposer, **extra):
    from hetao.challenges import services
    from hetao.registry.models import KeyDirection

    fields = {"title_en": f"Topic {next(serial)}", "problem": "p", "importance": "i", "outcome": "o",
              "key_direction": KeyDirection.objects.get(code="quantum"), **extra}
    return services.topic_propose(actor=proposer, **fields)


def published_topics(people, n):
    """Published topics by new proposers (screened by the superuser), each supported, commented and with a topic
    merged into it."""
    from hetao.challenges import services

    officer = people["superuser"]
    for _ in range(n):
        proposer = newcomer()
        topic = services.topic_submit(actor=proposer, topic=_topic(proposer, organisation=None))
        topic = services.topic_screen(actor=officer, topic=topic, action="accept")
        topic = services.topic_publish(actor=officer, topic=topic)
        services.topic_support(actor=people["owner"], topic=topic)
        services.topic_comment(actor=people["owner"], topic=topic, body="Comment")
        merged = services.topic_submit(actor=proposer, topic=_topic(proposer))
        services.topic_screen(actor=officer, topic=merged, action="merge", merged_into=topic)


def my_topics(people, n):
    from hetao.challenges import services

    for i in range(n):
        topic = _topic(people["owner"])
        if i % 2:
            services.topic_submit(actor=people["owner"], topic=topic)


def submitted_topics(people, n):
    from hetao.challenges import services

    for _ in range(n):
        proposer = newcomer()
        services.topic_submit(actor=proposer, topic=_topic(proposer))


# ── The lists ──────────────────────────────────────────────────────────────────────────────────────────────


@dataclass
class Case:
    endpoint: str  # the URL name (API: "api-v1:<operation>"), as test_every_list_is_measured finds it
    path: str | Callable[[People], str]  # a function of the people (after the first grow) for an object's page
    grow: Callable[[People, int], Any]
    pinned: int
    actor: str = "anonymous"
    n_plus_one: str = ""  # the reason, while the count grows with the rows (xfail, strict)


def registry(endpoint: str, path: str, grow) -> Case:
    return Case(endpoint, path, grow, REGISTRY_PINNED[path])


LISTS: dict[str, Case] = {
    # Registry: pinned in tests/registry/test_query_counts.py, here at two sizes.
    "registry dashboard": registry("registry:home", "/en/", organisations),
    "registry organisations": registry("registry:organisations", "/en/organisations/", organisations),
    "registry people": registry("registry:people", "/en/people/", persons),
    "registry projects": registry("registry:projects", "/en/projects/", projects),
    "registry spaces": registry("registry:spaces", "/en/spaces/", units),
    "registry search": registry("registry:search", "/en/search/?q=HKUST", organisations),
    "API organisations": registry("api-v1:list_organisations", "/api/v1/organisations", organisations),
    "API people": registry("api-v1:list_people", "/api/v1/people", persons),
    "API projects": registry("api-v1:list_projects", "/api/v1/projects", projects),
    "API spaces": registry("api-v1:list_spaces", "/api/v1/spaces", units),
    "API patents": registry("api-v1:list_patents", "/api/v1/patents", patents),
    # One network.
    "service catalogue": Case("onestop:catalogue", "/en/services/", services_, 1),
    "service figures": Case("onestop:figures", "/en/services/figures/", decided, 4),
    "API services": Case("api-v1:list_services", "/api/v1/services", services_, 1),
    "my applications": Case("onestop:mine", "/en/my-applications/", my_applications, 10, actor="owner"),
    "API my applications": Case("api-v1:list_applications", "/api/v1/applications", my_applications, 10,
                                actor="owner"),
    "work queue: new": Case("onestop:queue", "/en/work/?tab=new", submitted, 16, actor="security"),
    "work queue: mine": Case("onestop:queue", "/en/work/?tab=mine", claimed, 16, actor="security"),
    "work queue: overdue": Case("onestop:queue", "/en/work/?tab=overdue", overdue, 16, actor="security"),
    "work queue: returned": Case("onestop:queue", "/en/work/?tab=returned", returned, 16, actor="security"),
    "work queue: decided": Case("onestop:queue", "/en/work/?tab=decided", decided, 17, actor="security"),
    "work queue: search": Case("onestop:queue", "/en/work/?q=newcomer", submitted, 17, actor="security"),
    "work queue: all, as a superuser": Case("onestop:queue", "/en/work/?tab=new", submitted, 13, actor="superuser"),
    "work queue: CSV export": Case("onestop:queue", "/en/work/?tab=new&format=csv", submitted, 16, actor="security"),
    # Passes.
    "access log": Case("passes:access_log", "/en/access-log/", scans, 14, actor="security"),
    "access log: CSV": Case("passes:access_log", "/en/access-log/?format=csv", scans, 10, actor="security"),
    # The visitor form asks once whether the host is facilities staff (who may pick any access point).
    "my visitors": Case("passes:invite_visitor", "/en/visitors/", visits, 12, actor="org_admin"),
    "gate scanner's access points": Case("passes:scanner", "/en/gate/", points, 11, actor="security"),
    # Community.
    "inbox": Case("community:inbox", "/en/inbox/", notifications, 11, actor="owner"),
    "announcements": Case("community:announcements", "/en/announcements/", announcements, 2),
    "announcements, as a publisher": Case("community:announcements", "/en/announcements/", announcements, 13,
                                          actor="data_head"),
    "events": Case("community:events", "/en/events/", events, 1),
    "interest groups": Case("community:groups", "/en/groups/", groups, 11, actor="owner"),
    # Challenges: topic solicitation.
    "challenge topics": Case("challenges:topics", "/en/topics/", published_topics, 4),
    "challenge topics, filtered": Case("challenges:topics", "/en/topics/?direction=quantum&status=published",
                                       published_topics, 5),
    "API challenge topics": Case("api-v1:list_topics", "/api/v1/topics", published_topics, 2),
    "my topics": Case("challenges:mine", "/en/my-topics/", my_topics, 10, actor="owner"),
    "topic screening queue": Case("challenges:queue", "/en/screening/topics/", submitted_topics, 10,
                                  actor="superuser"),
    # Challenges: calls, bids, the panel and reviews (growers in tests/challenges/nets_fixtures.py).
    "public challenges": Case("challenges:challenges", "/en/challenges/", nf.public_challenges, 4),
    "public challenges, filtered": Case("challenges:challenges", "/en/challenges/?direction=quantum&status=open",
                                        nf.public_challenges, 5),
    "API public challenges": Case("api-v1:list_challenges", "/api/v1/challenges", nf.public_challenges, 2),
    "a challenge with its public Q&A": Case("challenges:challenge", "/en/challenges/HT-2098-01/",
                                            nf.questions_of("HT-2098-01"), 6),
    "API a challenge's public Q&A": Case("api-v1:list_questions", "/api/v1/challenges/HT-2098-01/questions",
                                         nf.questions_of("HT-2098-01"), 6),
    "a challenge's results": Case("challenges:results", "/en/challenges/HT-2098-02/results/",
                                  nf.results_of("HT-2098-02"), 6),
    "API a challenge's results": Case("api-v1:get_results", "/api/v1/challenges/HT-2098-02/results",
                                      nf.results_of("HT-2098-02"), 6),
    "officers' challenges": Case("challenges:officer_challenges", "/en/research/challenges/", nf.officer_challenges,
                                 12, actor="research"),
    "my bids": Case("challenges:my_bids", "/en/my-bids/", nf.my_bids, 12, actor="owner"),
    "API my bids": Case("api-v1:list_my_bids", "/api/v1/bids", nf.my_bids, 9, actor="owner"),
    "officers' bids of a challenge": Case("challenges:challenge_bids", "/en/research/challenges/HT-2098-03/bids/",
                                          nf.bids_of("HT-2098-03"), 14, actor="research"),
    "officers' bids of a sealed challenge": Case(
        "challenges:challenge_bids", "/en/research/challenges/HT-2098-04/bids/", nf.bids_of("HT-2098-04", "open"), 13,
        actor="research"),
    "API officers' bids of a challenge": Case("api-v1:challenge_bids", "/api/v1/challenges/HT-2098-03/bids",
                                              nf.bids_of("HT-2098-03"), 13, actor="research"),
    "expert pool": Case("challenges:experts", "/en/research/experts/", nf.pool, 12, actor="research"),
    "API expert pool": Case("api-v1:list_experts", "/api/v1/experts", nf.pool, 10, actor="research"),
    "computed conflicts": Case("challenges:conflicts", "/en/research/challenges/HT-2098-05/conflicts/",
                               nf.conflicts_of("HT-2098-05"), 24, actor="research"),
    "API computed conflicts": Case("api-v1:list_conflicts", "/api/v1/challenges/HT-2098-05/conflicts",
                                   nf.conflicts_of("HT-2098-05"), 21, actor="research"),
    "expert's own page": Case("challenges:expert_home", "/en/expert/", nf.assignments_of("owner"), 11,
                              actor="owner"),
    "my reviews": Case("challenges:my_reviews", "/en/reviews/", nf.assignments_of("owner"), 10, actor="owner"),
    "API my reviews": Case("api-v1:my_reviews", "/api/v1/me/reviews", nf.assignments_of("owner"), 11,
                           actor="owner"),
    "API my assignments": Case("api-v1:my_assignments", "/api/v1/me/assignments", nf.assignments_of("owner"), 10,
                               actor="owner"),
    "the panel's scores and ranking": Case("challenges:panel", "/en/research/challenges/HT-2098-06/panel/",
                                           nf.reviewed_bids_of("HT-2098-06"), 20, actor="research"),
    "API ranking": Case("api-v1:get_ranking", "/api/v1/challenges/HT-2098-06/ranking",
                        nf.reviewed_bids_of("HT-2098-06"), 14, actor="research"),
    "consensus page": Case("challenges:consensus", lambda people: f"/en/consensus/{people['consensus_bid']}/",
                           nf.consensus_reviews, 21, actor="research"),
    # Accounts.
    "organisation members": Case("accounts:members", f"/en/organisations/{ORG}/members/", members, 15,
                                 actor="org_admin"),
    "partner systems": Case("accounts:clients", "/en/staff/partner-systems/", partner_systems, 11,
                            actor="data_head"),
    "my identity documents": Case("accounts:documents", "/en/account/documents/", documents, 10, actor="owner"),
    "my account": Case("accounts:home", "/en/account/", my_things, 13, actor="owner"),
    "find myself in the registry": Case("accounts:person_search", "/en/account/person/search/?q=Chan%20Extra",
                                        persons, 11, actor="owner"),
    "my data export": Case("accounts:privacy_export", "/en/account/privacy/my-data.json", my_things, 17,
                           actor="owner"),
}

# List-like URLs not measured here, each with the reason.
EXEMPT = {
    "admin:": "the back office's change lists (Django's admin; list_select_related where it shows relations)",
    "mfa_": "allauth's own pages (the account's few second factors)",
    "socialaccount_": "allauth's own pages (the account's few upstream identities)",
    "usersessions_list": "allauth's list of the account's sessions",
    "community:email_settings": "a form of my own settings, one checkbox per kind of notification",
}


def count_queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, (path, response.status_code)
    return len(ctx.captured_queries)


def _cases() -> list:
    discover = os.environ.get("HETAO_QUERY_DISCOVER")
    return [pytest.param(name, id=name, marks=[pytest.mark.xfail(strict=True, reason=case.n_plus_one)]
                         if case.n_plus_one and not discover else []) for name, case in LISTS.items()]


@pytest.mark.parametrize("name", _cases())
def test_a_list_costs_the_same_at_two_sizes(people, name):
    case = LISTS[name]
    client = Client()
    if people[case.actor] is not None:
        client.force_login(people[case.actor])
    case.grow(people, 2)
    path = case.path(people) if callable(case.path) else case.path
    client.get(path)  # the first request warms what is made once (a snapshot, my pass holder, …)
    small = count_queries(client, path)
    case.grow(people, 5)
    large = count_queries(client, path)
    if os.environ.get("HETAO_QUERY_DISCOVER"):
        print(f"\n{name}: {small} → {large} (pinned {case.pinned})")
        return
    assert large == small, f"{name}: {small} queries with a few rows, {large} with more (an N+1?)"
    assert small == case.pinned, f"{name}: {small} queries, pinned {case.pinned}"


def _operation(endpoint: str, callback):
    """The django-ninja operation behind `endpoint`, or None for a plain view."""
    for cell in getattr(callback, "__closure__", None) or ():
        path_view = cell.cell_contents
        if type(path_view).__name__ == "PathView":
            namespace = endpoint.rpartition(":")[0]
            return next((op for op in path_view.operations
                         if f"{namespace}:{getattr(op, 'url_name', None) or op.view_func.__name__}" == endpoint), None)
    return None


def _is_list(endpoint: str, callback) -> bool:
    """An API operation answering a list or a page of `items`; a view whose URL name says it lists."""
    operation = _operation(endpoint, callback)
    if operation is not None:
        model = operation.response_models.get(200)
        annotation = getattr(getattr(model, "model_fields", {}).get("response"), "annotation", None)
        return typing.get_origin(annotation) is list or "items" in getattr(annotation, "model_fields", {})
    local, view = endpoint.rpartition(":")[2], getattr(callback, "__name__", "")
    return ("list" in local or "list" in view or local.endswith(("s", "_log"))
            or local in ("queue", "inbox", "catalogue", "mine"))


def list_endpoints() -> set[str]:
    found = set()
    for route, name, callback in _patterns():
        for endpoint, methods in endpoint_methods(route, name, callback).items():
            if "GET" in methods and _is_list(endpoint, callback):
                found.add(endpoint)
    return found


def _exempt(endpoint: str) -> bool:
    return any(endpoint == key or (key[-1] in ":_" and endpoint.startswith(key)) for key in EXEMPT)


def test_every_list_is_measured():
    measured = {case.endpoint for case in LISTS.values()}
    missing = sorted(e for e in list_endpoints() if e not in measured and not _exempt(e))
    assert not missing, f"Lists without a pinned query count (add to LISTS, or to EXEMPT with the reason): {missing}"
    unused = [key for key in EXEMPT if not any(e == key or (key[-1] in ":_" and e.startswith(key))
                                               for e in list_endpoints())]
    assert not unused, f"EXEMPT entries that no longer exempt anything: {unused}"


def test_the_list_walk_sees_the_api_pages_and_the_list_views():
    found = list_endpoints()
    assert {"api-v1:list_organisations", "api-v1:list_applications", "onestop:queue", "registry:people"} <= found
    assert not {"api-v1:get_organisation", "api-v1:create_organisation", "onestop:service"} & found
