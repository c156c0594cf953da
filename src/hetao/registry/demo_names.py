"""Unique, plausible names and identifiers for the demo's generated people and organisations.

Every draw combines pools (demo_pools.py) and is refused when its English or Chinese name is already taken, so no
two generated records share a full name; when a pool keeps colliding its last dimension is used (a middle
initial for international names) and, beyond that, the loader stops with a message instead of numbering names.
Names come from their own random stream (seeded from the demo's seed): the same seed, the same names.
"""

import random
import re
from bisect import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from typing import TypeVar

from pypinyin import Style, lazy_pinyin

from hetao.core.chinese import name_scripts, name_syllables, romanised_parts, to_simplified, to_traditional
from hetao.core.validators import USCC_ALPHABET, uscc_check_character

from . import demo_pools as pools

ATTEMPTS = 400  # draws before a pool counts as exhausted (at scale 1 a draw collides a few times in a hundred)
_NAME_KEY = re.compile(r"[\s\-'.]+")

T = TypeVar("T")


class PoolsExhausted(RuntimeError):
    pass


@dataclass(frozen=True)
class PersonName:
    name_en: str
    name_zh_hans: str = ""
    name_zh_hant: str = ""
    romanisation: str = ""


@dataclass(frozen=True)
class CompanyName:
    name_en: str
    name_zh_hans: str
    name_zh_hant: str
    description_en: str
    description_zh_hans: str
    description_zh_hant: str
    region_code: str = "440300"


Name = TypeVar("Name", PersonName, CompanyName)


def name_key(name: str) -> str:
    """Names that differ only in case, spaces, hyphens or apostrophes are the same name."""
    return _NAME_KEY.sub("", name.casefold())


def _weighted(items: Sequence[T], weights: Sequence[float]) -> tuple[Sequence[T], list[float]]:
    cumulative: list[float] = list(accumulate(weights))
    return items, cumulative


def _frequency_weights(n: int) -> list[float]:
    """Common surnames first: weight falls with rank, as surname frequencies do."""
    return [1.0 / (rank + 8) for rank in range(n)]


MAINLAND_SURNAMES = _weighted(
    [*pools.MAINLAND_SURNAMES, *pools.MAINLAND_COMPOUND_SURNAMES],
    [*_frequency_weights(len(pools.MAINLAND_SURNAMES)), *[0.002] * len(pools.MAINLAND_COMPOUND_SURNAMES)])
HONG_KONG_SURNAMES = _weighted(
    [*pools.HONG_KONG_SURNAMES, *pools.HONG_KONG_COMPOUND_SURNAMES],
    [*_frequency_weights(len(pools.HONG_KONG_SURNAMES)), *[0.003] * len(pools.HONG_KONG_COMPOUND_SURNAMES)])
CITIES = _weighted(pools.MAINLAND_CITIES, [c[3] for c in pools.MAINLAND_CITIES])
MAINLAND_FORMS = _weighted(pools.MAINLAND_LEGAL_FORMS, [f[2] for f in pools.MAINLAND_LEGAL_FORMS])
HK_FORMS = _weighted(pools.HK_LEGAL_FORMS, [f[2] for f in pools.HK_LEGAL_FORMS])
CULTURES = list(pools.INTERNATIONAL)
INITIAL_CULTURES = [c for c in CULTURES if not pools.INTERNATIONAL[c][2] and c not in ("arabic", "indian")]


@cache
def _pinyin_word(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.NORMAL)).capitalize()


@cache
def _traditional(text: str) -> str:
    return to_traditional(text)


