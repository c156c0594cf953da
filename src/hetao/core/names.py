"""People's names shown the way their owners write them, by script.

A Chinese (or Japanese/Korean) name reads family name first, without a space: 陳 + 小明 → 陳小明. A name in
Latin script reads given name first, as typed: Ka Yan + Chan → Ka Yan Chan. Every page, email and message
that shows a person's name goes through `display_name` (for accounts: `User.get_full_name()`).
"""

import re

# Han (with extensions and compatibility ideographs), kana and Hangul.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]")


def is_cjk(text: str) -> bool:
    return bool(_CJK.search(text or ""))


def display_name(family: str, given: str) -> str:
    family, given = (family or "").strip(), (given or "").strip()
    if not (family and given):
        return family or given
    if is_cjk(family) and is_cjk(given):
        return family + given
    if is_cjk(family) or is_cjk(given):  # mixed scripts: keep the Chinese order, a space between the scripts
        return f"{family} {given}"
    return f"{given} {family}"
