"""Chinese text across scripts: conversion, search normalisation and romanisation.

Data entered in one Chinese script is shown and found in the other. Conversion uses OpenCC's Hong Kong
variants (`s2hk` / `hk2s`) because the zone's Traditional-script users are in Hong Kong.

Names are romanised as people write them: Hanyu Pinyin without tones for the Mainland ("Yu Dapeng") and
the Hong Kong government's Cantonese spelling for Hong Kong and Macao ("Chan Tai Man"), derived from
Jyutping. `name_search_forms` lists every way a name is typed into a search box (joined, spaced, initials,
toneless Jyutping), so a search finds the person however it was written.
"""

import re
import unicodedata
from functools import cache, lru_cache

import opencc
import ToJyutping
from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SPACES = re.compile(r"\s+")
# Punctuation that separates words and never distinguishes one name from another ("Co., Ltd.", "CHAN, Tai Man",
# "Xi'an"); "|" separates the terms of `search_text`, so it is never part of a term.
_SEPARATORS = re.compile(r"[,.;:!?()\[\]{}<>\"'`|\u3001\u3002\u300c-\u3011\u2018\u2019\u201c\u201d]")
# Middle dots join the parts of a transliterated name ("安娜·施密特") and are often left out when typing.
_MIDDLE_DOTS = re.compile(r"[\u00b7\u2022\u2027\u30fb\uff65]")


@lru_cache(maxsize=4)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def has_han(text: str) -> bool:
    return bool(_HAN.search(text or ""))


def to_traditional(text: str) -> str:
    """Simplified → Traditional (Hong Kong standard)."""
    return _converter("s2hk").convert(text) if text else text


def to_simplified(text: str) -> str:
    """Traditional (any standard) → Simplified."""
    return _converter("hk2s").convert(text) if text else text


def normalise_for_search(text: str) -> str:
    """One comparable form for any script: NFKC, Simplified, case-folded, punctuation as spaces, single spaces."""
    if not text:
        return ""
    if not text.isascii():  # ASCII is its own NFKC form and has no Han characters
        text = unicodedata.normalize("NFKC", text)
        if has_han(text):
            text = to_simplified(text)
        text = _MIDDLE_DOTS.sub("", text)
    text = _SEPARATORS.sub(" ", text.casefold())
    return _SPACES.sub(" ", text).strip()


def pinyin(text: str) -> str:
    """Mandarin romanisation without tones, syllables separated by spaces ("yu da peng")."""
    return " ".join(s for s in lazy_pinyin(text, style=Style.NORMAL) if s.strip())


def jyutping(text: str) -> str:
    """Cantonese romanisation in Jyutping with tone numbers ("can4 daai6 man4")."""
    return " ".join(j for _char, j in ToJyutping.get_jyutping_list(to_traditional(text)) if j)


# ── Names ─────────────────────────────────────────────────────────────────────────────────────────

COMPOUND_SURNAMES = {
    "欧阳", "司徒", "上官", "诸葛", "司马", "东方", "夏侯", "慕容", "公孙", "令狐", "皇甫", "尉迟", "长孙", "宇文",
    "端木", "轩辕", "钟离", "澹台", "西门", "南宫", "独孤", "万俟", "单于", "呼延", "闻人", "申屠",
}
# Surnames read differently from the character's everyday reading (區 is "au1" as a surname, not "keoi1").
CANTONESE_SURNAME_READINGS = {"區": "au1", "曾": "zang1", "單": "sin6", "仇": "kau4", "解": "haai6", "樂": "lok6",
                              "查": "caa4", "覃": "cam4", "翟": "zaak6", "朴": "piu4", "尉遲": "wat1 ci4"}
MANDARIN_SURNAME_READINGS = {"区": "ou", "曾": "zeng", "单": "shan", "仇": "qiu", "解": "xie", "乐": "yue",
                             "查": "zha", "覃": "qin", "翟": "zhai", "朴": "piao", "盖": "ge", "缪": "miao",
                             "长孙": "zhang sun", "尉迟": "yu chi", "万俟": "mo qi", "单于": "chan yu",
                             "秘": "bi", "种": "chong", "员": "yun", "繁": "po", "句": "gou", "尉": "yu"}
