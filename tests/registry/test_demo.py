import re
from collections import Counter

import pytest
from django.core.management import call_command

from hetao.community.models import Announcement, Event, InterestGroup
from hetao.core.chinese import to_simplified
from hetao.onestop.models import Transition
from hetao.passes.models import AccessPoint
from hetao.registry import demo, demo_facts, demo_names, demo_pools, selectors
from hetao.registry.models import Building, Organisation, Park, Person, Zone

pytestmark = pytest.mark.django_db


def test_dashboard_shows_the_seed_headline_figures_computed_from_data():
    kpis = {k.key: k.value for k in selectors.dashboard_kpis()}
    assert kpis["projects"] > 160
    assert kpis["researchers"] > 15_000
    assert kpis["pct"] > 1_700
    # Exactly what the generator is sized for: new name pools must not change a figure.
    named_researchers = sum(1 for p in demo_facts.PEOPLE if p[4] != "official")
    assert kpis["projects"] == demo.TARGETS.projects + demo.TARGETS.hk_key_projects
    assert kpis["researchers"] == demo.TARGETS.researchers + named_researchers
    assert (kpis["pct"], kpis["standards_members"]) == (demo.TARGETS.pct, demo.TARGETS.standards_members)
    assert kpis["standards_orgs"] == 6
    assert (kpis["standards"], kpis["white_papers"], kpis["certified_products"]) == (138, 23, 237)
    assert kpis["standards_members"] > 1_700
    assert kpis["hk_in_hksp_branch"] == 51
    assert kpis["professional_parks"] == 13
    assert kpis["research_space"] == 370_000
    assert kpis["fortune500"] == 8 and kpis["platforms"] == 8 and kpis["pilot_platforms"] == 10
    assert kpis["hk_key_projects"] > 13 and kpis["youth_bases"] == 5


def test_kpi_follows_the_data():
    before = {k.key: k.value for k in selectors.dashboard_kpis()}["fortune500"]
    Organisation.objects.filter(pk=Organisation.objects.filter(kind="fortune500_rd").first().pk).update(
        kind="enterprise")
    assert {k.key: k.value for k in selectors.dashboard_kpis()}["fortune500"] == before - 1


def test_loading_twice_does_not_duplicate(capsys):
    people = Person.objects.count()
    call_command("load_demo_park")
    assert "already loaded" in capsys.readouterr().out
    assert Person.objects.count() == people and Zone.objects.count() == 1


def test_real_zone_in_three_languages():
    shenzhen = Organisation.objects.get(slug="cityu-futian-institute")
    assert shenzhen.parent.slug == "cityu"
    assert shenzhen.name_zh_hant == "香港城市大學深圳福田研究院"
    yu = Person.objects.get(name_en="Yu Dapeng")
    assert (yu.name_zh_hans, yu.name_zh_hant, yu.romanisation) == ("俞大鹏", "俞大鵬", "Yu Dapeng")


# ── Generated records look like the real thing (issue 8, item 25) ─────────────────────────────────────

ODD = re.compile(r"[0-9()（）\[\]【】]")
NAMED = {p[0] for p in demo_facts.PEOPLE}


def generated_organisations():
    return Organisation.objects.filter(description_en__contains=demo_pools.GENERATED_NOTE["en"])


def test_generated_people_and_organisations_have_unique_names():
    for model, rows in ((Person, Person.objects.all()), (Organisation, generated_organisations())):
        names = list(rows.values_list("name_en", "name_zh_hans"))
        english = Counter(demo_names.name_key(en) for en, _zh in names)
        chinese = Counter(zh for _en, zh in names if zh)
        assert len(names) > 1000, model
        assert english.most_common(1)[0][1] == 1, (model, english.most_common(3))
        assert chinese.most_common(1)[0][1] == 1, (model, chinese.most_common(3))


def test_generated_names_carry_no_numbers_or_brackets():
    people = Person.objects.exclude(name_en__in=NAMED).values_list("name_en", "name_zh_hans", "name_zh_hant")
    orgs = generated_organisations().values_list("name_en", "name_zh_hans", "name_zh_hant")
    odd = [names for names in [*people, *orgs] if any(ODD.search(n) for n in names)]
    assert odd == []


def test_generated_names_follow_each_region():
    def sample(region):
        return list(Person.objects.filter(region=region).exclude(name_en__in=NAMED)[:200])

    for p in sample("hong_kong"):  # "CHAN Tai-man": Traditional, surname in capitals
        assert re.fullmatch(r"[A-Z]+( [A-Z]+)? [A-Z][a-z]+(-[a-z]+)?", p.name_en), p.name_en
        assert p.name_zh_hant and p.name_zh_hans == to_simplified(p.name_zh_hant)
        assert p.romanisation == p.romanisation.title() and not re.search(r"\d", p.romanisation)
    for p in sample("mainland"):  # "Zhang Wei", Pinyin as written
        assert re.fullmatch(r"[A-Z][a-zü]+ [A-Z][a-zü']+", p.name_en), p.name_en
        assert p.romanisation == p.name_en
    for p in sample("abroad"):
        assert re.fullmatch(r"[^\W\d_][\w' .-]+", p.name_en) and not p.name_zh_hans, p.name_en
    for org in generated_organisations().filter(kind="enterprise", origin="mainland")[:200]:
        assert re.fullmatch(r"\w[\w' ]+ (Co\., Ltd\.|Corporation Limited|Group Co\., Ltd\.)", org.name_en), org.name_en
        assert org.name_zh_hans.endswith("公司") and "市" in org.name_zh_hans
    for org in generated_organisations().filter(kind="enterprise", origin="hong_kong")[:200]:
        assert org.name_en.endswith("Limited") and org.name_zh_hant.endswith("有限公司") and org.hk_br


