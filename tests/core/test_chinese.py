from hetao.core.chinese import normalise_for_search, romanise_name, to_simplified, to_traditional


def test_scripts_convert_both_ways_with_hong_kong_standard():
    assert to_traditional("香港科技大学") == "香港科技大學"
    assert to_simplified("香港科技大學") == "香港科技大学"
    assert to_traditional("深港科技创新合作区") == "深港科技創新合作區"


def test_search_normal_form_is_the_same_for_every_script_and_case():
    forms = {normalise_for_search(t) for t in ("香港科技大学", "香港科技大學", " 香港科技大學 ")}
    assert forms == {"香港科技大学"}
    assert normalise_for_search("HKUST") == normalise_for_search("hkust") == "hkust"
    assert normalise_for_search("ＨＫＵＳＴ") == "hkust"  # full-width letters, as typed with a Chinese IME


def test_names_romanised_by_region():
    assert romanise_name("俞大鹏", cantonese=False) == "yu da peng"
    assert romanise_name("陈大文", cantonese=True) == "can4 daai6 man4"
    # 區 as a surname is "au", not the everyday "keoi".
    assert romanise_name("区志明", cantonese=True).startswith("au1 ")
    assert romanise_name("曾志明", cantonese=False).startswith("zeng ")
