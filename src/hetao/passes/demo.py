"""Demo gates, doors, a lab and an event entrance with their rules, plus community content.

Content is written in English, Simplified and Traditional Chinese (Hong Kong wording). A place (`location`) is
one field: it is written in English with its Chinese sign, as the venue shows it.
"""

import datetime
from typing import Any

from django.utils import timezone

from hetao.accounts.models import Department, User
from hetao.community.models import Announcement, Event, InterestGroup
from hetao.core.db import M, save_clean
from hetao.registry.models import Organisation, Park

from .models import AccessPoint, AccessRule


def _make(model: type[M], **fields: Any) -> M:
    return save_clean(model(**fields))


def _trilingual(field: str, texts: tuple[str, str, str]) -> dict[str, str]:
    return {f"{field}_{suffix}": text for suffix, text in zip(("en", "zh_hans", "zh_hant"), texts, strict=True)}


def load_demo_passes() -> None:
    shenzhen, hong_kong = Park.objects.get(code="shenzhen"), Park.objects.get(code="hong-kong")
    gate = _make(AccessPoint, code="sz-main-gate", kind="gate", park=shenzhen, name_en="Shenzhen Park main gate",
                 name_zh_hans="深圳园区正门", name_zh_hant="深圳園區正門")
    _make(AccessRule, access_point=gate, grant="anyone")
    hk_gate = _make(AccessPoint, code="hk-loop-gate", kind="gate", park=hong_kong,
                    name_en="Hong Kong Park gate (Loop)", name_zh_hans="香港园区闸口（河套）",
                    name_zh_hant="香港園區閘口（河套）")
    _make(AccessRule, access_point=hk_gate, grant="anyone", weekdays="01234", opens="07:00", closes="22:00")
    lab = _make(AccessPoint, code="hkust-lab-3", kind="lab", park=shenzhen, name_en="HKUST institute lab 3",
                name_zh_hans="港科大研究院三号实验室", name_zh_hant="港科大研究院三號實驗室")
    _make(AccessRule, access_point=lab, grant="organisation", weekdays="0123456", opens="07:00", closes="23:00",
          organisation=Organisation.objects.get(slug="hkust-sz-hk-institute"))
    security = Department.objects.get(code="facilities_security")
    _make(AccessRule, access_point=lab, grant="department", department=security)
    start = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0) + datetime.timedelta(days=7)
    forum = _make(Event, title_en="Hetao quantum forum", title_zh_hans="河套量子论坛", title_zh_hant="河套量子論壇",
                  description_en="Talks by the Shenzhen International Quantum Research Institute.",
                  description_zh_hans="深圳国际量子研究院的专题报告。",
                  description_zh_hant="深圳國際量子研究院的專題演講。",
                  starts_at=start, ends_at=start + datetime.timedelta(hours=4),
                  location="Hetao Sci-Tech Innovation Centre, Hall B · 河套科创中心B厅", capacity=120)
    _make(Event, title_en="Embodied intelligence meetup", title_zh_hans="具身智能交流会",
          title_zh_hant="具身智能交流會",
          description_en="An evening for robotics teams to show their work and meet pilot-platform engineers.",
          description_zh_hans="机器人团队展示成果、结识中试平台工程师的交流之夜。",
          description_zh_hant="機械人團隊展示成果、結識中試平台工程師的交流之夜。",
          starts_at=start + datetime.timedelta(days=3), ends_at=start + datetime.timedelta(days=3, hours=2),
          location="Pilot cluster, Building A · 中试集聚区A栋", capacity=2)
    _make(AccessPoint, code="forum-hall-b", kind="event", park=shenzhen, event=forum, name_en="Hall B entrance",
          name_zh_hans="B厅入口", name_zh_hant="B廳入口")
    groups = (
        ("quantum", ("Quantum science", "量子科学", "量子科學"),
         ("Researchers in quantum computing, sensing and communication.", "量子计算、精密测量与通信领域的研究者。",
          "量子計算、精密測量與通訊領域的研究人員。")),
        ("hk-founders", ("Hong Kong founders", "香港创业者", "香港創業者"),
         ("Founders from Hong Kong starting up on both sides of the river.", "在深圳河两岸创业的香港创业者。",
          "在深圳河兩岸創業的香港創業者。")),
        ("robotics", ("Robotics and embodied intelligence", "机器人与具身智能", "機械人與具身智能"),
         ("Robot makers and researchers in embodied intelligence.", "机器人研发者与具身智能研究者。",
          "機械人研發者與具身智能研究人員。")),
    )
    for slug, title, description in groups:
        _make(InterestGroup, slug=slug, **_trilingual("title", title), **_trilingual("description", description))
    _make(Announcement, title_en="Virtual Park services are online", title_zh_hans="虚拟园区服务已上线",
          title_zh_hant="虛擬園區服務已推出",
          description_en="Apply for park services, show your park code and sign in to partner systems with one "
                         "account.",
          description_zh_hans="一个账户即可办理园区服务、出示园区码并登录合作系统。",
          description_zh_hant="一個帳戶即可辦理園區服務、出示園區碼及登入合作系統。",
          author=User.objects.filter(email="data.head@example.org").first())


def clear_demo_passes() -> None:
    """For `load_demo_park --reset`: access points (they protect the parks) and the demo's community content."""
    AccessPoint.objects.all().delete()
    Event.objects.filter(title_en__in=["Hetao quantum forum", "Embodied intelligence meetup"]).delete()
    InterestGroup.objects.filter(slug__in=["quantum", "hk-founders", "robotics"]).delete()
    Announcement.objects.filter(title_en="Virtual Park services are online").delete()
    Announcement.objects.filter(park__isnull=False).delete()
