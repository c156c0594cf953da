import pytest
from django.core.management import call_command

from hetao.registry import selectors
from hetao.registry.models import Organisation, Person, Zone

pytestmark = pytest.mark.django_db


def test_dashboard_shows_the_seed_headline_figures_computed_from_data():
    kpis = {k.key: k.value for k in selectors.dashboard_kpis()}
    assert kpis["projects"] > 160
    assert kpis["researchers"] > 15_000
    assert kpis["pct"] > 1_700
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
    assert (yu.name_zh_hans, yu.name_zh_hant, yu.romanisation) == ("俞大鹏", "俞大鵬", "yu da peng")