# How Hong Kong spells its surnames (Hong Kong Government Cantonese Romanisation, as on identity cards).
HONG_KONG_SURNAMES = {
    "陳": "Chan", "李": "Lee", "張": "Cheung", "黃": "Wong", "王": "Wong", "劉": "Lau", "林": "Lam", "吳": "Ng",
    "何": "Ho", "梁": "Leung", "鄭": "Cheng", "楊": "Yeung", "周": "Chow", "許": "Hui", "鄧": "Tang",
    "馮": "Fung", "曾": "Tsang", "羅": "Law", "謝": "Tse", "蔡": "Choi", "麥": "Mak", "葉": "Yip", "郭": "Kwok",
    "朱": "Chu", "余": "Yu", "盧": "Lo", "蘇": "So", "潘": "Poon", "鍾": "Chung", "彭": "Pang", "唐": "Tong",
    "袁": "Yuen", "徐": "Tsui", "區": "Au", "孔": "Hung", "江": "Kong", "雷": "Lui", "侯": "Hau", "龍": "Lung",
    "譚": "Tam", "莫": "Mok", "文": "Man", "方": "Fong", "關": "Kwan", "鄺": "Kwong", "姚": "Yiu", "馬": "Ma",
    "胡": "Wu", "高": "Ko", "杜": "To", "伍": "Ng", "岑": "Shum", "石": "Shek", "蕭": "Siu", "程": "Ching",
    "趙": "Chiu", "溫": "Wan", "黎": "Lai", "古": "Koo", "廖": "Liu", "陸": "Luk", "韋": "Wai", "范": "Fan",
    "戴": "Tai", "湯": "Tong", "顧": "Koo", "嚴": "Yim", "甘": "Kam", "孫": "Suen", "邱": "Yau", "傅": "Fu",
    "鄒": "Chau", "莊": "Chong", "邵": "Shiu", "施": "Sze", "沈": "Shum", "冼": "Sin", "薛": "Sit", "尹": "Wan",
    "金": "Kam", "簡": "Kan", "龔": "Kung", "葛": "Kot", "賴": "Lai", "呂": "Lui", "顏": "Ngan", "魏": "Ngai",
    "柯": "Or", "鮑": "Pau", "丁": "Ting", "陶": "To", "曹": "Tso", "崔": "Tsui", "田": "Tin", "董": "Tung",
    "屈": "Wat", "游": "Yau", "丘": "Yau", "俞": "Yu", "阮": "Yuen", "容": "Yung", "翁": "Yung", "歐": "Au",
    "蔣": "Cheung", "錢": "Chin", "秦": "Chun", "卓": "Cheuk", "霍": "Fok", "樊": "Fan", "賀": "Ho", "洪": "Hung",
    "熊": "Hung", "向": "Heung", "香": "Heung", "姜": "Keung", "梅": "Mui", "毛": "Mo", "倪": "Ngai", "聶": "Nip",
    "史": "Sze", "宋": "Sung", "單": "Sin", "仇": "Kau", "解": "Hai", "樂": "Lok", "萬": "Man", "韓": "Hon",
    "饒": "Yiu", "連": "Lin", "凌": "Ling", "駱": "Lok", "魯": "Lo", "路": "Lo", "殷": "Yan", "任": "Yam",
    "歐陽": "Au Yeung", "司徒": "Szeto", "上官": "Sheung Kwun", "諸葛": "Chu Kot", "司馬": "Sze Ma",
    "東方": "Tung Fong", "夏侯": "Ha Hau", "慕容": "Mo Yung", "公孫": "Kung Suen", "皇甫": "Wong Po",
}
# Jyutping → Hong Kong spelling, by initial, by final, and for whole syllables Hong Kong spells its own way.
_JYUTPING_INITIALS = ("ng", "gw", "kw", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "w", "z", "c", "s",
                      "j")
