"""Chinese text across scripts: conversion, search normalisation and romanisation.

Data entered in one Chinese script is shown and found in the other. Conversion uses OpenCC's Hong Kong
variants (`s2hk` / `hk2s`) because the zone's Traditional-script users are in Hong Kong.
"""

import re
import unicodedata
from functools import lru_cache

import opencc
import ToJyutping
from pypinyin import Style, lazy_pinyin

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SPACES = re.compile(r"\s+")


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
    """One comparable form for any script: NFKC, Simplified, case-folded, single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    if has_han(text):
        text = to_simplified(text)
    return _SPACES.sub(" ", text.casefold()).strip()


def pinyin(text: str) -> str:
    """Mandarin romanisation without tones, syllables separated by spaces ("yu da peng")."""
    return " ".join(s for s in lazy_pinyin(text, style=Style.NORMAL) if s.strip())


def jyutping(text: str) -> str:
    """Cantonese romanisation in Jyutping with tone numbers ("can4 daai6 man4")."""
    return " ".join(j for _char, j in ToJyutping.get_jyutping_list(to_traditional(text)) if j)


# Surnames read differently from the character's everyday reading (區 is "au1" as a surname, not "keoi1").
CANTONESE_SURNAME_READINGS = {"區": "au1", "曾": "zang1", "單": "sin6", "仇": "kau4", "解": "haai6", "樂": "lok6"}
MANDARIN_SURNAME_READINGS = {"区": "ou", "曾": "zeng", "单": "shan", "仇": "qiu", "解": "xie", "乐": "yue"}


def romanise_name(chinese_name: str, *, cantonese: bool) -> str:
    """A person's name romanised the way their region writes it: Jyutping for Hong Kong and Macao,
    Hanyu Pinyin otherwise, with the surname's own reading."""
    if not chinese_name:
        return ""
    if cantonese:
        name = to_traditional(chinese_name)
        surname = CANTONESE_SURNAME_READINGS.get(name[0])
        return " ".join(filter(None, [surname or jyutping(name[0]), jyutping(name[1:])]))
    name = to_simplified(chinese_name)
    surname = MANDARIN_SURNAME_READINGS.get(name[0])
    return " ".join(filter(None, [surname or pinyin(name[0]), pinyin(name[1:])]))
