"""The six challenges of 2024 in the demo park, one or more in every phase, through the services of each part.

The zone "released 6 challenge topics this year" (2024; ../shared/design/FACTS.md, seed 004), but the reports do
not name them: the six problems below are written for the demo, each in one of the zone's key directions (the
registry's KeyDirection codes), four of them grown from the demo topics (provenance kept). Every name of a person
below is invented; organisations are the registry's.

    HT-2024-01  embodied intelligence   awarded   two winners (Award rows), one bid out below a threshold
    HT-2024-02  integrated circuits     defence   consensus final for two bids; one bid flagged (scores spread)
    HT-2024-03  biomedicine (HKD)       review    blind; assignment deployed; reviews drafted and submitted;
                                                  one expert declared a conflict
    HT-2024-04  quantum                 open      sealed: two bids submitted, one draft; a public Q&A
    HT-2024-05  big data and AI         open      sealed: two bids submitted, one draft with an invitation pending
    HT-2024-06  low-altitude economy    draft

A pool of 12 experts (Hong Kong, Macao, Mainland, abroad; academia and industry), each a registry person with an
account (password DEMO_PASSWORD), and registry data that make computed conflicts appear: an expert of the same
organisation as a team (now, or within 3 years), an expert of a team's parent organisation (HKUST and its
Shenzhen-Hong Kong institute), and an expert who shares a registry project with a team lead.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hetao.accounts.demo import DEMO_PASSWORD
from hetao.accounts.models import Membership, User
from hetao.core.db import save_clean
from hetao.registry.models import Affiliation, KeyDirection, Organisation, Person, Project, ProjectMember

from .models import (
    Assignment,
    AssignmentRun,
    Award,
    Bid,
    Challenge,
    ChallengeQuestion,
    Clarification,
    ConflictOverride,
    Consensus,
    Defence,
    Expert,
    Review,
    Topic,
)

OFFICER = "research.officer@example.org"
APPLICANT = "applicant@example.org"
REVIEWER = "reviewer@example.org"
CODES = [f"HT-2024-{n:02d}" for n in range(1, 7)]
# Each demo account of a team or an expert has its organisation's email domain (under the reserved `.example`
# top-level domain): one shared domain would put every expert in conflict with every team (same email domain).

# ── People: teams and experts ────────────────────────────────────────────────────────────────────────────────
# email, first name, last name, language, English name, Chinese name, region, organisation slug ("" = none),
# affiliation role, affiliation start, affiliation end (None = current)


@dataclass(frozen=True)
class DemoPerson:
    email: str
    first: str
    last: str
    language: str
    name_en: str
    name_zh: str
    region: str
    organisation: str
    role: str = "researcher"
    start: datetime.date = datetime.date(2020, 9, 1)
    end: datetime.date | None = None
    earlier: tuple[str, datetime.date, datetime.date] | None = None  # a past affiliation: slug, start, end


TEAM_PEOPLE = [
    # The demo applicant (an account of accounts/demo.py) gets a registry person here.
    DemoPerson(APPLICANT, "Ka Yan", "Chan", "zh-hant", "Chan Ka Yan", "陈嘉欣", "hong_kong",
               "hkust-sz-hk-institute", "pi", datetime.date(2021, 3, 1)),
    DemoPerson("lam.wingsze@cityu-futian.example", "Wing Sze", "Lam", "zh-hant", "Lam Wing Sze", "林咏诗",
               "hong_kong", "cityu-futian-institute", "pi", datetime.date(2020, 7, 1)),
    DemoPerson("zhao.yuting@idea.example", "Yuting", "Zhao", "zh-hans", "Zhao Yuting", "赵雨婷", "mainland",
               "idea", "researcher", datetime.date(2021, 9, 1)),
    DemoPerson("ho.chikeung@polyu-futian.example", "Chi Keung", "Ho", "zh-hant", "Ho Chi Keung", "何志强",
               "hong_kong", "polyu-futian-institute", "pi", datetime.date(2019, 10, 1)),
    DemoPerson("sun.hao@kunyun.example", "Hao", "Sun", "zh-hans", "Sun Hao", "孙浩", "mainland", "kunyun",
               "engineer", datetime.date(2020, 4, 1)),
    DemoPerson("li.jiaqi@future-robotics.example", "Jiaqi", "Li", "zh-hans", "Li Jiaqi", "李佳琪", "mainland",
               "future-robotics", "engineer", datetime.date(2022, 2, 1)),
    DemoPerson("tang.kawai@cuhk-sz-hk.example", "Ka Wai", "Tang", "en", "Tang Ka Wai", "邓嘉伟", "hong_kong",
               "cuhk-sz-hk-innovation-institute", "researcher", datetime.date(2023, 1, 1)),
]

# Experts: the person, then disciplines, keywords, languages, sector.
EXPERTS: list[tuple[DemoPerson, str, str, str, str]] = [
    (DemoPerson(REVIEWER, "Anna", "Schmidt", "en", "Anna Schmidt", "", "abroad", ""),
     "medical imaging, machine learning, data privacy", "federated learning, MRI, differential privacy",
     "en", "academia"),
    (DemoPerson("wong.siuming@hkust.example", "Siu Ming", "Wong", "zh-hant", "Wong Siu Ming", "黄兆明",
                "hong_kong", "hkust", "pi", datetime.date(2012, 8, 1)),
     "microelectronics, advanced packaging, chip design", "chiplet, interconnect, SerDes, 芯粒, 封装",
     "zh-hant,en", "academia"),
    (DemoPerson("cheung.wailun@cuhk.example", "Wai Lun", "Cheung", "zh-hant", "Cheung Wai Lun", "张伟伦",
                "hong_kong", "cuhk-sz-hk-innovation-institute", "pi", datetime.date(2018, 1, 1)),
     "robotics, tactile sensing, medical robots", "dexterous manipulation, grasping, 机器人, 触觉",
     "zh-hant,en", "academia"),
    (DemoPerson("leung.meiling@towngas.example", "Mei Ling", "Leung", "zh-hant", "Leung Mei Ling", "梁美玲",
                "hong_kong", "towngas-energy-institute", "engineer", datetime.date(2017, 5, 1)),
     "cold chain, IoT sensors, logistics", "temperature logging, traceability, 冷链, 物联网",
     "zh-hant,en", "industry"),
    (DemoPerson("lei.chihou@biobank-macao.example", "Chi Hou", "Lei", "zh-hant", "Lei Chi Hou", "李志豪", "macao",
                ""),
     "clinical laboratory science, biobanking, microbiology", "sample stability, biobank, 样本, 临床检验",
     "zh-hant,en", "academia"),
    (DemoPerson("zhang.hua@siqa.example", "Hua", "Zhang", "zh-hans", "Zhang Hua", "张华", "mainland",
                "quantum-institute", "pi", datetime.date(2019, 6, 1)),
     "quantum computing, superconducting circuits", "qubit, surface code, error correction, 量子纠错",
     "zh-hans,en", "academia"),
    (DemoPerson("liu.yang@xtalpi.example", "Yang", "Liu", "zh-hans", "Liu Yang", "刘洋", "mainland", "xtalpi",
                "engineer", datetime.date(2020, 3, 1)),
     "laboratory automation, drug discovery, machine learning", "robotic lab, automation, 自动化, 药物发现",
     "zh-hans,en", "industry"),
    (DemoPerson("chen.jing@united-imaging.example", "Jing", "Chen", "zh-hans", "Chen Jing", "陈静", "mainland",
                "united-imaging", "engineer", datetime.date(2018, 7, 1)),
     "medical imaging, deep learning, clinical data", "MRI, segmentation, 医学影像, 联邦学习",
     "zh-hans,en", "industry"),
    (DemoPerson("wang.fang@cityu-futian.example", "Fang", "Wang", "zh-hans", "Wang Fang", "王芳", "mainland",
                "cityu-futian-institute", "researcher", datetime.date(2021, 1, 1)),
     "materials science, sensors, electron microscopy", "tactile sensor, flexible electronics, 传感器, 材料",
     "zh-hans,en", "academia"),
    # Left Kunyun in June 2024: still a conflict with a Kunyun team for three years (affiliation history).
    (DemoPerson("huang.zhiqiang@gba-bigdata.example", "Zhiqiang", "Huang", "zh-hans", "Huang Zhiqiang", "黄志强",
                "mainland", "gba-big-data-institute", "engineer", datetime.date(2024, 7, 1),
                earlier=("kunyun", datetime.date(2019, 3, 1), datetime.date(2024, 6, 30))),
     "AI chips, compilers, computer architecture", "dataflow, accelerator, chiplet, 芯片, 编译器",
     "zh-hans,en", "industry"),
    (DemoPerson("david.miller@apple-lab.example", "David", "Miller", "en", "David Miller", "", "abroad",
                "apple-lab", "engineer", datetime.date(2024, 4, 1)),
     "embedded systems, robotics, manufacturing automation", "assembly, motion control, machine vision",
     "en", "industry"),
    (DemoPerson("sofia.rossi@polimi.example", "Sofia", "Rossi", "en", "Sofia Rossi", "", "abroad", ""),
     "cryptography, distributed systems, data privacy", "secure aggregation, federated learning, audit",
     "en", "academia"),
]

# Shared registry project (within 5 years) between a team lead and an expert: a computed conflict.
SHARED_PROJECT = ("ho.chikeung@polyu-futian.example", "chen.jing@united-imaging.example")

# ── The six challenges ───────────────────────────────────────────────────────────────────────────────────────

RUBRIC = [
    # English, 简体, 繁體, description (one language: written in Chinese, as the Shenzhen Park's officers do), weight,
    # threshold
    ("Technical merit", "技术水平", "技術水平",
     "技术路线是否可靠、有无创新，能否回应榜单提出的问题。", 40, "6"),
    ("Feasibility of the plan", "方案可行性", "方案可行性",
     "工作计划、里程碑和资源能否在实施期限内完成交付成果。", 30,
     "5"),
    ("Value for money", "经费合理性", "經費合理性",
     "各项预算是否必要、定价是否合理。", 20, "0"),
    ("Benefit to the zone", "对合作区的带动作用", "對合作區的帶動作用",
     "成果能否服务深港两地的团队、平台和用户。", 10, "0"),
]
ELIGIBILITY = [("registered_entity", ""), ("budget_within_ceiling", ""), ("conflicts_declared", "")]


@dataclass
class DemoChallenge:
    code: str
    direction: str
    titles: tuple[str, str, str]
    description: tuple[str, str, str]
    problem: str
    deliverables: str
    indicators: str
    ceiling: str
    currency: str
    months: int
    phase: str  # draft, open, review, defence, awarded
    topics: tuple[str, ...] = ()  # English or Chinese titles of demo topics it grew from
    capability: str = ""
    closes_in_days: int = 0  # negative: the deadline has passed


CHALLENGES = [
    DemoChallenge(
        "HT-2024-01", "embodied-intelligence",
        ("Dexterous robot hands for pilot-line assembly of precision parts", "面向中试线精密装配的灵巧机器人手",
         "面向中試線精密裝配的靈巧機械人手"),
        ("A robot hand that inserts flexible and precise parts on the park's pilot lines.",
         "在园区中试线上完成柔性与精密零件插装的机器人手。", "在園區中試線上完成柔性與精密零件插裝的機械人手。"),
        "The park's pilot platforms still assemble connectors, sensors and small optics by hand: today's grippers "
        "cannot insert flexible parts, and teaching them a new part takes weeks of programming.",
        "A dexterous hand with tactile sensing and a learning controller, integrated on a cell of the Embodied "
        "Intelligence Robot Pilot Platform; an open data set of at least 10,000 recorded insertions.",
        "Insertion success of at least 99% on 20 part types, 5 of them flexible; a new part taught in under 2 "
        "hours; cycle time within 1.2 times a skilled worker's.",
        "10000000", "CNY", 24, "awarded",
        capability="Access to a robot cell for integration tests during the project.", closes_in_days=-200),
    DemoChallenge(
        "HT-2024-02", "integrated-circuits",
        ("An open chiplet interconnect and test chip for pilot-scale packaging",
         "面向中试规模封装的开放芯粒互连与测试芯片", "面向中試規模封裝的開放芯粒互連與測試晶片"),
        ("An open die-to-die interface the park's chip start-ups can all use.",
         "园区芯片初创企业都能使用的开放芯粒互连接口。", "園區晶片初創企業都能使用的開放芯粒互連介面。"),
        "Start-ups in the park design AI and sensor chips but cannot afford proprietary die-to-die interfaces, so "
        "each first product is one large die with a poor yield.",
        "An interconnect specification compatible with UCIe at the physical layer, a reference PHY and controller, "
        "and a test chip of two dies packaged on one of the park's pilot platforms.",
        "At least 16 Gb/s per lane; at most 0.5 pJ/bit; bit error rate at most 1e-15; dies of two independent "
        "teams working together in one package.",
        "20000000", "CNY", 30, "defence", topics=("Open chiplet interconnect for pilot-scale packaging",),
        capability="Access to a multi-project wafer run and a packaging line (the team's own or a partner's).",
        closes_in_days=-75),
    DemoChallenge(
        "HT-2024-03", "biomedicine",
        ("Traceable cold chain for clinical samples crossing between Shenzhen and Hong Kong",
         "深港跨境临床样本的可追溯冷链", "深港跨境臨床樣本的可追溯冷鏈"),
        ("Clinical samples that cross the river on time, at the right temperature, with every hand-over recorded.",
         "临床样本按时、恒温过河，每次交接都有记录。", "臨床樣本按時、恒溫過河，每次交接都有記錄。"),
        "Joint studies move blood, tissue and reagents between hospitals in Hong Kong and laboratories in the "
        "Shenzhen Park. Samples wait at the boundary, temperature records are kept on paper, and degraded samples "
        "are found only at the bench.",
        "A sealed container with sensors and a data service that records temperature, location and custody from "
        "collection to bench, shared with the authorities of both sides under their data rules; a pilot on at "
        "least 500 consignments.",
        "Temperature logged every minute to within 0.5 °C; no gap in custody; median door-to-bench time of at most "
        "24 hours; every excursion alerted within 5 minutes.",
        "6000000", "HKD", 18, "review", topics=("跨境臨床樣本的合規快速通關",), closes_in_days=-20),
    DemoChallenge(
        "HT-2024-04", "quantum",
        ("Error-corrected logical qubits on a shared superconducting testbed", "共享超导测试平台上的纠错逻辑量子比特",
         "共享超導測試平台上的糾錯邏輯量子位元"),
        ("A logical qubit that outlives its physical qubits, on hardware the park's labs share.",
         "在园区实验室共享的硬件上，实现寿命超过物理比特的逻辑量子比特。",
         "在園區實驗室共享的硬件上，實現壽命超過物理位元的邏輯量子位元。"),
        "Superconducting qubits in the park's labs lose coherence before useful circuits finish; fault-tolerant "
        "computing needs logical qubits that outlive their physical parts.",
        "A logical qubit encoded in a surface code of distance 5 or more on the shared testbed, with real-time "
        "decoding; the calibration and decoding software released as open source.",
        "A logical error rate per cycle below the best physical qubit's; at least 100 rounds of error correction; "
        "the result reproduced by a second team on the testbed.",
        "30000000", "CNY", 36, "open", topics=("Error-corrected logical qubits on a cross-border testbed",),
        capability="A plan for fabrication: the team's own line or booked time on a shared one.",
        closes_in_days=21),
    DemoChallenge(
        "HT-2024-05", "big-data-ai",
        ("Privacy-preserving training on medical images from both sides of the river", "两地医学影像的隐私保护联合训练",
         "兩地醫學影像的私隱保護聯合訓練"),
        ("Diagnostic models trained on both sides' images, without the images leaving their hospitals.",
         "用两地影像训练诊断模型，影像不出医院。", "用兩地影像訓練診斷模型，影像不出醫院。"),
        "Hospitals in Hong Kong and Shenzhen cannot pool patient images, so diagnostic models are trained on one "
        "population and generalise poorly to the other.",
        "A federated training framework running at two or more hospitals on each side, a model for one diagnostic "
        "task trained with it, and a leakage audit by an independent party.",
        "At least 95% of the accuracy of a model trained on pooled data; no raw image or patient identifier leaves "
        "a hospital; membership-inference advantage of at most 0.05.",
        "8000000", "CNY", 24, "open",
        topics=("Privacy-preserving training on medical images from both sides of the border",), closes_in_days=35),
    DemoChallenge(
        "HT-2024-06", "low-altitude",
        ("Low-altitude drone corridors for urgent cross-boundary deliveries", "跨境紧急物资的低空无人机航路",
         "跨境緊急物資的低空無人機航道"),
        ("Drones that carry urgent medical supplies between the two parks in minutes.",
         "无人机在几分钟内于两个园区之间运送紧急医疗物资。", "無人機在幾分鐘內於兩個園區之間運送緊急醫療物資。"),
        "Urgent medical supplies between the two parks travel by road through the ports; drones could cross in "
        "minutes, but there is no shared way to plan, approve and monitor their flights.",
        "A corridor design, a flight management service that follows both sides' airspace rules, and 200 trial "
        "flights.",
        "At least 99.5% of flights completed; delivery within 15 minutes door to door; every flight tracked and "
        "reported to both sides in real time.",
        "12000000", "CNY", 24, "draft", closes_in_days=60),
]


# ── Bids ─────────────────────────────────────────────────────────────────────────────────────────────────────


@dataclass
class DemoBid:
    challenge: str
    lead: str
    team_name: str
    organisation: str  # registry slug, or "" with entity_to_register
    summary: str
    approach: str
    lines: list[tuple[str, str, str]]  # category, description, amount
    entity_to_register: str = ""
    members: tuple[str, ...] = ()  # park accounts, confirmed
    invite: tuple[str, str] | None = None  # (email, name): invited, not yet confirmed
    fate: str = "submitted"  # draft or submitted
    quality: int = 7  # what the demo reviewers score it, around this (0–10)
    spread: bool = False  # reviewers disagree (the consensus flags it)
    consensus: str = "final"  # final, draft, none
    outcome: str = ""  # winner (with the amount), out, not_awarded
    amount: str = ""
    milestones: list[tuple[str, int, str]] = field(default_factory=list)


def _plan(months: int) -> list[tuple[str, int, str]]:
    third = max(1, months // 3)
    return [("Design and specification review", third,
             "A design report reviewed by the challenge's officer; the test plan agreed."),
            ("Prototype and first tests", 2 * third, "A working prototype; test results against each indicator."),
            ("Pilot and acceptance", months,
             "Acceptance tests on every indicator, witnessed; data and code handed over.")]


BIDS = [
    # HT-2024-01 — awarded
    DemoBid("HT-2024-01", "li.jiaqi@future-robotics.example", "Tactile Assembly Lab", "future-robotics",
            "A four-finger hand with fingertip tactile arrays and a controller that learns insertion from twenty "
            "demonstrations, integrated on the pilot platform's cell.",
            "Vision-tactile fusion estimates part pose to 0.05 mm; a compliant wrist absorbs misalignment; the policy "
            "is trained in simulation and refined on the cell with recorded demonstrations.",
            [("personnel", "Six engineers for 24 months", "3600000"), ("equipment", "Two hands and a test cell",
                                                                        "1800000"),
             ("materials", "Parts and fixtures for 20 part types", "400000")],
            quality=9, outcome="winner", amount="5800000"),
    DemoBid("HT-2024-01", APPLICANT, "港深靈巧操作聯合團隊", "hkust-sz-hk-institute",
            "以低成本柔性觸覺皮膚覆蓋三指機械手，配合示範學習，插裝柔性排線與小型光學元件。",
            "柔性觸覺皮膚以印刷電子製造；以少量示範訓練插裝策略，並以力控補償定位誤差；在中試平台工作站上驗證。",
            [("personnel", "研究人員及工程師 24 個月", "2500000"), ("equipment", "機械手及觸覺皮膚樣機", "900000"),
             ("compute", "模擬及訓練算力", "300000")],
            members=("zhao.yuting@idea.example",), quality=8, outcome="winner", amount="3700000"),
    DemoBid("HT-2024-01", "lam.wingsze@cityu-futian.example", "Micro-Insertion Group", "cityu-futian-institute",
            "A parallel gripper with a microscope camera that inserts optics by visual servoing.",
            "Visual servoing under a microscope; a library of part models; no tactile sensing.",
            [("personnel", "Four researchers", "1500000"), ("equipment", "Gripper and microscope camera",
                                                            "600000")],
            quality=5, outcome="out"),
    # HT-2024-02 — defence
    DemoBid("HT-2024-02", "sun.hao@kunyun.example", "Open D2D Alliance", "kunyun",
            "A die-to-die PHY at 16 Gb/s per lane with an open controller, taped out on a multi-project wafer and "
            "packaged with a partner's die on the pilot line.",
            "Source-synchronous clocking, a clock-forwarded receiver and link training in the controller; a test "
            "chip with loop-back and pattern generators; packaging on a silicon interposer.",
            [("personnel", "Ten engineers for 30 months", "9000000"), ("services", "Two MPW runs and packaging",
                                                                        "6500000"),
             ("equipment", "Test boards and probe station time", "2000000")],
            quality=8),
    DemoBid("HT-2024-02", "zhao.yuting@idea.example", "芯粒互连开放实验室", "idea",
            "以开源方式实现芯粒互连的物理层与链路层，先在FPGA上验证，再流片封装两颗不同团队设计的芯粒。",
            "物理层采用单端信号与前向时钟；链路层带重传；先在FPGA原型上验证协议，再与园区中试平台合作完成封装。",
            [("personnel", "研发人员 30 个月", "7000000"), ("services", "流片与封装", "7000000"),
             ("compute", "仿真与验证工具", "1500000")],
            quality=6, spread=True, consensus="draft"),
    DemoBid("HT-2024-02", "tang.kawai@cuhk-sz-hk.example", "Chiplet Start", "",
            "A minimal interconnect for two small dies, aimed at start-ups' first products: fewer lanes, simpler "
            "packaging, lower cost.",
            "Organic substrate instead of an interposer; 8 Gb/s lanes first, 16 Gb/s in a second tape-out.",
            [("personnel", "Five engineers", "4000000"), ("services", "One MPW run and packaging", "3500000")],
            entity_to_register="Shenzhen Hetao Xinlian Technology Co., Ltd. (to be registered)", quality=7),
    # HT-2024-03 — review (blind)
    DemoBid("HT-2024-03", APPLICANT, "跨境冷鏈追溯團隊", "hkust-sz-hk-institute",
            "密封樣本箱內置溫度與位置傳感器，以電子交接記錄取代紙本，兩地機構各自查閱其權限內的數據。",
            "每分鐘記錄溫度；交接時以近場通訊簽署；數據按兩地規則分開存放並以摘要互認。",
            [("personnel", "工程師及項目人員 18 個月", "2600000"), ("equipment", "樣本箱 200 個", "1400000"),
             ("services", "試點物流服務", "800000")],
            quality=8),
    DemoBid("HT-2024-03", "lam.wingsze@cityu-futian.example", "Sample Guard", "cityu-futian-institute",
            "A printed, battery-free temperature label on each tube, read at every hand-over, with a shared ledger of "
            "custody events.",
            "Printed sensors logged by NFC readers at the hospital, the port and the lab; alerts from the readers.",
            [("personnel", "Researchers for 18 months", "2000000"), ("materials", "Labels for 50,000 tubes",
                                                                     "900000")],
            quality=6),
    DemoBid("HT-2024-03", "ho.chikeung@polyu-futian.example", "River Crossing Logistics", "polyu-futian-institute",
            "A route and custody service for clinical consignments with sealed containers and pre-cleared lanes.",
            "Containers with cellular trackers; a booking service agreed with both sides' port operators.",
            [("personnel", "Engineers and coordinators", "2400000"), ("services", "Trial consignments", "1600000")],
            members=("sun.hao@kunyun.example",), quality=7),
    DemoBid("HT-2024-03", "tang.kawai@cuhk-sz-hk.example", "ColdTrace", "",
            "A low-cost container lid that turns any insulated box into a logged, sealed container.",
            "A lid with a sensor, a seal switch and a low-power radio; data sent when the box reaches a reader.",
            [("personnel", "Three founders for 18 months", "1200000"), ("equipment", "300 lids", "500000")],
            entity_to_register="ColdTrace Limited (to be registered in the Hong Kong Park)", quality=7),
    # HT-2024-04 — open, sealed
    DemoBid("HT-2024-04", "zhao.yuting@idea.example", "Surface Code Team", "idea",
            "A distance-5 surface code on a 49-qubit chip with an FPGA decoder.",
            "Tunable couplers; leakage removal; a union-find decoder in FPGA under one microsecond.",
            [("personnel", "Twelve researchers for 36 months", "12000000"),
             ("services", "Fabrication runs", "9000000"), ("equipment", "Control electronics", "6000000")]),
    DemoBid("HT-2024-04", "ho.chikeung@polyu-futian.example", "量子糾錯聯合實驗室", "polyu-futian-institute",
            "以玻色編碼降低所需物理位元數目，在共享平台上實現邏輯位元。",
            "以貓態編碼抑制位元翻轉，再以重複碼糾正相位錯誤；解碼在低溫控制器上完成。",
            [("personnel", "研究人員 36 個月", "10000000"), ("equipment", "低溫控制器", "5000000")]),
    DemoBid("HT-2024-04", APPLICANT, "Logical Qubit Study Group", "hkust-sz-hk-institute",
            "(Draft) A surface code with a machine-learned decoder.", "(Draft)",
            [("personnel", "Researchers", "3000000")], fate="draft"),
    # HT-2024-05 — open, sealed
    DemoBid("HT-2024-05", "lam.wingsze@cityu-futian.example", "Two-River Federated Imaging", "cityu-futian-institute",
            "Federated training with secure aggregation across four hospitals, for lung nodule detection on CT.",
            "Secure aggregation; differential privacy at each site; an external leakage audit.",
            [("personnel", "Researchers for 24 months", "3500000"), ("compute", "GPU servers at four sites",
                                                                     "2000000")]),
    DemoBid("HT-2024-05", "sun.hao@kunyun.example", "Edge FL", "kunyun",
            "Federated training on an AI accelerator installed in each hospital, so no data leaves the site.",
            "On-premise accelerators; split learning for the first layers; audit by a third party.",
            [("personnel", "Engineers", "2500000"), ("equipment", "Accelerators for four sites", "3000000")]),
    DemoBid("HT-2024-05", "tang.kawai@cuhk-sz-hk.example", "Privacy Imaging Lab", "cuhk-sz-hk-innovation-institute",
            "(Draft) Federated fine-tuning of a foundation model for chest X-ray.", "(Draft)",
            [("personnel", "Researchers", "2000000")], fate="draft",
            invite=("wu.jiaming@hospital-partner.example", "Wu Jiaming")),
]

QUESTIONS = [
    ("HT-2024-04", "lam.wingsze@cityu-futian.example",
     "May a team use its own fabrication line instead of the shared testbed for the first year?",
     "Yes. The acceptance tests must be run on the shared testbed; earlier work may use any line."),
    ("HT-2024-04", "zhao.yuting@idea.example", "Is the budget ceiling per team or for the whole challenge?", ""),
    ("HT-2024-05", "sun.hao@kunyun.example", "可以只与深圳一侧的医院合作吗？",
     "不可以：交付成果要求两地各至少两家医院参与。No: the deliverables need at least two hospitals on each side."),
]

# HT-2024-03: a conflict the registry does not show, added by the officer before the assignment.
OFFICER_CONFLICTS = [
    ("HT-2024-03", "tang.kawai@cuhk-sz-hk.example", "lei.chihou@biobank-macao.example",
     "The expert told the office that the founders were members of the expert's laboratory until 2025."),
]

# HT-2024-03: the second expert assigned to this lead's bid recognises it and declares a conflict.
DECLARED_CONFLICT = ("ho.chikeung@polyu-futian.example",
                     "I advised this consortium on its container design last year.")


# ── Loading ──────────────────────────────────────────────────────────────────────────────────────────────────


def is_loaded() -> bool:
    return Challenge.objects.filter(code__in=CODES).exists()


def _account(person: DemoPerson) -> User:
    """The demo account of a team member or an expert, with a registry person (made here if it is new)."""
    user = User.objects.filter(email=person.email).first()
    if user is None:
        user = User.objects.create_user(username=person.email.split("@")[0], email=person.email,
                                        password=DEMO_PASSWORD, first_name=person.first, last_name=person.last,
                                        preferred_language=person.language)
        EmailAddress.objects.create(user=user, email=person.email, verified=True, primary=True)
    if user.person_id is None:
        made = save_clean(Person(name_en=person.name_en, name_zh_hans=person.name_zh, region=person.region))
        if person.earlier:
            slug, start, end = person.earlier
            save_clean(Affiliation(person=made, organisation=Organisation.objects.get(slug=slug),
                                   role="engineer", start_date=start, end_date=end))
        if person.organisation:
            save_clean(Affiliation(person=made, organisation=Organisation.objects.get(slug=person.organisation),
                                   role=person.role, start_date=person.start, end_date=person.end))
        user.person = made
        user.save(update_fields=["person"])
    if person.organisation and person.end is None:
        # A team lead bids for an organisation only as one of its members (accounts.Membership).
        Membership.objects.get_or_create(user=user, organisation=Organisation.objects.get(slug=person.organisation),
                                         defaults={"role": "member"})
    return user


def _share_a_project(first: User, second: User) -> None:
    """Both on one registry project that is still running (a computed conflict: shared project within 5 years)."""
    project = (Project.objects.filter(key_direction__code="life-science", start_date__gte=datetime.date(2022, 1, 1))
               .order_by("code").first() or Project.objects.order_by("code").first())
    if project is None:
        return
    for user, role in ((first, "co-investigator"), (second, "member")):
        ProjectMember.objects.get_or_create(project=project, person=user.person, defaults={"role": role})


@transaction.atomic
def load_demo_challenge_calls() -> None:
    """The six challenges with bids, experts, assignments, reviews, consensus, defences and awards."""
    if is_loaded():
        return
    from .services import bids as bid_services
    from .services import calls as call_services
    from .services import panel as panel_services
    from .services import reviews as review_services

    officer = User.objects.get(email=OFFICER)
    people = {p.email: _account(p) for p in TEAM_PEOPLE}
    expert_users = {p.email: _account(p) for p, *_rest in EXPERTS}
    _share_a_project(people[SHARED_PROJECT[0]], expert_users[SHARED_PROJECT[1]])

    experts: dict[str, Expert] = {}
    for person, disciplines, keywords, languages, sector in EXPERTS:
        user = expert_users[person.email]
        expert = panel_services.expert_invite(actor=officer, user=user, disciplines=disciplines,
                                              region=person.region, sector=sector, keywords=keywords,
                                              languages=languages, max_load=6)
        experts[person.email] = panel_services.expert_respond(actor=user, expert=expert, accept=True)

    for spec in CHALLENGES:
        _load_challenge(spec, officer, people, experts, call_services, bid_services, panel_services,
                        review_services)


def _load_challenge(spec: DemoChallenge, officer: User, people: dict[str, User], experts: dict[str, Expert],
                    calls: Any, bids: Any, panel: Any, reviews: Any) -> Challenge:
    now = timezone.now()
    topics = list(Topic.objects.filter(Q(title_en__in=spec.topics) | Q(title_zh_hant__in=spec.topics)))
    en, hans, hant = spec.titles
    d_en, d_hans, d_hant = spec.description
    past = spec.closes_in_days < 0
    challenge = calls.challenge_create(
        actor=officer, topics=topics, code=spec.code, title_en=en, title_zh_hans=hans, title_zh_hant=hant,
        description_en=d_en, description_zh_hans=d_hans, description_zh_hant=d_hant, problem=spec.problem,
        deliverables=spec.deliverables, indicators=spec.indicators, budget_ceiling=Decimal(spec.ceiling),
        currency=spec.currency, duration_months=spec.months,
        key_direction=KeyDirection.objects.get(code=spec.direction),
        # A past challenge is created open until tomorrow, bid for, then moved past its deadline (below).
        closes_at=now + datetime.timedelta(days=1 if past else spec.closes_in_days),
        review_ends_on=(now + datetime.timedelta(days=spec.closes_in_days + 30)).date(),
        defence_on=(now + datetime.timedelta(days=spec.closes_in_days + 45)).date(),
        award_on=(now + datetime.timedelta(days=spec.closes_in_days + 60)).date())
    calls.criteria_set(actor=officer, challenge=challenge, criteria=[
        {"name_en": c_en, "name_zh_hans": c_hans, "name_zh_hant": c_hant, "description": text, "weight": weight,
         "max_score": 10, "threshold": Decimal(threshold)}
        for c_en, c_hans, c_hant, text, weight, threshold in RUBRIC])
    rules = [{"kind": kind, "text": text} for kind, text in ELIGIBILITY]
    if spec.capability:
        rules.append({"kind": "capability", "text": spec.capability})
    calls.eligibility_set(actor=officer, challenge=challenge, rules=rules)
    if spec.phase == "draft":
        return challenge
    challenge = calls.challenge_publish(actor=officer, challenge=challenge)

    for code, asker, question, answer in QUESTIONS:
        if code == spec.code:
            asked = calls.question_ask(actor=people[asker], challenge=challenge, question=question)
            if answer:
                calls.question_answer(actor=officer, question=asked, answer=answer)

    made = [(_load_bid(item, challenge, people, bids), item) for item in BIDS if item.challenge == spec.code]
    if spec.phase == "open":
        return challenge

    # The demo is the one place that moves a deadline into the past: bids can only be submitted before it, and a
    # finished challenge needs submitted bids. A queryset update() skips the services on purpose (no service may
    # change a deadline once bids are in).
    closes_at = now + datetime.timedelta(days=spec.closes_in_days)
    Challenge.objects.filter(pk=challenge.pk).update(closes_at=closes_at,
                                                     opens_at=closes_at - datetime.timedelta(days=60),
                                                     published_at=closes_at - datetime.timedelta(days=60))
    challenge.refresh_from_db()
    challenge = calls.challenge_start_review(actor=officer, challenge=challenge)

    for code, lead, expert, reason in OFFICER_CONFLICTS:
        bid = next((b for b, item in made if item.lead == lead and code == spec.code), None)
        if bid is not None:
            panel.conflict_add(actor=officer, bid=bid, expert=experts[expert], reason=reason)
    run = panel.assignment_propose(actor=officer, challenge=challenge)
    run = panel.assignment_deploy(actor=officer, run=run)
    criteria = list(challenge.criteria.order_by("order", "id"))
    assignments = list(Assignment.objects.filter(run=run).select_related("bid", "expert__user")
                       .order_by("bid_id", "expert_id"))
    by_bid: dict[int, list[Assignment]] = {}
    for assignment in assignments:
        by_bid.setdefault(assignment.bid_id, []).append(assignment)

    for bid, item in made:
        for index, assignment in enumerate(by_bid.get(bid.pk, [])):
            user = assignment.expert.user
            if spec.phase == "review" and item.lead == DECLARED_CONFLICT[0] and index == 1:
                panel.assignment_declare(actor=user, assignment=assignment, conflict=True,
                                         reason=DECLARED_CONFLICT[1])
                continue
            if spec.phase == "review" and index == 2:
                continue  # not yet opened: the declaration is pending
            assignment = panel.assignment_declare(actor=user, assignment=assignment, conflict=False)
            review = reviews.review_save(
                actor=user, assignment=assignment, scores=_scores(criteria, item, index),
                comments_to_team=_comment_to_team(item), comments_to_panel=_comment_to_panel(item, index))
            if spec.phase != "review" or index == 0:
                reviews.review_submit(actor=user, review=review)
    if spec.phase == "review":
        return challenge

    for bid, item in made:
        if item.consensus == "none":
            continue
        rapporteur = by_bid[bid.pk][0].expert.user
        consensus = reviews.consensus_open(actor=officer, bid=bid, rapporteur=rapporteur)
        consensus = reviews.consensus_save(
            actor=rapporteur, consensus=consensus, scores=_consensus_scores(criteria, item),
            report_to_team=_report(item), notes_to_panel="Agreed at the panel meeting; see the individual reports.")
        if item.consensus == "final":
            reviews.consensus_finalise(actor=officer, consensus=consensus)

    challenge = reviews.challenge_start_defence(actor=officer, challenge=challenge)
    for number, (bid, item) in enumerate(made):
        if item.outcome == "out":
            continue
        when = now + datetime.timedelta(days=spec.closes_in_days + 40, hours=number)
        when = when.replace(hour=9 + number, minute=30, second=0, microsecond=0)
        reviews.defence_schedule(actor=officer, bid=bid, scheduled_at=when,
                                 mode="on_site" if number % 2 == 0 else "online",
                                 place="Hetao Sci-Tech Innovation Centre, meeting room 3" if number % 2 == 0
                                 else "https://meet.example/hetao-defence")
    if spec.phase == "defence":
        return challenge

    winners = [(bid, Decimal(item.amount)) for bid, item in made if item.outcome == "winner"]
    return reviews.challenge_award(
        actor=officer, challenge=challenge, winners=winners,
        minutes="The panel met on site with the rapporteurs. Two bids were ranked above every threshold and are "
                "awarded; one bid fell below the threshold for technical merit.")


def _load_bid(item: DemoBid, challenge: Challenge, people: dict[str, User], bids: Any) -> Bid:
    lead = people[item.lead]
    organisation = Organisation.objects.get(slug=item.organisation) if item.organisation else None
    bid = bids.bid_start(actor=lead, challenge=challenge, team_name=item.team_name, organisation=organisation,
                         entity_to_register=item.entity_to_register, summary=item.summary, approach=item.approach,
                         work_plan=_work_plan(challenge.duration_months))
    bids.budget_set(actor=lead, bid=bid, lines=[{"category": c, "description": d, "amount": Decimal(a)}
                                                 for c, d, a in item.lines])
    bids.milestones_set(actor=lead, bid=bid, milestones=[{"title": t, "month": m, "deliverable": d}
                                                         for t, m, d in item.milestones
                                                         or _plan(challenge.duration_months)])
    for email in item.members:
        member = people[email]
        invited = bids.member_invite(actor=lead, bid=bid, email=member.email, name=member.get_full_name(),
                                     role="co-investigator")
        bids.member_respond(actor=member, member=invited, accept=True)
    if item.invite:
        bids.member_invite(actor=lead, bid=bid, email=item.invite[0], name=item.invite[1], role="clinical partner")
    bid = bids.bid_save(actor=lead, bid=bid, declares_no_other_conflicts=True, declares_truthful=True)
    if item.fate == "submitted":
        bid = bids.bid_submit(actor=lead, bid=bid)
    return bid


def _work_plan(months: int) -> str:
    return (f"Months 1–{months // 3}: design and specification. Months {months // 3 + 1}–{2 * months // 3}: "
            f"prototype and tests against each indicator. Months {2 * months // 3 + 1}–{months}: pilot, acceptance "
            f"tests and hand-over.")


def _scores(criteria: list, item: DemoBid, index: int) -> dict[int, Decimal | None]:
    """Around the bid's quality; a spread bid gets one high and one low reviewer."""
    shift = (0, -1, 1)[index % 3]
    if item.spread:
        shift = (3, -3, 0)[index % 3]
    scores: dict[int, Decimal | None] = {}
    for number, criterion in enumerate(criteria):
        value = item.quality + shift + (1 if number == 3 else 0) - (1 if item.outcome == "out" and number == 0 else 0)
        scores[criterion.pk] = Decimal(max(0, min(criterion.max_score, value)))
    return scores


