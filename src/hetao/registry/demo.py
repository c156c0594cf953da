"""The demo park: the real zone from FACTS.md plus a deterministic generated population.

The generated population is sized so that the dashboard, computing everything from the database, shows
the seeds' headline figures at scale 1; `scale` multiplies it for benchmarks. Same seed, same park.
Everything loads in one transaction: an interrupted load leaves nothing behind.
"""

import datetime
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import transaction

from hetao.core.chinese import to_traditional
from hetao.core.db import save_clean
from hetao.core.validators import orcid_check_digit

from . import demo_facts as facts
from . import demo_pools as pools
from .demo_names import NameMaker
from .models import (
    Affiliation,
    Building,
    Floor,
    KeyDirection,
    Lease,
    Organisation,
    OrganisationKind,
    Park,
    Patent,
    Person,
    Port,
    ProfessionalPark,
    Project,
    ProjectStatus,
    Region,
    SpaceUse,
    StandardOutput,
    StandardOutputKind,
    StandardsMembership,
    Unit,
    Zone,
)
from .snapshots import dashboard_invalidate

SEED = 20240808
BATCH = 2000
TODAY = datetime.date(2026, 11, 1)  # fixed, so the demo is the same on every machine and every day


@dataclass(frozen=True)
class Targets:
    """The seeds' headline figures (FACTS.md), per unit of scale where they scale."""

    projects: int = 150  # plus the Hong Kong university key projects: > 160 in all
    hk_key_projects: int = 14  # "more than 13, from 5 universities"
    researchers: int = 15_200  # "> 15,000"
    pct: int = 1_720  # "> 1,700"
    standards: int = 138
    white_papers: int = 23
    certified_products: int = 237
    standards_members: int = 1_720  # "> 1,700"
    hk_in_hksp_branch: int = 51
    enterprises_in_park: int = 300
    external_organisations: int = 1_200
    research_space_m2: int = 370_000
    hong_kong_park_space_m2: int = 60_000
    fortune500: int = 8
    research_platforms: int = 8
    pilot_platforms: int = 10
    youth_bases: int = 5


TARGETS = Targets()

# Per key direction: (English topic, Chinese topic)
TOPICS = {
    "life-science": [("single-cell sequencing", "单细胞测序"), ("synthetic biology", "合成生物学"),
                     ("brain-computer interfaces", "脑机接口")],
    "information-science": [("6G wireless networks", "6G无线网络"), ("photonic chips", "光子芯片"),
                            ("trusted computing", "可信计算")],
    "material-science": [("electron microscopy", "电子显微技术"), ("two-dimensional materials", "二维材料"),
                         ("solid-state batteries", "固态电池")],
    "quantum": [("quantum computing", "量子计算"), ("quantum sensing", "量子精密测量"),
                ("quantum communication", "量子通信")],
    "big-data-ai": [("large language models", "大语言模型"), ("cross-border data flow", "跨境数据流通"),
                    ("AI for science", "科学智能")],
    "biomedicine": [("AI drug discovery", "人工智能药物发现"), ("cell therapy", "细胞治疗"),
                    ("medical imaging", "医学影像")],
    "integrated-circuits": [("data-flow AI chips", "数据流人工智能芯片"), ("chiplet packaging", "芯粒封装"),
                            ("EDA tools", "电子设计自动化工具")],
    "energy": [("hydrogen energy", "氢能"), ("lithium batteries", "锂电池"), ("smart grids", "智能电网")],
    "robotics": [("medical robots", "医疗机器人"), ("service robots", "服务机器人"),
                 ("industrial robots", "工业机器人")],
    "autonomous-driving": [("autonomous driving perception", "自动驾驶感知"),
                           ("vehicle-road cooperation", "车路协同"), ("driving simulation", "驾驶仿真")],
    "low-altitude": [("drone logistics", "无人机物流"), ("eVTOL aircraft", "电动垂直起降飞行器"),
                     ("low-altitude traffic management", "低空交通管理")],
    "embodied-intelligence": [("humanoid robots", "人形机器人"), ("dexterous manipulation", "灵巧操作"),
                              ("robot foundation models", "机器人基础模型")],
    "wireless": [("millimetre-wave communication", "毫米波通信"), ("satellite internet", "卫星互联网"),
                 ("Wi-Fi 7", "Wi-Fi 7")],
    "ultra-hd-video": [("8K video coding", "8K视频编码"), ("HDR display", "高动态范围显示"),
                       ("immersive video", "沉浸式视频")],
    "intelligent-computing": [("computing power networks", "算力网络"), ("heterogeneous computing", "异构计算"),
                              ("green data centres", "绿色数据中心")],
}
ASPECTS = [("key technologies", "关键技术研究"), ("a pilot-scale platform", "中试平台建设"),
           ("industrial application", "产业化应用"), ("a joint Shenzhen-Hong Kong laboratory", "深港联合实验室"),
           ("international standards", "国际标准研制"), ("core components", "核心部件研发")]
