"""A few topics in every state, so the public list, my topics and the screening queue have something to show.

The zone "explores topic solicitation, team challenge-taking and other research-management mechanisms in line
with international practice, and released 6 challenge topics this year" (../shared/design/FACTS.md, seed 004).
The topics here are proposals of the kind that lead to such challenges, in the zone's key directions; their
wording is generated (the reports do not name the six topics). Proposers write in their own language.
"""

from decimal import Decimal

from hetao.accounts.models import User
from hetao.registry.models import KeyDirection, Organisation

from . import services
from .demo_challenges import clear_demo_challenge_calls, load_demo_challenge_calls
from .models import Topic

APPLICANT, ORG_ADMIN, REVIEWER = "applicant@example.org", "orgadmin@example.org", "reviewer@example.org"
OFFICER = "research.officer@example.org"
ORGANISATION = "hkust-sz-hk-institute"

# (proposer, organisation?, direction, titles (en, 简, 繁), problem, why, outcome, budget, currency, tags, fate)
TOPICS = [
    (ORG_ADMIN, True, "quantum", ("Error-corrected logical qubits on a cross-border testbed", "", ""),
     "Superconducting qubits in the park's labs lose coherence before useful circuits finish.",
     "Fault-tolerant quantum computing needs logical qubits that outlive their physical parts.",
     "A logical qubit with an error rate below its physical qubits', shown on shared hardware; open data.",
     "30000000", "CNY", "quantum computing, error correction", "published"),
    (APPLICANT, True, "biomedicine", ("", "", "跨境臨床樣本的合規快速通關"),
     "研究團隊在深港之間運送臨床樣本和生物試劑，通關時間長，樣本容易失效。",
     "生物醫藥研究依賴兩地樣本和數據的互通；通關延誤令合作項目進度落後。",
     "樣本由申報到通關不超過24小時；冷鏈全程可追溯；每年支援至少500批次。",
     "5000000", "HKD", "生物樣本, 跨境, 冷鏈", "published"),
    (REVIEWER, False, "big-data-ai", ("Privacy-preserving training on medical images from both sides of the "
                                      "border", "", ""),
     "Hospital data in Hong Kong and Shenzhen cannot be pooled, so models are trained on half the evidence.",
     "Diagnostic models generalise poorly across populations without cross-border data.",
     "A federated training method reaching 95% of pooled accuracy, audited for data leakage.",
     "8000000", "CNY", "federated learning, medical imaging", "published"),
    (APPLICANT, False, "big-data-ai", ("", "", "醫學影像的跨境聯邦學習"),
     "兩地醫院的影像數據不能集中，模型只能在一邊的數據上訓練。",
     "需要兩地人群的數據，診斷模型才可靠。",
     "聯邦學習方法，準確度接近集中訓練。", "", "", "聯邦學習", "merged"),
    (ORG_ADMIN, True, "integrated-circuits", ("Open chiplet interconnect for pilot-scale packaging", "", ""),
     "Start-ups in the park cannot afford proprietary chiplet interfaces for their first products.",
     "An open interface lets the pilot platforms package designs from many small teams.",
     "An interconnect specification and a test chip packaged on one of the park's pilot platforms.",
     "20000000", "CNY", "chiplets, packaging", "accepted"),
    (REVIEWER, False, "material-science", ("Recyclable solid-state battery electrolytes", "", ""),
     "Solid electrolytes are hard to separate from electrodes when cells are recycled.",
     "Safer batteries should not create a new waste problem.",
     "An electrolyte recovered at more than 90% purity in a pilot line.",
     "", "", "batteries, recycling", "submitted"),
    (APPLICANT, False, "life-science", ("", "", "舉辦一次園區聯誼晚會"),
     "園區研究人員之間缺少交流機會。", "交流可以促進合作。", "一次200人的晚會。",
     "200000", "HKD", "活動", "declined"),
    (APPLICANT, True, "energy", ("", "", "園區建築的能源數據共享平台"),
     "各棟大樓的能耗數據分散，無法比較。", "節能減排需要可比較的數據。", "（草稿，未完成）",
     "", "", "", "draft"),
]

COMMENTS = [
    (APPLICANT, 0, "我們的實驗室可以提供低溫測試時段。"),
    (REVIEWER, 0, "Please state the target logical error rate per cycle, not only relative to physical qubits."),
    (ORG_ADMIN, 1, "Cold-chain tracking would help our joint lab with HKU as well."),
]
SUPPORTS = [(APPLICANT, 0), (REVIEWER, 0), (ORG_ADMIN, 1), (REVIEWER, 1), (APPLICANT, 2), (ORG_ADMIN, 2)]


def load_demo_challenges() -> None:
    officer = User.objects.get(email=OFFICER)
    organisation = Organisation.objects.get(slug=ORGANISATION)
    made: list[Topic] = []
    for (email, with_org, direction, (en, hans, hant), problem, why, outcome, amount, currency, tags,
         fate) in TOPICS:
        proposer = User.objects.get(email=email)
        topic = services.topic_propose(
            actor=proposer, title_en=en, title_zh_hans=hans, title_zh_hant=hant, problem=problem, importance=why,
            outcome=outcome, key_direction=KeyDirection.objects.get(code=direction),
            budget_amount=Decimal(amount) if amount else None, budget_currency=currency, tags=tags,
            organisation=organisation if with_org else None)
        if fate != "draft":
            topic = services.topic_submit(actor=proposer, topic=topic)
        if fate in ("accepted", "published"):
            topic = services.topic_screen(actor=officer, topic=topic, action="accept")
        if fate == "published":
            topic = services.topic_publish(actor=officer, topic=topic)
        if fate == "merged":
            topic = services.topic_screen(actor=officer, topic=topic, action="merge", merged_into=made[2])
        if fate == "declined":
            topic = services.topic_screen(
                actor=officer, topic=topic, action="decline",
                reason="選題應為可由團隊揭榜的科研或技術問題；活動請透過「一網通辦」申請場地。"
                       "A topic should be a research or technical problem that a team can take up; please book "
                       "venues for events online.")
        made.append(topic)
    for email, index, body in COMMENTS:
        services.topic_comment(actor=User.objects.get(email=email), topic=made[index], body=body)
    for email, index in SUPPORTS:
        services.topic_support(actor=User.objects.get(email=email), topic=made[index])
    load_demo_challenge_calls()  # the six challenges of 2024, four of them from these topics


def clear_demo_challenges() -> None:
    """For `load_demo_park --reset`: the six challenges first, then the demo accounts' topics (merged ones first:
    they point at others)."""
    clear_demo_challenge_calls()
    demo = Topic.objects.filter(proposer__email__in=[APPLICANT, ORG_ADMIN, REVIEWER])
    demo.filter(merged_into__isnull=False).delete()
    demo.delete()