def _consensus_scores(criteria: list, item: DemoBid) -> dict[int, Decimal]:
    result = {}
    for number, criterion in enumerate(criteria):
        value = item.quality + (1 if number == 3 else 0) - (1 if item.outcome == "out" and number == 0 else 0)
        result[criterion.pk] = Decimal(max(0, min(criterion.max_score, value)))
    return result


def _comment_to_team(item: DemoBid) -> str:
    if item.quality >= 8:
        return "A convincing approach with clear milestones; make the acceptance tests independent of the team."
    if item.quality >= 7:
        return "A sound plan. Show how each indicator will be measured, and keep a reserve in the budget."
    return "The approach leaves the main indicator open; the plan needs intermediate tests."


def _comment_to_panel(item: DemoBid, index: int) -> str:
    return "" if index else "The budget for services looks high; ask for quotes."


def _report(item: DemoBid) -> str:
    if item.outcome == "out":
        return ("The panel found the approach below the threshold for technical merit: without tactile sensing the "
                "flexible parts of the indicators are out of reach. The plan and budget were clear.")
    return ("The panel found the approach convincing and the plan feasible. For the defence: show the test set-up "
            "for each indicator and how the result will be shared with other teams of the park.")


# ── Clearing ─────────────────────────────────────────────────────────────────────────────────────────────────


