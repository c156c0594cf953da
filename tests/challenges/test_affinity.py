"""Affinity: TF-IDF over Chinese character bigrams (Simplified and Traditional alike) and English words."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hetao.challenges.affinity import scores, tokens
from hetao.registry.models import ProjectMember
from tests import factories

from . import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(db):
    from tests.conftest import staff_in

    return staff_in("affinityofficer", "research_management")


def a_bid(officer, *, summary, approach="", work_plan="", code="HT-2026-01"):
    challenge = builders.challenge(officer, code=code, title_en="", title_zh_hans="", title_zh_hant="", problem="")
    made = builders.bid(challenge, factories.make_user(f"lead{code[-2:]}"))
    made.summary, made.approach, made.work_plan = summary, approach, work_plan
    made.save()
    return made


def test_tokens_cut_chinese_into_simplified_bigrams_and_english_into_words():
    assert tokens("量子糾錯") == ["量子", "子纠", "纠错"]
    assert tokens("The Qubits and the decoders") == ["qubit", "decoder"]


def test_a_chinese_bid_matches_a_chinese_keyword_expert_better(officer):
    bid = a_bid(officer, summary="基于超导量子芯片的表面码量子纠错，实时解码。", approach="量子比特阵列与纠错解码器。")
    quantum = builders.pool_expert("quantum", disciplines="量子计算", keywords="量子纠错, 超导量子比特")
    medicine = builders.pool_expert("medicine", disciplines="临床医学", keywords="肿瘤免疫, 药物临床试验")
    result = scores([bid], [quantum, medicine])
    assert result[(bid.pk, quantum.pk)] > 0.2 > result[(bid.pk, medicine.pk)]
    assert all(0 <= value <= 1 for value in result.values())


def test_traditional_and_simplified_match(officer):
    bid = a_bid(officer, summary="量子糾錯與超導量子位元的實時解碼。")
    simplified = builders.pool_expert("simplified", disciplines="量子纠错", keywords="超导量子, 实时解码")
    other = builders.pool_expert("other", disciplines="海洋生态", keywords="珊瑚礁")
    result = scores([bid], [simplified, other])
    assert result[(bid.pk, simplified.pk)] > 0.2 and result[(bid.pk, other.pk)] == 0


def test_english_and_registry_projects_count(officer):
    bid = a_bid(officer, summary="A surface code logical qubit with real-time decoding on superconducting chips.")
    physicist = builders.pool_expert("phys", disciplines="physics", keywords="")
    ProjectMember.objects.create(person=physicist.person, project=factories.ProjectFactory(
        title_en="Real-time decoding of surface code qubits", description_en="Superconducting logical qubits."))
    chemist = builders.pool_expert("chem", disciplines="organic chemistry", keywords="catalysis, polymers")
    result = scores([bid], [physicist, chemist])
    assert result[(bid.pk, physicist.pk)] > 0.2 > result[(bid.pk, chemist.pk)]
    assert scores([bid], [chemist, physicist]) == result  # deterministic whatever the order


def test_queries_do_not_grow(officer):
    bids = [a_bid(officer, summary=f"量子 {i}", code=f"HT-2026-{i:02d}") for i in range(4)]
    experts = [builders.pool_expert(f"e{i}") for i in range(4)]
    for made in bids:
        made.challenge  # noqa: B018 — the bids carry their challenge, as the selectors give them
    with CaptureQueriesContext(connection) as one:
        scores(bids[:1], experts[:1])
    with CaptureQueriesContext(connection) as four:
        scores(bids, experts)
    assert len(one) == len(four) == 1
