import pytest
from hypothesis import given
from hypothesis import strategies as st

from hetao.core.chinese import (
    HONG_KONG_SURNAMES,
    hong_kong_syllable,
    name_search_forms,
    normalise_for_search,
    romanise_name,
    strip_tone_numbers,
    to_simplified,
    to_traditional,
)
from hetao.registry import demo_pools


def test_scripts_convert_both_ways_with_hong_kong_standard():
    assert to_traditional("香港科技大学") == "香港科技大學"
    assert to_simplified("香港科技大學") == "香港科技大学"
    assert to_traditional("深港科技创新合作区") == "深港科技創新合作區"


def test_search_normal_form_is_the_same_for_every_script_and_case():
    forms = {normalise_for_search(t) for t in ("香港科技大学", "香港科技大學", " 香港科技大學 ")}
    assert forms == {"香港科技大学"}
    assert normalise_for_search("HKUST") == normalise_for_search("hkust") == "hkust"
    assert normalise_for_search("ＨＫＵＳＴ") == "hkust"  # full-width letters, as typed with a Chinese IME


def test_search_normal_form_drops_punctuation_that_never_tells_names_apart():
    assert normalise_for_search("CHAN, Tai-man") == "chan tai-man"
    assert normalise_for_search("Shenzhen Boyuan Co., Ltd.") == normalise_for_search("shenzhen boyuan co ltd")
    assert normalise_for_search("安娜·施密特") == normalise_for_search("安娜施密特") == "安娜施密特"
    assert "|" not in normalise_for_search("a | b")  # "|" separates the terms of search_text


def test_names_romanised_as_people_write_them():
    assert romanise_name("俞大鹏", cantonese=False) == "Yu Dapeng"
    assert romanise_name("张伟", cantonese=False) == "Zhang Wei"
    assert romanise_name("陈大文", cantonese=True) == "Chan Tai Man"
    assert romanise_name("陳大文", cantonese=True) == "Chan Tai Man"
    assert romanise_name("李詠詩", cantonese=True) == "Lee Wing Sze"
    assert romanise_name("歐陽俊傑", cantonese=True) == "Au Yeung Chun Kit"
    assert romanise_name("司徒雅婷", cantonese=True) == "Szeto Nga Ting"
    assert romanise_name("黃子軒", cantonese=True) == "Wong Tsz Hin"
    assert romanise_name("欧阳嘉恩", cantonese=False) == "Ouyang Jia'en"
    # 區 as a surname is "Au", not the everyday "keoi"; 曾 as a surname is "zeng", not "ceng".
    assert romanise_name("区志明", cantonese=True) == "Au Chi Ming"
    assert romanise_name("曾志明", cantonese=False) == "Zeng Zhiming"
    assert romanise_name("Anna", cantonese=False) == ""


def test_hong_kong_spelling_of_jyutping_syllables():
    spelt = {jp: hong_kong_syllable(jp) for jp in
             ("can4", "daai6", "man4", "zoeng1", "heoi2", "gwok3", "jyu5", "syun1", "ngaa5", "ng4", "gaa1", "hou6")}
    assert spelt == {"can4": "chan", "daai6": "tai", "man4": "man", "zoeng1": "cheung", "heoi2": "hui",
                     "gwok3": "kwok", "jyu5": "yu", "syun1": "suen", "ngaa5": "nga", "ng4": "ng", "gaa1": "ka",
                     "hou6": "ho"}


def test_tone_numbers_never_shown():
    assert strip_tone_numbers("can4 daai6 man4") == "Can Daai Man"
    assert strip_tone_numbers("zhang1 wei3") == "Zhang Wei"
    assert strip_tone_numbers("Chan Tai Man") == "Chan Tai Man"


def test_search_forms_of_a_hong_kong_name():
    forms = name_search_forms("陳大文", cantonese=True)
    for typed in ("chan tai man", "chantaiman", "chan tai-man", "can daai man", "candaaiman", "chen da wen",
                  "chendawen"):
        assert typed in forms
    assert not any(ch.isdigit() for form in forms for ch in form)


def test_search_forms_of_a_pinyin_name_with_u_umlaut():
    forms = name_search_forms("吕嘉恩", cantonese=False)
    assert {"lü jia en", "lvjiaen", "lujiaen", "lyujiaen", "lje"} <= set(forms)


@pytest.mark.parametrize("surname", [*demo_pools.HONG_KONG_SURNAMES, *demo_pools.HONG_KONG_COMPOUND_SURNAMES])
def test_every_demo_hong_kong_surname_has_its_hong_kong_spelling(surname):
    assert surname in HONG_KONG_SURNAMES


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=12))
def test_romanisation_and_search_forms_never_fail(text):
    for cantonese in (False, True):
        assert isinstance(romanise_name(text, cantonese=cantonese), str)
        assert all(isinstance(f, str) for f in name_search_forms(text, cantonese=cantonese))
    assert isinstance(normalise_for_search(text), str)


@given(st.text(alphabet=demo_pools.HONG_KONG_SURNAMES + demo_pools.MAINLAND_GIVEN + "吕女欧阳", min_size=2, max_size=4),
       st.booleans())
def test_search_forms_are_already_in_the_search_normal_form(name, cantonese):
    # registry/search_text.py stores them without normalising again.
    for form in name_search_forms(name, cantonese=cantonese):
        assert normalise_for_search(form) == form