def demo_emails() -> list[str]:
    """The accounts made here (the applicant and the reviewer belong to accounts/demo.py)."""
    return [p.email for p in TEAM_PEOPLE if p.email != APPLICANT] + \
        [p.email for p, *_rest in EXPERTS if p.email != REVIEWER]


@transaction.atomic
def clear_demo_challenge_calls() -> None:
    """For `load_demo_park --reset`: the six challenges and everything under them, highest first, then the demo
    experts, the accounts made here and their registry people."""
    challenges = Challenge.objects.filter(code__in=CODES)
    bids = Bid.objects.filter(challenge__in=challenges)
    Award.objects.filter(challenge__in=challenges).delete()
    Consensus.objects.filter(bid__in=bids).delete()
    Review.objects.filter(bid__in=bids).delete()
    Defence.objects.filter(bid__in=bids).delete()
    Assignment.objects.filter(bid__in=bids).delete()
    AssignmentRun.objects.filter(challenge__in=challenges).delete()
    ConflictOverride.objects.filter(bid__in=bids).delete()
    Clarification.objects.filter(bid__in=bids).delete()
    bids.delete()
    ChallengeQuestion.objects.filter(challenge__in=challenges).delete()
    challenges.delete()
    emails = [p.email for p in TEAM_PEOPLE] + [p.email for p, *_rest in EXPERTS]
    Expert.objects.filter(user__email__in=emails).delete()
    person_ids = list(User.objects.filter(email__in=emails, person__isnull=False).values_list("person_id", flat=True))
    User.objects.filter(email__in=demo_emails()).delete()
    Person.objects.filter(pk__in=person_ids).delete()


__all__ = ["CHALLENGES", "CODES", "EXPERTS", "TEAM_PEOPLE", "clear_demo_challenge_calls",
           "is_loaded", "load_demo_challenge_calls"]
