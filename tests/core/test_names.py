"""People's names by script: 陳小明 (family name first, unspaced), Ka Yan Chan (given name first), everywhere."""

import pytest
from django.contrib.auth import get_user_model

from hetao.core.names import display_name, is_cjk


@pytest.mark.parametrize(("family", "given", "shown"), [
    ("陳", "小明", "陳小明"),
    ("欧阳", "娜娜", "欧阳娜娜"),
    ("Chan", "Ka Yan", "Ka Yan Chan"),
    ("van der Berg", "Anna", "Anna van der Berg"),
    ("陳", "Ka Yan", "陳 Ka Yan"),
    ("", "小明", "小明"),
    ("Chan", "", "Chan"),
    ("  陳 ", " 小明 ", "陳小明"),
    ("", "", ""),
])
def test_display_name_orders_by_script(family, given, shown):
    assert display_name(family, given) == shown


def test_cjk_detection_covers_kana_and_hangul_but_not_latin():
    assert is_cjk("山田") and is_cjk("やまだ") and is_cjk("김") and not is_cjk("Zoë")


@pytest.mark.django_db
def test_an_account_shows_its_name_by_script_everywhere(client):
    from allauth.account.utils import user_display

    user = get_user_model().objects.create_user("xm", "xm@example.org", "pw-names-12345", first_name="小明",
                                                last_name="陳")
    assert user.get_full_name() == str(user) == user.display_name == user_display(user) == "陳小明"
    latin = get_user_model().objects.create_user("ky", "ky@example.org", "pw-names-12345", first_name="Ka Yan",
                                                 last_name="Chan")
    assert str(latin) == user_display(latin) == "Ka Yan Chan"
    nameless = get_user_model().objects.create_user("nn", "nn@example.org", "pw-names-12345")
    assert str(nameless) == "nn@example.org"
    client.force_login(user)
    page = client.get("/zh-hant/account/").content.decode()
    assert "陳小明" in page and "小明 陳" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "first"), [("zh-hant", "last_name"), ("zh-hans", "last_name"),
                                                 ("en", "first_name")])
def test_forms_ask_for_the_family_name_first_on_chinese_pages(client, language, first):
    signup = client.get(f"/{language}/accounts/signup/")
    names = [name for name in signup.context["form"].fields if name in ("first_name", "last_name")]
    assert names[0] == first and list(signup.context["form"].fields)[0] == "email"
    client.force_login(get_user_model().objects.create_user("fo", "fo@example.org", "pw-names-12345"))
    profile = client.get(f"/{language}/account/profile/")
    assert list(profile.context["form"].fields)[0] == first
