"""What a registry record is found by: its `search_text`, derived from its fields.

`search_text` holds every name, alias, identifier and romanisation of a record in one normalised form
(hetao.core.chinese.normalise_for_search), terms joined by " | ". A search matches each typed word anywhere in
it, so a prefix of an identifier ("91440300") or a name typed without spaces ("zhangwei") finds the record.

The functions read plain fields only, so a data migration can use them on historical models; the models call
them on save (`SearchableModel.refresh_search_text`) and the demo loader before each bulk insert.
`manage.py refresh_search_text` recomputes every row after the derivation changes.
"""

import re
import unicodedata
from collections.abc import Iterable

from hetao.core.chinese import name_search_forms, normalise_for_search

CANTONESE_REGIONS = frozenset({"hong_kong", "macao"})
SEARCHABLE = ("organisation", "person", "project")
_JOINERS = re.compile(r"[\s\-'’.]+")


def _trilingual(obj, field: str) -> list[str]:
    return [getattr(obj, f"{field}_{suffix}") for suffix in ("en", "zh_hans", "zh_hant")]


def organisation_terms(org) -> list[str]:
    aliases = [a.strip() for a in (org.aliases or "").splitlines()]
    return [*_trilingual(org, "name"), *aliases, org.uscc, org.hk_br]


def _without_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def person_terms(person) -> list[str]:
    name_en = person.name_en or ""
    # "Zhong Fangxun" typed as "zhongfangxun", "José García" as "jose garcia".
    latin = [_JOINERS.sub("", name_en), _without_accents(name_en)]
    return [*_trilingual(person, "name"), person.romanisation, *latin, person.orcid]


def person_forms(person) -> list[str]:
    """Romanisations of the Chinese name, already in the normal form (lowercase Latin letters)."""
    chinese = person.name_zh_hant or person.name_zh_hans
    return name_search_forms(chinese, cantonese=person.region in CANTONESE_REGIONS)


def project_terms(project) -> list[str]:
    return [*_trilingual(project, "title"), project.code]


TERMS = {"organisation": organisation_terms, "person": person_terms, "project": project_terms}
NORMAL_FORMS = {"person": person_forms}  # terms that need no normalising (the demo derives 15,000 per scale)


def search_text(obj) -> str:
    model = obj._meta.model_name
    terms = [normalise_for_search(term) for term in TERMS[model](obj) if term]
    forms = NORMAL_FORMS[model](obj) if model in NORMAL_FORMS else []
    return " | ".join(dict.fromkeys(t for t in [*terms, *forms] if t))


def refresh_all(models: Iterable, *, batch: int = 2000) -> int:
    """Recompute `search_text` of every row of `models` (current or historical); returns the rows changed.
    Reads in primary-key order one batch at a time, so memory stays flat whatever the size of the park."""
    changed = 0
    for model in models:
        last = 0
        while rows := list(model.objects.filter(pk__gt=last).order_by("pk")[:batch]):
            last = rows[-1].pk
            stale = []
            for obj in rows:
                text = search_text(obj)
                if text != obj.search_text:
                    obj.search_text = text
                    stale.append(obj)
            if stale:
                changed += model.objects.bulk_update(stale, ["search_text"])
    return changed
