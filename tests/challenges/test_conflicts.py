"""Conflicts of interest computed from the registry: one test per rule, with the boundary dates, webmail, names
across scripts, officers' decisions, the expert's own declaration, and a query count that does not grow."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hetao.challenges import conflicts
from hetao.challenges.conflicts import compute, registrable_domain, years_before
from hetao.challenges.models import ConflictOverride, Declaration
from hetao.registry.models import Affiliation, Organisation, Person, Project, ProjectMember
from tests import factories

from . import builders

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture
def officer(db):
    from tests.conftest import staff_in

    return staff_in("panelofficer", "research_management")


def person(name_en="Person", **extra):
    return Person.objects.create(name_en=name_en, **extra)


def team(officer, *, lead_person=None, organisation=None, declared="", lead_email=None, members=()):
    challenge = builders.challenge(officer, code=f"HT-2026-{Person.objects.count():02d}")
    lead = factories.make_user(f"lead{Person.objects.count()}{Organisation.objects.count()}",
                               person=lead_person or person("Lead"))
    if lead_email:
        lead.email = lead_email
        lead.save(update_fields=["email"])
    bid = builders.bid(challenge, lead, organisation=organisation or factories.OrganisationFactory(),
                       members=members)
    if declared:
        bid.declared_conflicts = declared
        bid.save(update_fields=["declared_conflicts"])
    return bid


def expert(username, expert_person=None, *, email=None, user=None):
    made = builders.pool_expert(username, person=expert_person or person(username.title()), user=user)
    if email:
        made.user.email = email
        made.user.save(update_fields=["email"])
    return made


def codes(bid, made, today=TODAY):
    return [r.code for r in compute([bid], [made], today=today).get((bid.pk, made.pk), [])]


def test_no_conflict_between_strangers(officer):
    bid, made = team(officer), expert("stranger")
    assert compute([bid], [made], today=TODAY) == {}


def test_self_the_expert_is_on_the_team(officer):
    lead_person = person("Wong Ka Yan")
    bid = team(officer, lead_person=lead_person)
    assert codes(bid, expert("selfexp", lead_person, user=bid.lead)) == ["self"]
    member_person = person("Member Lee")
    member = factories.make_user("teammember", person=member_person)
    other = team(officer, members=(member,))
    assert codes(other, expert("memberexp", member_person, user=member)) == ["self"]


def test_same_org_current_and_up_to_exactly_three_years(officer):
    org = factories.OrganisationFactory(name_en="Hong Kong Science Park Co.")
    lead_person, expert_person = person("Lead A"), person("Expert A")
    Affiliation.objects.create(person=lead_person, organisation=org, role="researcher",
                               start_date=datetime.date(2015, 1, 1))
    ended = Affiliation.objects.create(person=expert_person, organisation=org, role="researcher",
                                       start_date=datetime.date(2015, 1, 1), end_date=years_before(TODAY, 3))
    bid, made = team(officer, lead_person=lead_person), expert("orgexp", expert_person)
    reasons = compute([bid], [made], today=TODAY)[(bid.pk, made.pk)]
    assert [r.code for r in reasons] == ["same_org"]
    assert "Hong Kong Science Park Co." in str(reasons[0]) and "until 2023-06" in str(reasons[0])
    ended.end_date = years_before(TODAY, 3) - datetime.timedelta(days=1)  # one day more than 3 years ago
    ended.save()
    assert codes(bid, made) == []


def test_same_org_the_bids_organisation_counts_as_current(officer):
    org = factories.OrganisationFactory()
    expert_person = person("Expert B")
    Affiliation.objects.create(person=expert_person, organisation=org, role="researcher",
                               start_date=datetime.date(2010, 1, 1), end_date=datetime.date(2024, 1, 1))
    bid = team(officer, organisation=org)
    assert codes(bid, expert("bidorg", expert_person)) == ["same_org"]


def test_parent_org_the_whole_chain_both_ways_with_the_window(officer):
    university = factories.OrganisationFactory(name_en="University")
    faculty = factories.OrganisationFactory(name_en="Faculty", parent=university)
    lab = factories.OrganisationFactory(name_en="Lab", parent=faculty)
    lead_person, expert_person = person("Lead C"), person("Expert C")
    Affiliation.objects.create(person=lead_person, organisation=lab, role="researcher",
                               start_date=datetime.date(2020, 1, 1))
    held = Affiliation.objects.create(person=expert_person, organisation=university, role="researcher",
                                      start_date=datetime.date(2010, 1, 1), end_date=years_before(TODAY, 3))
    bid, made = team(officer, lead_person=lead_person), expert("parentexp", expert_person)
    reasons = compute([bid], [made], today=TODAY)[(bid.pk, made.pk)]
    assert [r.code for r in reasons] == ["parent_org"]
    assert "University" in str(reasons[0]) and "Lab" in str(reasons[0])
    # The other way round: the expert in the lab, the team's organisation the university.
    other_expert = person("Expert D")
    Affiliation.objects.create(person=other_expert, organisation=lab, role="researcher",
                               start_date=datetime.date(2020, 1, 1))
    assert codes(team(officer, organisation=university), expert("childexp", other_expert)) == ["parent_org"]
    held.end_date = years_before(TODAY, 3) - datetime.timedelta(days=1)
    held.save()
    assert codes(bid, made) == []


def test_shared_project_within_exactly_five_years(officer):
    lead_person, expert_person = person("Lead E"), person("Expert E")
    project = factories.ProjectFactory(code="SHARED-1", title_en="Quantum sensors",
                                       start_date=datetime.date(2015, 1, 1), end_date=years_before(TODAY, 5))
    for who in (lead_person, expert_person):
        ProjectMember.objects.create(project=project, person=who)
    bid, made = team(officer, lead_person=lead_person), expert("projexp", expert_person)
    reasons = compute([bid], [made], today=TODAY)[(bid.pk, made.pk)]
    assert [r.code for r in reasons] == ["shared_project"] and "SHARED-1" in str(reasons[0])
    Project.objects.filter(pk=project.pk).update(end_date=years_before(TODAY, 5) - datetime.timedelta(days=1))
    assert codes(bid, made) == []
    Project.objects.filter(pk=project.pk).update(end_date=None)  # still running
    assert codes(bid, made) == ["shared_project"]


def test_email_domain_with_subdomains_but_not_webmail(officer):
    bid = team(officer, lead_email="lead@ee.cuhk.edu.hk")
    assert codes(bid, expert("cuhk", email="prof@cuhk.edu.hk")) == ["email_domain"]
    assert codes(bid, expert("hku", email="prof@hku.hk")) == []
    assert codes(bid, expert("edu", email="prof@other.edu.hk")) == []  # edu.hk itself is not an organisation
    webmail_bid = team(officer, lead_email="lead@qq.com")
    assert codes(webmail_bid, expert("qq", email="someone@qq.com")) == []
    assert codes(team(officer, lead_email="a@gmail.com"), expert("gm", email="b@gmail.com")) == []
    assert codes(team(officer, lead_email="a@mail.163.com"), expert("wy", email="b@163.com")) == []
    assert codes(team(officer, lead_email="a@yahoo.com.hk"), expert("yh", email="b@yahoo.com.hk")) == []


def test_registrable_domains():
    assert registrable_domain("x@ee.cuhk.edu.hk") == "cuhk.edu.hk"
    assert registrable_domain("x@mail.tsinghua.edu.cn") == "tsinghua.edu.cn"
    assert registrable_domain("x@cs.ox.ac.uk") == "ox.ac.uk"
    assert registrable_domain("x@research.huawei.com") == "huawei.com"
    assert registrable_domain("x@example.com.cn") == "example.com.cn"
    assert conflicts._is_public("x@vip.qq.com") and not conflicts._is_public("x@szu.edu.cn")


@pytest.mark.parametrize("declared", [
    "陈大文", "陳大文 (HKUST)", "Chan Tai Man", "tai man chan", "CHAN, Tai-Man", "Dr. Tai  Man Chan",
])
def test_declared_names_in_any_script_or_order(officer, declared):
    expert_person = person("Chan Tai Man", name_zh_hant="陳大文", name_zh_hans="陈大文", romanisation="Chan Tai Man",
                           region="hong_kong")
    bid = team(officer, declared=f"We worked with {declared} before.")
    assert codes(bid, expert("declared", expert_person)) == ["declared"]


def test_declared_names_do_not_match_other_people(officer):
    expert_person = person("Chan Tai Man", name_zh_hant="陳大文", romanisation="Chan Tai Man")
    bid = team(officer, declared="陈小明, Chan Siu Ming, Tai Wai")
    assert codes(bid, expert("notdeclared", expert_person)) == []


def test_declared_simplified_name_matches_traditional_text(officer):
    expert_person = person("Zhang Wei", name_zh_hans="张伟")
    bid = team(officer, declared="張偉教授")
    assert codes(bid, expert("zhang", expert_person)) == ["declared"]


def test_officer_add_lift_and_the_experts_own_declaration(officer):
    lead_person = person("Lead F")
    bid = team(officer, lead_person=lead_person)
    made = expert("selfcase", lead_person, user=bid.lead)
    stranger = expert("stranger2")
    ConflictOverride.objects.create(bid=bid, expert=stranger, effect="add", reason="Former supervisor",
                                    decided_by=officer)
    result = compute([bid], [made, stranger], today=TODAY)
    assert [r.code for r in result[(bid.pk, stranger.pk)]] == ["officer"]
    assert "Former supervisor" in str(result[(bid.pk, stranger.pk)][0])
    ConflictOverride.objects.create(bid=bid, expert=made, effect="lift", reason="Checked: a namesake",
                                    decided_by=officer)
    assert (bid.pk, made.pk) not in compute([bid], [made], today=TODAY)  # officer-lifted pairs are allowed
    run = builders.deployed_run(bid.challenge, [(bid, made)], declaration=Declaration.CONFLICT)
    run.assignments.update(conflict_reason="My former student")
    assert codes(bid, made) == ["self_declared"]  # the expert's own declaration is never lifted


def test_the_number_of_queries_does_not_grow(officer):
    def build(n):
        bids, experts = [], []
        for i in range(n):
            org = factories.OrganisationFactory()
            lead_person = person(f"Lead Q{i}")
            Affiliation.objects.create(person=lead_person, organisation=org, role="researcher",
                                       start_date=datetime.date(2020, 1, 1))
            bids.append(team(officer, lead_person=lead_person, members=(factories.make_user(f"m{n}x{i}"),)))
            expert_person = person(f"Expert Q{i}")
            Affiliation.objects.create(person=expert_person, organisation=org, role="researcher",
                                       start_date=datetime.date(2020, 1, 1))
            project = factories.ProjectFactory()
            ProjectMember.objects.create(project=project, person=expert_person)
            experts.append(expert(f"q{n}x{i}", expert_person))
        return bids, experts

    small, large = build(1), build(5)
    with CaptureQueriesContext(connection) as few:
        compute(*small, today=TODAY)
    with CaptureQueriesContext(connection) as many:
        result = compute(*large, today=TODAY)
    assert len(few) == len(many) <= 10
    assert sum(1 for reasons in result.values() if [r.code for r in reasons] == ["same_org"]) == 5