_HK_INITIALS = {"b": "p", "d": "t", "g": "k", "gw": "kw", "z": "ch", "c": "ch", "j": "y"}
_HK_FINALS = {"aa": "a", "aai": "ai", "aau": "au", "aam": "am", "aan": "an", "aang": "ang", "aap": "ap",
              "aat": "at", "aak": "ak", "ou": "o", "oeng": "eung", "oek": "euk", "eoi": "ui", "eon": "un",
              "eot": "ut", "yu": "u", "yun": "uen", "yut": "uet"}
_HK_SYLLABLES = {"zi2": "tsz", "si": "sze", "zi": "chi", "ci": "chi", "syu": "shu", "seon": "shun", "sing": "shing",
                 "sam": "sum", "saan": "shan", "sek": "shek", "soeng": "sheung", "waa": "wah", "fun": "foon",
                 "gun": "koon", "pun": "poon", "bun": "poon"}
_TONE = re.compile(r"(?<=[a-z])[1-6]\b", re.IGNORECASE)
_OPEN_SYLLABLE = re.compile(r"^[aoe]")


@lru_cache(maxsize=4096)
def hong_kong_syllable(jyutping_syllable: str) -> str:
    """One Jyutping syllable (with or without its tone) spelt the Hong Kong way: "can4" → "chan"."""
    toned = jyutping_syllable.lower()
    syllable = _TONE.sub("", toned)
    if spelt := _HK_SYLLABLES.get(toned) or _HK_SYLLABLES.get(syllable):
        return spelt
    if syllable in ("m", "ng"):  # syllabic nasals: 唔, 吳
        return syllable
    initial = next((i for i in _JYUTPING_INITIALS if syllable.startswith(i) and len(syllable) > len(i)), "")
    final = syllable[len(initial):]
    return _HK_INITIALS.get(initial, initial) + _HK_FINALS.get(final, final)


def strip_tone_numbers(romanisation: str) -> str:
    """A romanisation typed with Jyutping or Pinyin tone numbers ("can4 man4"), as people write it ("Can Man")."""
    if not _TONE.search(romanisation or ""):
        return romanisation
    return " ".join(word.capitalize() for word in _TONE.sub("", romanisation).split())


def _split_name(name: str) -> tuple[str, str]:
    """Surname and given name of a Chinese name in Simplified characters."""
    surname = name[:2] if len(name) > 2 and name[:2] in COMPOUND_SURNAMES else name[:1]
    return surname, name[len(surname):]


def _is_chinese_name(name: str) -> bool:
    return 2 <= len(name) <= 5 and all(_HAN.match(ch) for ch in name)


def _unknown_readings(chars: str) -> list[str]:
    """One "?" for each character without a reading (pypinyin takes a list from its `errors` callback)."""
    return ["?"] * len(chars)


def _lazy_pinyin(text: str) -> list[str]:
    # pypinyin's stub types the `errors` callback as returning str; its converter also takes a list (one per char).
    return lazy_pinyin(text, style=Style.NORMAL, v_to_u=True, errors=_unknown_readings)  # type: ignore[arg-type]


@cache
def _char_pinyin(char: str) -> str:
    return _lazy_pinyin(char)[0]


@lru_cache(maxsize=65536)
def _pinyin_syllables(text: str) -> tuple[str, ...]:
    # pypinyin reads a phrase it knows as a phrase (朝阳 "zhao yang") and any other character alone; asking it
    # only for known phrases gives the same readings many times faster (the demo romanises 15,000 names).
    if len(text) <= 2 and text not in PHRASES_DICT:
        return tuple(_char_pinyin(ch) for ch in text)
    return tuple(_lazy_pinyin(text))


@lru_cache(maxsize=65536)
def _jyutping_syllables(text: str) -> tuple[str, ...]:
    return tuple(j or "?" for _char, j in ToJyutping.get_jyutping_list(text))


@cache
def _is_simplified_char(char: str) -> bool:
    return to_simplified(char) == char


@lru_cache(maxsize=65536)
def name_scripts(chinese_name: str) -> tuple[str, str]:
    """A Chinese name in Simplified and in Traditional characters (Hong Kong standard), without spaces."""
    name = (chinese_name or "").replace(" ", "")
    # A name none of whose characters changes is already Simplified (most are): skip converting it whole.
    simplified = name if all(_is_simplified_char(ch) for ch in name) else to_simplified(name)
    return simplified, to_traditional(simplified)