def test_generated_names_are_the_same_for_the_same_seed():
    def draw(seed):
        maker = demo_names.NameMaker(seed)
        people = [maker.person(region) for region in ("mainland", "hong_kong", "macao", "taiwan", "abroad") * 40]
        companies = [maker.company(hong_kong=hk, in_park=True) for hk in (True, False) * 40]
        return people, companies, [maker.uscc() for _ in range(20)]

    assert draw(7) == draw(7)
    assert draw(7) != draw(8)


def test_exhausted_pools_stop_the_loader_instead_of_numbering(monkeypatch):
    monkeypatch.setattr(demo_pools, "INTERNATIONAL", {"tiny": (["Ann"], ["Lee"], False)})
    monkeypatch.setattr(demo_names, "CULTURES", ["tiny"])
    monkeypatch.setattr(demo_names, "INITIAL_CULTURES", ["tiny"])
    maker = demo_names.NameMaker(1)
    names = {maker.person("abroad").name_en for _ in range(len(demo_pools.MIDDLE_INITIALS) + 1)}
    assert "Ann Lee" in names and all(re.fullmatch(r"Ann( [A-Z]\.)? Lee", n) for n in names)
    with pytest.raises(demo_names.PoolsExhausted):
        for _ in range(len(demo_pools.MIDDLE_INITIALS)):
            maker.person("abroad")


def test_generated_identifiers_are_valid_and_realistic():
    for org in generated_organisations().exclude(uscc="")[:300]:
        org.full_clean()  # USCC check character, authority and type
    shenzhen = generated_organisations().filter(park__code="shenzhen", origin="mainland")
    assert shenzhen.filter(uscc__startswith="91440300").count() > shenzhen.count() // 2


# ── Content in three languages (issue 8, item 15) ────────────────────────────────────────────────────


@pytest.fixture
def whole_demo(capsys):
    """What `load_demo_park` adds to the registry: accounts, services, applications, gates, community content."""
    from hetao.accounts.demo import load_demo_accounts
    from hetao.onestop.demo import load_demo_applications
    from hetao.passes.demo import load_demo_passes
    from tests.conftest import ensure_departments

    ensure_departments()
    load_demo_accounts()
    call_command("import_services")
    load_demo_applications()
    load_demo_passes()
    capsys.readouterr()


def trilingual(obj, field):
    return [getattr(obj, f"{field}_{s}") for s in ("en", "zh_hans", "zh_hant")]


def test_demo_content_exists_in_three_languages(whole_demo):
    community = [*Event.objects.all(), *Announcement.objects.all(), *InterestGroup.objects.all()]
    described = [*Park.objects.all(), *Organisation.objects.exclude(description_en=""), *community]
    assert len(community) >= 6 and len(described) > 10
    unnamed_in_seeds = {o[0] for o in demo_facts.ORGANISATIONS if not o[3]}  # left empty rather than guessed
    for obj in described:
        name = "title" if hasattr(obj, "title_en") else "name"
        for field in ("description", *([] if getattr(obj, "slug", "") in unnamed_in_seeds else [name])):
            en, hans, hant = trilingual(obj, field)
            assert en and hans and hant, (obj, field)
            assert re.search(r"[\u4e00-\u9fff]", hans) and re.search(r"[\u4e00-\u9fff]", hant), (obj, field)
    for obj in [*AccessPoint.objects.all(), *Building.objects.all()[:50]]:
        assert all(trilingual(obj, "name")), obj


def test_traditional_demo_content_uses_hong_kong_wording(whole_demo):
    texts = " ".join(t for obj in [*Announcement.objects.all(), *InterestGroup.objects.all(), *Event.objects.all()]
                     for t in trilingual(obj, "title")[2:] + trilingual(obj, "description")[2:])
    for mainland_term in ("賬戶", "登錄", "機器人", "通信", "信息", "上線"):
        assert mainland_term not in texts, mainland_term
    assert Building.objects.filter(name_zh_hant__endswith="座").exists()


def test_officer_comments_in_demo_applications_are_in_the_applicants_language(whole_demo):
    comments = list(Transition.objects.exclude(comment="").values_list("comment", flat=True))
    assert comments and all(re.search(r"[\u4e00-\u9fff]", c) for c in comments)
