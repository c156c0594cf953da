"""Affinity of an expert for a bid: TF-IDF cosine similarity of their texts, for Chinese and English alike.

Chinese has no spaces: Han text is converted to Simplified (so Traditional and Simplified match) and cut into
character bigrams (a run of one character is kept as it is). Latin text is lower-cased and cut into words, common
words left out, a plural "s" dropped. An expert's text is their disciplines and keywords (counted twice: what
they declare matters most) and the titles and descriptions of their registry projects; a bid's text is its
summary, approach and work plan and its challenge's title and problem. Scores are 0…1, rounded to 6 places,
the same for the same data whatever the order of the rows.

Queries: the bids' challenges and the experts' projects, two queries whatever the number of rows.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from hetao.core.chinese import to_simplified

__all__ = ["STOP_WORDS", "bid_text", "scores", "similarity", "tokens"]

_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z0-9][a-z0-9+#\-]*[a-z0-9+#]|[a-z]")
_STOP_TEXT = """
a about above after again against all also am an and any are as at be because been before being below between
both but by can could did do does doing down during each few for from further had has have having he her here hers
him his how i if in into is it its itself just me more most my no nor not of off on once only or other our ours
out over own same she should so some such than that the their theirs them then there these they this those through
to too under until up very was we were what when where which while who whom why will with would you your yours
using use used based new work plan month months year years within via per etc e g ie eg
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
# Han function characters that carry no topic on their own (bigrams that contain one are still kept).
_HAN_STOP = frozenset("的了和与及或在是为对将把被等之其")


def tokens(text: str) -> list[str]:
    """The terms of a text: Han character bigrams (in Simplified) and Latin words."""
    if not text:
        return []
    text = to_simplified(text)
    terms: list[str] = []
    for run in _HAN_RUN.findall(text):
        if len(run) == 1:
            if run not in _HAN_STOP:
                terms.append(run)
            continue
        terms.extend(run[i:i + 2] for i in range(len(run) - 1))
    latin = _HAN_RUN.sub(" ", text).lower()
    for word in _WORD.findall(latin):
        if word in STOP_WORDS or len(word) < 2:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        terms.append(word)
    return terms


def bid_text(bid: Any) -> str:
    challenge = bid.challenge
    return "\n".join([bid.summary, bid.approach, bid.work_plan, challenge.title_en, challenge.title_zh_hans,
                      challenge.title_zh_hant, challenge.problem])


def _expert_texts(experts: list[Any]) -> dict[int, str]:
    from hetao.registry.models import ProjectMember

    by_person: dict[int, list[str]] = defaultdict(list)
    rows = (ProjectMember.objects.filter(person_id__in={e.person_id for e in experts})
            .values_list("person_id", "project__title_en", "project__title_zh_hans", "project__title_zh_hant",
                         "project__description_en", "project__description_zh_hans", "project__description_zh_hant")
            .order_by("person_id", "project_id"))
    for person_id, *values in rows:
        by_person[person_id].extend(t for t in values if t)
    texts: dict[int, str] = {}
    for expert in experts:
        declared = f"{expert.disciplines}\n{expert.keywords}"
        texts[expert.pk] = "\n".join([declared, declared, *by_person.get(expert.person_id, [])])
    return texts


def _vectors(documents: dict[Any, list[str]]) -> dict[Any, dict[str, float]]:
    """Unit TF-IDF vectors (sub-linear tf, smoothed idf) over the given documents."""
    n = len(documents)
    df: Counter[str] = Counter()
    for terms in documents.values():
        df.update(set(terms))
    vectors = {}
    for key, terms in documents.items():
        counts = Counter(terms)
        vector = {t: (1 + math.log(c)) * (math.log((1 + n) / (1 + df[t])) + 1) for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vector.values()))
        vectors[key] = {t: v / norm for t, v in vector.items()} if norm else {}
    return vectors


def similarity(left: dict[str, float], right: dict[str, float]) -> float:
    if len(left) > len(right):
        left, right = right, left
    return sum(v * right.get(t, 0.0) for t, v in sorted(left.items()))


def scores(bids: Iterable[Any], experts: Iterable[Any]) -> dict[tuple[int, int], float]:
    """{(bid id, expert id): affinity 0…1} for every pair (bids need their challenge: select_related it)."""
    bids, experts = list(bids), list(experts)
    if not bids or not experts:
        return {}
    documents: dict[tuple[str, int], list[str]] = {("bid", b.pk): tokens(bid_text(b)) for b in bids}
    for pk, text in _expert_texts(experts).items():
        documents[("expert", pk)] = tokens(text)
    vectors = _vectors(dict(sorted(documents.items())))
    result = {}
    for bid in bids:
        left = vectors[("bid", bid.pk)]
        for expert in experts:
            value = similarity(left, vectors[("expert", expert.pk)])
            result[(bid.pk, expert.pk)] = round(min(1.0, max(0.0, value)), 6)
    return result