@lru_cache(maxsize=65536)
def name_syllables(chinese_name: str, *, cantonese: bool) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(surname, given name) syllables in Pinyin, or in Jyutping with tones when `cantonese`, each surname read
    as a surname; None when the text is not a Chinese personal name or has a character without a reading."""
    name, traditional = name_scripts(chinese_name)
    if not _is_chinese_name(name):
        return None
    surname, given = _split_name(name)
    if cantonese:
        surname_hk, given_hk = traditional[:len(surname)], traditional[len(surname):]
        reading = CANTONESE_SURNAME_READINGS.get(surname_hk)
        parts = (tuple(reading.split()) if reading else _jyutping_syllables(surname_hk), _jyutping_syllables(given_hk))
    else:
        reading = MANDARIN_SURNAME_READINGS.get(surname)
        parts = (tuple(reading.split()) if reading else _pinyin_syllables(surname), _pinyin_syllables(given))
    if any(s == "?" for part in parts for s in part):
        return None
    return parts


def _join_pinyin(syllables: tuple[str, ...]) -> str:
    """Pinyin syllables of one word, with the apostrophe before a syllable that opens with a vowel ("Jia'en")."""
    word = "".join(s if i == 0 or not _OPEN_SYLLABLE.match(s) else f"'{s}" for i, s in enumerate(syllables))
    return word.capitalize()


def romanised_parts(chinese_name: str, *, cantonese: bool) -> tuple[str, list[str]] | None:
    """The surname and the given name's syllables as people write them: ("Chan", ["Tai", "Man"]) in Hong Kong,
    ("Yu", ["Dapeng"]) in Pinyin; None when the name cannot be romanised."""
    parts = name_syllables(chinese_name, cantonese=cantonese)
    if parts is None:
        return None
    surname, given = parts
    if cantonese:
        spelt = HONG_KONG_SURNAMES.get(name_scripts(chinese_name)[1][:len(surname)])
        return (spelt or " ".join(hong_kong_syllable(s).capitalize() for s in surname),
                [hong_kong_syllable(s).capitalize() for s in given])
    return _join_pinyin(surname), [_join_pinyin(given)] if given else []


def romanise_name(chinese_name: str, *, cantonese: bool) -> str:
    """A person's name romanised the way their region writes it: the Hong Kong spelling for Hong Kong and Macao
    ("Chan Tai Man"), Hanyu Pinyin without tones otherwise ("Yu Dapeng"); "" when it cannot be."""
    parts = romanised_parts(chinese_name, cantonese=cantonese)
    return " ".join([parts[0], *parts[1]]) if parts else ""


def name_search_forms(chinese_name: str, *, cantonese: bool) -> list[str]:
    """Every romanisation a searcher may type for a Chinese name, spaced and joined ("zhang wei", "zhangwei") and
    its Pinyin initials ("zw"); for Hong Kong and Macao also toneless Jyutping ("can daai man") and the Hong Kong
    spelling ("chan tai man", "chantaiman", "chan tai-man"). A search matches each typed word anywhere in these,
    so "chan taiman" and "dapeng yu" need no form of their own."""
    forms: list[str] = []

    def add(syllables: list[str]) -> None:
        forms.extend([" ".join(syllables), "".join(syllables)])

    if pinyin_parts := name_syllables(chinese_name, cantonese=False):
        syllables = [*pinyin_parts[0], *pinyin_parts[1]]
        for u in ("ü", "v", "u", "yu") if "ü" in "".join(syllables) else ("ü",):
            add([s.replace("ü", u) for s in syllables])
        forms.append("".join(s[0] for s in syllables))
    if cantonese and (jyutping_parts := name_syllables(chinese_name, cantonese=True)):
        add([_TONE.sub("", s) for s in (*jyutping_parts[0], *jyutping_parts[1])])
    if cantonese and (hong_kong_parts := romanised_parts(chinese_name, cantonese=True)):
        surname, given = hong_kong_parts
        add([*surname.lower().split(), *(s.lower() for s in given)])
        forms.append(f"{surname.lower()} {'-'.join(given).lower()}")
    return list(dict.fromkeys(forms))