STANDARDS_ORGS = [
    ("wireless-alliance", "International Wireless Communication Industry Alliance", "国际无线通信产业联盟",
     "wireless"),
    ("uhd-alliance", "Ultra-HD Video Industry and Standards Alliance", "超高清视频产业与标准联盟", "ultra-hd-video"),
    ("computing-standards", "Intelligent Computing Standards Organisation", "智能计算标准组织",
     "intelligent-computing"),
    ("low-altitude-alliance", "Low-altitude Economy Standards Alliance", "低空经济标准联盟", "low-altitude"),
    ("embodied-alliance", "Embodied Intelligence Industry Alliance", "具身智能产业联盟", "embodied-intelligence"),
    ("autonomous-forum", "Autonomous Driving Standards Forum", "自动驾驶标准论坛", "autonomous-driving"),
]


def _split(total: int, parts: int) -> list[int]:
    """`total` shared as evenly as possible among `parts`."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


@cache
def _traditional(text: str) -> str:
    return to_traditional(text)


GENERATED = (pools.GENERATED_NOTE["en"], pools.GENERATED_NOTE["zh_hans"], pools.GENERATED_NOTE["zh_hant"])


def _described(description: Sequence[str]) -> dict[str, str]:
    """English, Simplified and Traditional (ValueError unless exactly these three)."""
    return dict(zip(("description_en", "description_zh_hans", "description_zh_hant"), description, strict=True))


@dataclass
class DemoPark:
    scale: int = 1
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    directions: dict[str, KeyDirection] = field(default_factory=dict)
    orgs: dict[str, Organisation] = field(default_factory=dict)
    parks: dict[str, Park] = field(default_factory=dict)
    professional_parks: dict[str, ProfessionalPark] = field(default_factory=dict)
    hksp_units: list[Unit] = field(default_factory=list)
    other_units: list[Unit] = field(default_factory=list)
    in_park_orgs: list[Organisation] = field(default_factory=list)
    external: list[Organisation] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    names: NameMaker = field(default_factory=lambda: NameMaker(SEED + 1, [p[:2] for p in facts.PEOPLE]))

    def n(self, per_scale: int) -> int:
        return per_scale * self.scale

    def next_id(self, key: str) -> int:
        self.counters[key] = self.counters.get(key, 0) + 1
        return self.counters[key]

    # ── helpers ──────────────────────────────────────────────────────────────

    def uscc(self, region_code: str = "440300") -> str:
        return self.names.uscc(region_code)

    def uscc_for_institution(self) -> str:
        # Private non-enterprise units (民办非企业单位) carry authority 5, type 2; registered in Futian.
        return self.names.uscc("440304", institution=True)

    def date_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randrange(max(1, (end - start).days)))

    # ── the real zone ────────────────────────────────────────────────────────

    def load_zone(self) -> None:
        zone = save_clean(Zone(**facts.ZONE))
        for park in facts.PARKS:
            self.parks[park["code"]] = save_clean(Park(zone=zone, **park))
        for port in facts.PORTS:
            save_clean(Port(zone=zone, **port))
        for code, en, zh, principal in facts.KEY_DIRECTIONS:
            self.directions[code] = save_clean(KeyDirection(code=code, name_en=en, name_zh_hans=zh,
                                                           is_principal=principal))
        for code, en, zh in facts.PROFESSIONAL_PARKS:
            self.professional_parks[code] = save_clean(
                ProfessionalPark(park=self.parks["shenzhen"], code=code, name_en=en, name_zh_hans=zh))

    def add_org(self, *, slug: str, kind: str, name_en: str, name_zh_hans: str = "", aliases: Iterable[str] = (),
                directions: Iterable[str] = (), origin: str = "mainland",
                description: Sequence[str] = ("", "", ""), park: str | None = "shenzhen",
                parent: Organisation | None = None, **extra: Any) -> Organisation:
        """`description`: English, Simplified and Traditional (Hong Kong wording)."""
        org = Organisation(slug=slug, kind=kind, name_en=name_en, name_zh_hans=name_zh_hans,
                           aliases="\n".join(aliases), origin=origin, parent=parent,
                           park=self.parks.get(park) if park is not None else None,
                           **_described(description), **extra)
        save_clean(org)
        if directions:
            org.key_directions.set([self.directions[d] for d in directions])
        self.orgs[slug] = org
        if org.park_id == self.parks["shenzhen"].pk:
            self.in_park_orgs.append(org)
        return org

    def load_real_organisations(self) -> None:
        for uni in facts.UNIVERSITIES:
            self.add_org(kind=OrganisationKind.UNIVERSITY, origin="hong_kong", park=None, **uni)
        for parent, slug, en, zh, aliases, directions in facts.UNIVERSITY_INSTITUTES:
            in_park = slug != "hku-shenzhen-hospital"
            self.add_org(slug=slug, kind=OrganisationKind.UNIVERSITY_INSTITUTE, name_en=en, name_zh_hans=zh,
                         aliases=aliases, directions=directions, origin="hong_kong", parent=self.orgs[parent],
                         park="shenzhen" if in_park else None, uscc=self.uscc_for_institution())
        for slug, kind, en, zh, aliases, directions, origin, description in facts.ORGANISATIONS:
            is_public = kind in (OrganisationKind.PUBLIC_BODY, OrganisationKind.FUND)
            self.add_org(slug=slug, kind=kind, name_en=en, name_zh_hans=zh, aliases=aliases,
                         directions=directions, origin=origin, description=description or ("", "", ""),
                         park=None if slug in ("sz-government", "hksar-government") else "shenzhen",
                         uscc="" if is_public else self.uscc())
        for slug, en, zh, builder, directions in facts.PILOT_PLATFORMS:
            self.add_org(slug=slug, kind=OrganisationKind.PILOT_PLATFORM, name_en=en, name_zh_hans=zh,
                         directions=directions, parent=self.orgs[builder])

    def load_generated_institutions(self) -> None:
        """Platforms, R&D centres and bases the seeds count but do not name."""
        codes = list(self.directions)
        real_f500 = sum(1 for o in facts.ORGANISATIONS if o[1] == OrganisationKind.FORTUNE_500_RD)
        for slug, en, hans, hant, direction in pools.FORTUNE500_CENTRES[:TARGETS.fortune500 - real_f500]:
            self.add_org(slug=slug, kind=OrganisationKind.FORTUNE_500_RD, name_en=en, name_zh_hans=hans,
                         name_zh_hant=hant, directions=[direction], origin="abroad", description=GENERATED,
                         uscc=self.uscc())
        for i in range(TARGETS.research_platforms):
            d = self.directions[codes[i % len(codes)]]
            self.add_org(slug=f"platform-{d.code}", kind=OrganisationKind.RESEARCH_PLATFORM,
                         name_en=f"National Research Platform for {d.name_en}",
                         name_zh_hans=f"国家{d.name_zh_hans}研究平台", directions=[d.code],
                         description=GENERATED, uscc=self.uscc_for_institution())
        for i in range(TARGETS.pilot_platforms - len(facts.PILOT_PLATFORMS)):
            d = self.directions[codes[(i + 3) % len(codes)]]
            self.add_org(slug=f"pilot-{d.code}", kind=OrganisationKind.PILOT_PLATFORM,
                         name_en=f"{d.name_en} Pilot-scale Platform", name_zh_hans=f"{d.name_zh_hans}中试平台",
                         directions=[d.code], description=GENERATED, uscc=self.uscc())
        for slug, en, hans, hant in pools.YOUTH_BASES[:TARGETS.youth_bases]:
            self.add_org(slug=slug, kind=OrganisationKind.INCUBATOR, name_en=en, name_zh_hans=hans,
                         name_zh_hant=hant, description=GENERATED, uscc=self.uscc_for_institution())
        for slug, en, zh, direction in STANDARDS_ORGS:
            self.add_org(slug=slug, kind=OrganisationKind.STANDARDS_ORG, name_en=en, name_zh_hans=zh,
                         directions=[direction], origin="abroad", description=GENERATED,
                         uscc=self.uscc_for_institution())

    # ── generated population ─────────────────────────────────────────────────

    def generated_orgs(self, count: int, *, hong_kong_share: float, in_park: bool) -> list[Organisation]:
        batch = []
        codes = list(self.directions)
        for _ in range(count):
            hong_kong = self.rng.random() < hong_kong_share
            name = self.names.company(hong_kong=hong_kong, in_park=in_park)
            # A Hong Kong company in the park has its Shenzhen registration (USCC) besides its BR number.
            org = Organisation(
                slug=f"org-{self.next_id('org'):06d}", kind=OrganisationKind.ENTERPRISE, name_en=name.name_en,
                name_zh_hans=name.name_zh_hans, name_zh_hant=name.name_zh_hant,
                origin="hong_kong" if hong_kong else "mainland", park=self.parks["shenzhen"] if in_park else None,
                description_en=name.description_en, description_zh_hans=name.description_zh_hans,
                description_zh_hant=name.description_zh_hant, hk_br=self.names.hk_br() if hong_kong else "",
                uscc="" if hong_kong and not in_park else self.uscc(name.region_code),
            )
            org.refresh_search_text()
            batch.append(org)
        created = Organisation.objects.bulk_create(batch, batch_size=BATCH)
        through = Organisation.key_directions.through
        through.objects.bulk_create(
            [through(organisation_id=o.pk, keydirection_id=self.directions[self.rng.choice(codes)].pk)
             for o in created], batch_size=BATCH)
        return created

    def load_enterprises(self) -> list[Organisation]:
        hksp = self.generated_orgs(self.n(TARGETS.hk_in_hksp_branch), hong_kong_share=1.0, in_park=True)
        others = self.generated_orgs(self.n(TARGETS.enterprises_in_park - TARGETS.hk_in_hksp_branch),
                                     hong_kong_share=0.1, in_park=True)
        self.in_park_orgs += others
        self.external = self.generated_orgs(self.n(TARGETS.external_organisations), hong_kong_share=0.2,
                                            in_park=False)
        return hksp

    def load_space(self, hksp_tenants: list[Organisation]) -> None:
        """Buildings, floors and units: research space in Shenzhen Park totals exactly the seed's figure."""
        uses = [SpaceUse.LAB, SpaceUse.LAB, SpaceUse.OFFICE, SpaceUse.OFFICE, SpaceUse.PILOT_PLANT]
        total = self.n(TARGETS.research_space_m2)
        areas: list[int] = []
        while sum(areas) < total:
            areas.append(self.rng.randrange(100, 620, 10))
        areas[-1] -= sum(areas) - total
        if areas[-1] < 50:
            areas[-2] += areas.pop()
        buildings = [(pp, i) for pp in self.professional_parks.values() for i in range(4 * self.scale)]
        per_building = _split(len(areas), len(buildings))
        cursor = 0
        for (pp, i), count in zip(buildings, per_building, strict=True):
            chunk = areas[cursor:cursor + count]
            cursor += count
            units = self._building(park=self.parks["shenzhen"], professional_park=pp, number=i + 1,
                                   unit_areas=[(a, self.rng.choice(uses)) for a in chunk])
            (self.hksp_units if pp.code == "hksp-shenzhen" else self.other_units).extend(units)
        hk_areas = _split(self.n(TARGETS.hong_kong_park_space_m2), 6 * self.scale)
        for i, area in enumerate(hk_areas):
            parts = _split(area, 20)
            self._building(park=self.parks["hong-kong"], professional_park=None, number=i + 1,
                           unit_areas=[(a, uses[j % len(uses)]) for j, a in enumerate(parts)])
        self._leases(hksp_tenants)

    def _building(self, *, park: Park, professional_park: ProfessionalPark | None, number: int,
                  unit_areas: list[tuple[int, str]]) -> list[Unit]:
        code = f"{professional_park.code if professional_park else park.code}-{number:02d}"
        letter = "ABCDEFGHJKLMNPQRSTUVWXYZ"[(number - 1) % 24]
        pp_name_en = professional_park.name_en if professional_park else park.name_en
        pp_name_zh = professional_park.name_zh_hans if professional_park else park.name_zh_hans
        research = sum(a for a, _use in unit_areas)
        public = max(50, research // 10)
        building = save_clean(Building(
            park=park, professional_park=professional_park, code=code,
            name_en=f"{pp_name_en} Building {letter}{(number - 1) // 24 or ''}",
            name_zh_hans=f"{pp_name_zh}{letter}{(number - 1) // 24 or ''}栋",
            name_zh_hant=f"{_traditional(pp_name_zh)}{letter}{(number - 1) // 24 or ''}座",  # Hong Kong: 座
            gross_floor_area_m2=Decimal(research + public) * Decimal("1.15"),
        ))
        per_floor = 8
        levels = (len(unit_areas) + per_floor - 1) // per_floor
        floors = Floor.objects.bulk_create([Floor(building=building, level=lv) for lv in range(levels + 1)])
        units = [Unit(floor=floors[0], code="G01", area_m2=Decimal(public), use=SpaceUse.PUBLIC)]
        for k, (area, use) in enumerate(unit_areas):
            floor = floors[1 + k // per_floor]
            code = f"{floor.level:02d}{k % per_floor + 1:02d}"
            units.append(Unit(floor=floor, code=code, area_m2=Decimal(area), use=use))
        created = Unit.objects.bulk_create(units, batch_size=BATCH)
        return created[1:]

    def _leases(self, hksp_tenants: list[Organisation]) -> None:
        leases: list[Lease] = []

        def lease(org: Organisation, unit: Unit) -> None:
            start = self.date_between(datetime.date(2021, 1, 1), datetime.date(2025, 12, 31))
            end = datetime.date(start.year + self.rng.randint(3, 6), start.month, min(start.day, 28))
            end = max(end, TODAY + datetime.timedelta(days=30))
            leases.append(Lease(unit=unit, organisation=org, start_date=start, end_date=end))

        hksp_units = list(self.hksp_units)
        self.rng.shuffle(hksp_units)
        for org, unit in zip(hksp_tenants, hksp_units, strict=False):
            lease(org, unit)
        others = list(self.other_units)
        self.rng.shuffle(others)
        tenants = [o for o in self.in_park_orgs if o.kind != OrganisationKind.PUBLIC_BODY]
        for org, unit in zip(tenants * 2, others, strict=False):
            lease(org, unit)
        Lease.objects.bulk_create(leases, batch_size=BATCH)

    def person(self, region: str) -> Person:
        name = self.names.person(region)
        p = Person(name_en=name.name_en, name_zh_hans=name.name_zh_hans, name_zh_hant=name.name_zh_hant,
                   romanisation=name.romanisation, region=region)
        if self.rng.random() < 0.3:
            base = f"0000000{200000000 + self.next_id('orcid'):09d}"[-15:]
            digits = base + orcid_check_digit(base)
            p.orcid = "-".join(digits[i:i + 4] for i in range(0, 16, 4))
        p.refresh_search_text()
        return p

    def load_people(self) -> None:
        regions = [Region.MAINLAND] * 68 + [Region.HONG_KONG] * 22 + [Region.MACAO] * 2 + \
                  [Region.TAIWAN] * 2 + [Region.ABROAD] * 6
        employers = [o for o in self.in_park_orgs if o.kind != OrganisationKind.PUBLIC_BODY]
        roles = ["researcher"] * 14 + ["engineer"] * 4 + ["pi", "student", "student"]
        total = self.n(TARGETS.researchers)
        for offset in range(0, total, BATCH):
            people = Person.objects.bulk_create(
                [self.person(self.rng.choice(regions)) for _ in range(min(BATCH, total - offset))])
            affiliations = []
            for p in people:
                start = self.date_between(datetime.date(2018, 1, 1), datetime.date(2026, 6, 30))
                if self.rng.random() < 0.1:  # a past affiliation, so history shows on the detail page
                    earlier = self.date_between(datetime.date(2012, 1, 1), start - datetime.timedelta(days=400))
                    affiliations.append(Affiliation(person=p, organisation=self.rng.choice(self.external),
                                                    role="researcher", start_date=earlier, end_date=start))
                affiliations.append(Affiliation(person=p, organisation=self.rng.choice(employers),
                                                role=self.rng.choice(roles), start_date=start))
            Affiliation.objects.bulk_create(affiliations, batch_size=BATCH)

    def load_named_people(self) -> None:
        fallback = next(o for o in self.in_park_orgs if o.origin == "hong_kong" and o.kind == "enterprise")
        for en, zh, region, org_slug, role, public_role in facts.PEOPLE:
            person = save_clean(Person(name_en=en, name_zh_hans=zh, region=region, public_role=public_role))
            save_clean(Affiliation(person=person, organisation=self.orgs.get(org_slug, fallback), role=role,
                                  start_date=datetime.date(2019, 1, 1)))

    def project(self, *, lead: Organisation, direction: str, hk_key: bool) -> Project:
        topic_en, topic_zh = self.rng.choice(TOPICS[direction])
        aspect_en, aspect_zh = self.rng.choice(ASPECTS)
        start = self.date_between(datetime.date(2019, 1, 1), datetime.date(2026, 9, 30))
        end = start + datetime.timedelta(days=365 * self.rng.randint(2, 5))
        status = ProjectStatus.COMPLETED if end < TODAY else (
            ProjectStatus.PLANNED if start > TODAY else ProjectStatus.ACTIVE)
        title_zh = f"{topic_zh}{aspect_zh}"
        p = Project(code=f"HT-RP-{start.year}-{self.next_id('project'):05d}",
                    title_en=f"{topic_en[0].upper()}{topic_en[1:]}: {aspect_en}", title_zh_hans=title_zh,
                    title_zh_hant=_traditional(title_zh), lead_organisation=lead,
                    key_direction=self.directions[direction], status=status, start_date=start, end_date=end,
                    is_hk_university_key_project=hk_key)
        p.refresh_search_text()
        return p

    def load_projects(self) -> None:
        institutes = [o for o in self.orgs.values() if o.kind == OrganisationKind.UNIVERSITY_INSTITUTE
                      and o.park_id]
        leads = [o for o in self.in_park_orgs if o.kind not in (OrganisationKind.PUBLIC_BODY, OrganisationKind.FUND)]
        principal = ["life-science", "information-science", "material-science"]
        projects = []
        for i in range(TARGETS.hk_key_projects):
            inst = institutes[i % len(institutes)]
            first_direction = inst.key_directions.first()
            if first_direction is None:  # every institute in demo_facts.UNIVERSITY_INSTITUTES names its directions
                raise ValueError(f"The demo institute {inst.slug} has no key direction.")
            direction = first_direction.code
            projects.append(self.project(lead=inst, direction=direction, hk_key=True))
        for _ in range(self.n(TARGETS.projects)):
            lead = self.rng.choice(leads)
            direction = self.rng.choice(principal * 3 + list(TOPICS))
            projects.append(self.project(lead=lead, direction=direction, hk_key=False))
        created = Project.objects.bulk_create(projects, batch_size=BATCH)
        through = Project.partners.through
        links = {(p.pk, o.pk) for p in created for o in self.rng.sample(leads, self.rng.randint(0, 2))
                 if o.pk != p.lead_organisation_id}
        through.objects.bulk_create([through(project_id=a, organisation_id=b) for a, b in links], batch_size=BATCH)

    def load_patents(self) -> None:
        applicants = [o for o in self.in_park_orgs if o.kind not in (OrganisationKind.PUBLIC_BODY,
                                                                     OrganisationKind.FUND)]
        years = list(range(2016, 2026))
        weights = [1, 2, 3, 4, 6, 8, 10, 12, 14, 16]  # the park grew: more applications each year
        patents = []
        for i in range(self.n(TARGETS.pct)):
            year = self.rng.choices(years, weights)[0]
            topic_en, topic_zh = self.rng.choice(self.rng.choice(list(TOPICS.values())))
            title_zh = f"一种用于{topic_zh}的方法及装置"
            patents.append(Patent(
                pct_number=f"PCT/CN{year}/{100000 + i:06d}", filing_date=self.date_between(
                    datetime.date(year, 1, 1), datetime.date(year, 12, 31)),
                title_en=f"Method and device for {topic_en}", title_zh_hans=title_zh,
                title_zh_hant=_traditional(title_zh)))
        created = Patent.objects.bulk_create(patents, batch_size=BATCH)
        through = Patent.applicants.through
        through.objects.bulk_create(
            [through(patent_id=p.pk, organisation_id=self.rng.choice(applicants).pk) for p in created],
            batch_size=BATCH)

    def load_standards(self) -> None:
        orgs = [self.orgs[slug] for slug, *_rest in STANDARDS_ORGS]
        outputs = []
        for kind, total, label_en, label_zh in (
            (StandardOutputKind.STANDARD, TARGETS.standards, "Standard", "标准"),
            (StandardOutputKind.WHITE_PAPER, TARGETS.white_papers, "White paper", "白皮书"),
            (StandardOutputKind.CERTIFIED_PRODUCT, TARGETS.certified_products, "Certification", "认证产品"),
        ):
            for k, count in enumerate(_split(self.n(total), len(orgs))):
                org = orgs[k]
                topics = TOPICS[STANDARDS_ORGS[k][3]]
                for j in range(count):
                    topic_en, topic_zh = topics[j % len(topics)]
                    title_zh = f"{topic_zh}{label_zh}（第{j + 1}号）"
                    outputs.append(StandardOutput(
                        organisation=org, kind=kind, reference=f"{org.slug.upper()}-{kind[:2].upper()}-{j + 1:04d}",
                        title_en=f"{label_en} on {topic_en} No. {j + 1}", title_zh_hans=title_zh,
                        title_zh_hant=_traditional(title_zh),
                        released_on=self.date_between(datetime.date(2021, 1, 1), datetime.date(2026, 10, 31))))
        StandardOutput.objects.bulk_create(outputs, batch_size=BATCH)
        pool = self.external + [o for o in self.in_park_orgs if o.kind == OrganisationKind.ENTERPRISE]
        memberships = []
        for org, count in zip(orgs, _split(self.n(TARGETS.standards_members), len(orgs)), strict=True):
            for member in self.rng.sample(pool, count):
                memberships.append(StandardsMembership(
                    standards_organisation=org, member=member,
                    joined_on=self.date_between(datetime.date(2020, 1, 1), datetime.date(2026, 10, 31))))
        StandardsMembership.objects.bulk_create(memberships, batch_size=BATCH)

    def load(self) -> None:
        self.load_zone()
        self.load_real_organisations()
        self.load_generated_institutions()
        hksp_tenants = self.load_enterprises()
        self.load_space(hksp_tenants)
        self.load_named_people()
        self.load_people()
        self.load_projects()
        self.load_patents()
        self.load_standards()


REGISTRY_MODELS_IN_DELETE_ORDER = [
    Lease, StandardsMembership, StandardOutput, Patent, Affiliation, Project, Person, Unit, Floor, Building,
    ProfessionalPark,
]


def is_loaded() -> bool:
    return Zone.objects.filter(code=facts.ZONE["code"]).exists()


@transaction.atomic
def clear_registry() -> None:
    for model in REGISTRY_MODELS_IN_DELETE_ORDER:
        model._default_manager.all().delete()  # `objects`: none of these models declares another manager
    Organisation.objects.update(parent=None)
    for model in (Organisation, KeyDirection, Port, Park, Zone):
        model.objects.all().delete()


@transaction.atomic
def load_demo_park(*, scale: int = 1) -> DemoPark:
    demo = DemoPark(scale=scale)
    demo.load()
    dashboard_invalidate()  # bulk_create bypasses the services: refresh the home dashboard's figures on commit
    return demo
