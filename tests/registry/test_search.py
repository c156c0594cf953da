"""Search finds a record however its name or identifier is typed (issue 8, item 22)."""

import importlib
import re

import pytest
import ToJyutping
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin

from hetao.core.chinese import CANTONESE_SURNAME_READINGS, MANDARIN_SURNAME_READINGS, to_simplified, to_traditional
from hetao.registry import demo_pools, selectors
from hetao.registry.models import Organisation, Person

pytestmark = pytest.mark.django_db

TONE_NUMBER = re.compile(r"[a-z][1-6]\b", re.IGNORECASE)


def person(name_en: str, chinese: str, region: str) -> Person:
    p = Person(name_en=name_en, name_zh_hant=to_traditional(chinese), region=region)
    p.full_clean()
    p.save()
    return p


def found(q: str) -> set[int]:
    return set(selectors.person_list(q=q).values_list("pk", flat=True))


def test_a_mainland_name_is_found_in_every_script_and_romanisation(client):
    zhang = person("Zhang Wei", "张伟", "mainland")
    for q in ("zhangwei", "zhang wei", "Zhang Wei", "ZHANGWEI", "張偉", "张伟", "wei zhang", "zw"):
        assert zhang.pk in found(q), q
    response = client.get("/en/search/", {"q": "zhangwei"})
    assert zhang in response.context["result"]["people"]


def test_a_hong_kong_name_is_found_as_hong_kong_writes_it():
    chan = person("CHAN Tai-man", "陳大文", "hong_kong")
    assert chan.romanisation == "Chan Tai Man"
    for q in ("chan tai man", "chantaiman", "Chan Tai-man", "CHAN, Tai Man", "can daai man", "candaaiman",
              "陳大文", "陈大文", "chen dawen"):
        assert chan.pk in found(q), q


def test_a_latin_name_is_found_without_spaces_or_accents():
    zhong = Person(name_en="Zhong Fangxun", region="hong_kong")
    zhong.full_clean()
    zhong.save()
    garcia = Person(name_en="José García", region="abroad")
    garcia.full_clean()
    garcia.save()
    assert zhong.pk in found("zhongfangxun")
    assert garcia.pk in found("José García") and garcia.pk in found("jose garcia")


def test_a_prefix_of_an_identifier_finds_the_organisation():
    shenzhen = Organisation.objects.filter(uscc__startswith="91440300")
    assert shenzhen.exists(), "the demo registers Shenzhen companies at city level (91440300…)"
    found_orgs = set(selectors.organisation_list(q="91440300").values_list("pk", flat=True))
    assert set(shenzhen.values_list("pk", flat=True)) <= found_orgs
    for org in [*Organisation.objects.exclude(uscc="").order_by("pk")[:3],
                *Organisation.objects.exclude(hk_br="").order_by("pk")[:3]]:
        for identifier in filter(None, (org.uscc, org.hk_br)):
            for length in range(4, len(identifier) + 1):
                prefix = identifier[:length]
                for q in (prefix, prefix.lower()):
                    assert org in selectors.organisation_list(q=q), q


SURNAMES = [s for s in demo_pools.MAINLAND_SURNAMES if s not in MANDARIN_SURNAME_READINGS]
HK_SURNAMES = [s for s in demo_pools.HONG_KONG_SURNAMES if s not in CANTONESE_SURNAME_READINGS]


def expected_pinyin(surname: str, given: str) -> list[str]:
    """Computed here from pypinyin itself: the surname alone, the given name as a phrase."""
    return [*lazy_pinyin(to_simplified(surname), style=Style.NORMAL),
            *lazy_pinyin(to_simplified(given), style=Style.NORMAL)]