def _gb11714_check(body8: str) -> str:
    """Check character of a 9-character organisation code (GB 11714), the 9th-17th characters of a USCC."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum((int(ch) if ch.isdigit() else ord(ch) - 55) * w for ch, w in zip(body8, weights, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _unreadable(name: str) -> ValueError:
    return ValueError(f"The demo's name pools hold a character without a reading: {name}")


def _romanised(name: str, *, cantonese: bool) -> tuple[str, list[str]]:
    """romanised_parts() of a name drawn from the pools, every character of which has a reading."""
    parts = romanised_parts(name, cantonese=cantonese)
    if parts is None:
        raise _unreadable(name)
    return parts


class NameMaker:
    def __init__(self, seed: int, taken_people: Iterable[tuple[str, str]] = ()) -> None:
        self.rng = random.Random(seed)
        self.taken: set[str] = set()
        self.identifiers: set[str] = set()
        for en, zh in taken_people:
            self.taken.update(k for k in (name_key(en), to_simplified(zh)) if k)

    def _pick(self, weighted: tuple[Sequence[T], list[float]]) -> T:
        items, cumulative = weighted
        return items[bisect(cumulative, self.rng.random() * cumulative[-1])]

    def _unique(self, *draws: Callable[[], Name | None]) -> Name:
        """The first draw whose names are all free; each later draw function is the pool's next dimension.
        A draw answers None when its Chinese name is already taken (before romanising it, which costs more)."""
        for draw in draws:
            for _ in range(ATTEMPTS):
                name = draw()
                if name is None:
                    continue
                keys = [k for k in (name_key(name.name_en), name.name_zh_hans) if k]
                if not any(k in self.taken for k in keys):
                    self.taken.update(keys)
                    return name
        raise PoolsExhausted("The demo's name pools are exhausted at this scale: add a pool dimension "
                             "(registry/demo_pools.py) rather than numbering names.")

    # ── People ─────────────────────────────────────────────────────────────────

    def person(self, region: str) -> PersonName:
        if region in ("hong_kong", "macao"):
            return self._unique(lambda: self._cantonese(macao=region == "macao"))
        if region == "mainland":
            return self._unique(self._mainland)
        if region == "taiwan":
            return self._unique(self._taiwan)
        return self._unique(self._international, self._international_with_initial)

    def _given(self, pool: str, lengths: tuple[int, ...]) -> str:
        return "".join(self.rng.choice(pool) for _ in range(self.rng.choice(lengths)))

    def _mainland(self) -> PersonName | None:
        zh = self._pick(MAINLAND_SURNAMES) + self._given(pools.MAINLAND_GIVEN, (1, 2, 2, 2))
        if zh in self.taken:
            return None
        surname, given = _romanised(zh, cantonese=False)
        en = " ".join([surname, *given])  # "Zhang Wei", "Ouyang Jia'en"
        return PersonName(en, zh, name_scripts(zh)[1], en)

    def _taiwan(self) -> PersonName | None:
        """Traditional characters; the given name's syllables hyphenated, as Taiwan writes names ("Lin Wei-ting")."""
        hans = self._pick(MAINLAND_SURNAMES) + self._given(pools.MAINLAND_GIVEN, (2,))
        if hans in self.taken:
            return None
        zh = name_scripts(hans)[1]
        syllables = name_syllables(zh, cantonese=False)
        if syllables is None:
            raise _unreadable(zh)
        surname, given = syllables
        en = f"{''.join(surname).capitalize()} {'-'.join(given).capitalize()}"
        written_surname, written_given = _romanised(zh, cantonese=False)
        return PersonName(en, hans, zh, " ".join([written_surname, *written_given]))

    def _cantonese(self, *, macao: bool) -> PersonName | None:
        """Hong Kong writes "CHAN Tai-man", Macao "CHAN Tai Man"; the romanisation shows "Chan Tai Man"."""
        zh = self._pick(HONG_KONG_SURNAMES) + self._given(pools.HONG_KONG_GIVEN, (2, 2, 2, 2, 1))
        hans = name_scripts(zh)[0]
        if hans in self.taken:
            return None
        surname, given = _romanised(zh, cantonese=True)
        given_en = " ".join(given) if macao else "-".join(given).capitalize()
        return PersonName(f"{surname.upper()} {given_en}", hans, zh, " ".join([surname, *given]))

    def _international(self, initial: bool = False) -> PersonName:
        culture = self.rng.choice(INITIAL_CULTURES if initial else CULTURES)
        given_names, family_names, family_first = pools.INTERNATIONAL[culture]
        given, family = self.rng.choice(given_names), self.rng.choice(family_names)
        if initial:
            given = f"{given} {self.rng.choice(pools.MIDDLE_INITIALS)}."
        return PersonName(f"{family} {given}" if family_first else f"{given} {family}")

    def _international_with_initial(self) -> PersonName:
        return self._international(initial=True)

    # ── Companies ──────────────────────────────────────────────────────────────

    def company(self, *, hong_kong: bool, in_park: bool) -> CompanyName:
        return self._unique(self._hong_kong_company if hong_kong else lambda: self._mainland_company(in_park))

    def _mainland_company(self, in_park: bool) -> CompanyName:
        shenzhen = pools.MAINLAND_CITIES[0]
        city_zh, city_en, region, _w = shenzhen if in_park and self.rng.random() < 0.85 else self._pick(CITIES)
        head, tail = self.rng.choice(pools.BRAND_HEADS), self.rng.choice(pools.BRAND_TAILS)
        industry_hans, industry_hant, industry_en, line = self.rng.choice(pools.INDUSTRIES)
        form_zh, form_en, _w = self._pick(MAINLAND_FORMS)
        zh = f"{city_zh}市{head}{tail}{industry_hans}{form_zh}"
        return CompanyName(
            name_en=f"{city_en} {_pinyin_word(head + tail)} {industry_en} {form_en}", name_zh_hans=zh,
            name_zh_hant=_traditional(zh),
            description_en=f"Works in {line}; registered in {city_en}. {pools.GENERATED_NOTE['en']}",
            description_zh_hans=f"从事{industry_hans}领域业务，注册于{city_zh}。{pools.GENERATED_NOTE['zh_hans']}",
            description_zh_hant=f"從事{industry_hant}領域業務，註冊於{_traditional(city_zh)}。"
                                f"{pools.GENERATED_NOTE['zh_hant']}",
            region_code=region)

    def _hong_kong_company(self) -> CompanyName:
        (head_en, head_zh), (tail_en, tail_zh) = self.rng.choice(pools.HK_BRAND_HEADS), self.rng.choice(
            pools.HK_BRAND_TAILS)
        industry_hans, industry_hant, industry_en, line = self.rng.choice(pools.INDUSTRIES)
        form_zh, form_en, _w = self._pick(HK_FORMS)
        prefixed = self.rng.random() < 0.25
        zh = f"{'香港' if prefixed else ''}{head_zh}{tail_zh}{industry_hant}{form_zh}"
        return CompanyName(
            name_en=f"{'Hong Kong ' if prefixed else ''}{head_en}{tail_en} {industry_en} {form_en}",
            name_zh_hans=to_simplified(zh), name_zh_hant=zh,
            description_en=f"Works in {line}; registered in Hong Kong. {pools.GENERATED_NOTE['en']}",
            description_zh_hans=f"从事{industry_hans}领域业务，注册于香港。{pools.GENERATED_NOTE['zh_hans']}",
            description_zh_hant=f"從事{industry_hant}領域業務，註冊於香港。{pools.GENERATED_NOTE['zh_hant']}")

    # ── Identifiers ────────────────────────────────────────────────────────────

    def _new(self, make: Callable[[], str]) -> str:
        while (value := make()) in self.identifiers:
            pass
        self.identifiers.add(value)
        return value

    def uscc(self, region_code: str = "440300", *, institution: bool = False) -> str:
        """A Unified Social Credit Code as issued: enterprises (91) since 2015 carry an organisation code "MA…",
        older ones eight digits; private non-enterprise units (52) "MJ…"; the region is where it registered."""
        def make() -> str:
            if institution:
                body = "MJ" + "".join(self.rng.choice(USCC_ALPHABET) for _ in range(6))
            elif self.rng.random() < 0.7:
                body = "MA5" + "".join(self.rng.choice(USCC_ALPHABET) for _ in range(5))
            else:
                body = "".join(self.rng.choice("0123456789") for _ in range(8))
            first17 = ("52" if institution else "91") + region_code + body + _gb11714_check(body)
            return first17 + uscc_check_character(first17)
        return self._new(make)

    def hk_br(self) -> str:
        return self._new(lambda: f"{self.rng.randrange(10_000_000, 80_000_000):08d}")
