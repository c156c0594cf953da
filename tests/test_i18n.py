"""Every UI string is translated, and the catalogues are up to date with the code and templates."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = {lang: ROOT / "locale" / lang / "LC_MESSAGES" / "django.po" for lang in ("zh_Hans", "zh_Hant")}
ENTRY = re.compile(r'(?P<comments>(?:^#.*\n)*)(?:^msgctxt (?P<ctx>".*")\n)?'
                   r'^msgid (?P<id>(?:".*"\n)+)(?:^msgid_plural (?:".*"\n)+)?'
                   r'(?P<strs>(?:^msgstr(?:\[\d\])? (?:".*"\n)+)+)', re.M)


def entries(path: Path) -> dict[str, tuple[str, list[str]]]:
    found = {}
    for m in ENTRY.finditer(path.read_text(encoding="utf-8")):
        msgid = "".join(re.findall(r'"(.*)"', m["id"]))
        if m["ctx"]:  # the same words in another context are another entry
            msgid = m["ctx"].strip('"') + "\x04" + msgid
        strs = ["".join(re.findall(r'"(.*)"', block)) for block in re.split(r"^msgstr", m["strs"], flags=re.M)[1:]]
        if msgid:
            flags = " ".join(line for line in m["comments"].splitlines() if line.startswith("#,"))
            found[msgid] = (flags, strs)
    return found


@pytest.mark.parametrize("lang", CATALOGUES)
def test_every_string_is_translated_and_none_is_fuzzy(lang):
    catalogue = entries(CATALOGUES[lang])
    assert len(catalogue) > 200
    untranslated = [msgid for msgid, (flags, strs) in catalogue.items() if not all(strs) or "fuzzy" in flags]
    assert untranslated == []


@pytest.mark.parametrize("lang", CATALOGUES)
def test_placeholders_survive_translation(lang):
    for msgid, (_flags, strs) in entries(CATALOGUES[lang]).items():
        wanted = sorted(re.findall(r"%\(\w+\)[sd]", msgid))
        for text in strs:
            assert sorted(re.findall(r"%\(\w+\)[sd]", text)) == wanted, msgid


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs GNU gettext")
def test_catalogues_hold_every_string_of_the_code_and_templates(tmp_path):
    """Extract afresh in a copy of the project; nothing may appear that the catalogues lack."""
    shutil.copytree(ROOT / "src", tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "locale", tmp_path / "locale", ignore=shutil.ignore_patterns("*.mo"))
    shutil.copy(ROOT / "manage.py", tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "zh_Hans", "--no-location", "--no-obsolete",
         "--verbosity", "0"],
        cwd=tmp_path, check=True, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path / "src"),
                                       "DJANGO_SETTINGS_MODULE": "hetao.settings.dev"},
    )
    fresh = set(entries(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    missing = fresh - set(entries(CATALOGUES["zh_Hans"]))
    assert missing == set(), "run `make makemessages` and translate these"