def expected_jyutping(surname: str, given: str) -> list[str]:
    """Toneless Jyutping from ToJyutping itself, the surname read alone."""
    return [re.sub(r"\d", "", j) for part in (surname, given)
            for _c, j in ToJyutping.get_jyutping_list(to_traditional(part))]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    hong_kong=st.booleans(),
    surname_index=st.integers(min_value=0, max_value=10_000),
    given=st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=2),
)
def test_every_romanisation_of_a_generated_name_finds_the_record(hong_kong, surname_index, given):
    if hong_kong:
        surname = HK_SURNAMES[surname_index % len(HK_SURNAMES)]
        given_name = "".join(demo_pools.HONG_KONG_GIVEN[i % len(demo_pools.HONG_KONG_GIVEN)] for i in given)
    else:
        surname = SURNAMES[surname_index % len(SURNAMES)]
        given_name = "".join(demo_pools.MAINLAND_GIVEN[i % len(demo_pools.MAINLAND_GIVEN)] for i in given)
    chinese = surname + given_name
    pinyin = expected_pinyin(surname, given_name)
    queries = [chinese, to_simplified(chinese), to_traditional(chinese), " ".join(pinyin), "".join(pinyin),
               f"{pinyin[0]} {''.join(pinyin[1:])}".title(), "".join(pinyin).upper()]
    with transaction.atomic():
        record = person("Test Person", chinese, "hong_kong" if hong_kong else "mainland")
        written = record.romanisation
        queries += [written, written.lower(), written.replace(" ", "")]
        if hong_kong:
            jyutping = expected_jyutping(surname, given_name)
            queries += [" ".join(jyutping), "".join(jyutping)]
        assert not TONE_NUMBER.search(written)
        for q in queries:
            assert record.pk in found(q), (chinese, q)
        transaction.set_rollback(True)


def test_no_romanisation_in_the_park_shows_tone_numbers(client):
    assert not Person.objects.filter(romanisation__regex=r"[A-Za-z][1-6]( |$)").exists()
    hk = Person.objects.filter(region="hong_kong").exclude(romanisation="").order_by("pk").first()
    for path in ("/en/people/?region=hong_kong", f"/en/people/{hk.pk}/", "/en/search/?q=chan"):
        html = client.get(path).content.decode()
        cells = re.findall(r'lang="und-Latn">([^<]*)<', html)
        assert cells and not any(TONE_NUMBER.search(c) for c in cells), path
    people = client.get("/api/v1/people", {"region": "hong_kong"}).json()
    items = people["items"] if isinstance(people, dict) else people
    assert items and not any(TONE_NUMBER.search(p["romanisation"]) for p in items)


def test_data_migration_upgrades_old_romanisations_and_search_text():
    migration = importlib.import_module("hetao.registry.migrations.0003_romanisation_as_written_and_search_forms")
    chan = person("CHAN Tai-man", "陳大文", "hong_kong")
    yu = person("Yu Dapeng Test", "俞大鹏", "mainland")
    typed = person("Someone Typed", "", "hong_kong")
    Person.objects.filter(pk=chan.pk).update(romanisation="can4 daai6 man4", search_text="")
    Person.objects.filter(pk=yu.pk).update(romanisation="yu da peng", search_text="")
    Person.objects.filter(pk=typed.pk).update(romanisation="ho4 ming4", search_text="")
    migration.upgrade_romanisations(apps, None)
    migration.refresh_search_text(apps, None)
    chan.refresh_from_db()
    yu.refresh_from_db()
    typed.refresh_from_db()
    assert (chan.romanisation, yu.romanisation, typed.romanisation) == ("Chan Tai Man", "Yu Dapeng", "Ho Ming")
    assert "chantaiman" in chan.search_text and "yudapeng" in yu.search_text


def test_refresh_search_text_command_recomputes_every_row(capsys):
    org = Organisation.objects.exclude(uscc="").order_by("pk").first()
    Organisation.objects.filter(pk=org.pk).update(search_text="")
    call_command("refresh_search_text")
    org.refresh_from_db()
    assert org.uscc.lower() in org.search_text
    assert "1 rows changed" in capsys.readouterr().out
